//! Accounts: roles, e-mail addresses, display names and new passwords,
//! parsed from form and CLI input.

use std::fmt;

/// What an account may do. Ordered: each role can do what the ones before it can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads, comments, chats.
    Reader,
    /// Writes drafts and submits them for review.
    Contributor,
    /// Reviews, schedules, publishes and corrects in their editions.
    Editor,
    /// Manages users, editions and sections.
    Admin,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a role is one of: reader, contributor, editor, admin")]
pub struct RoleError;

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Reader => "reader",
            Self::Contributor => "contributor",
            Self::Editor => "editor",
            Self::Admin => "admin",
        }
    }

    pub fn parse(input: &str) -> Result<Self, RoleError> {
        match input.trim().to_ascii_lowercase().as_str() {
            "reader" => Ok(Self::Reader),
            "contributor" => Ok(Self::Contributor),
            "editor" => Ok(Self::Editor),
            "admin" => Ok(Self::Admin),
            _ => Err(RoleError),
        }
    }

    /// Staff roles work in the newsroom.
    pub fn is_staff(self) -> bool {
        self >= Self::Contributor
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An e-mail address, trimmed and lower-cased: `local@domain.tld`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct Email(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("enter an e-mail address such as name@example.com")]
pub struct EmailError;

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let email = input.trim().to_lowercase();
        let Some((local, domain)) = email.split_once('@') else { return Err(EmailError) };
        let well_formed = !local.is_empty()
            && local.len() <= 64
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && !domain.contains('@')
            && email.len() <= Self::MAX_LEN
            && !email.chars().any(|c| c.is_whitespace() || c.is_control() || "<>\"(),;:[]\\".contains(c));
        if well_formed { Ok(Self(email)) } else { Err(EmailError) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name shown for an account: 1–80 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a name is 1 to 80 characters long")]
pub struct DisplayNameError;

impl DisplayName {
    pub fn parse(input: &str) -> Result<Self, DisplayNameError> {
        let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
        let count = name.chars().count();
        if (1..=80).contains(&count) && !name.chars().any(char::is_control) {
            Ok(Self(name))
        } else {
            Err(DisplayNameError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// A password someone chose: 10 to 1,000 characters. Kept only until hashed.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NewPasswordError {
    #[error("a password is at least 10 characters long")]
    TooShort,
    #[error("a password is at most 1000 characters long")]
    TooLong,
}

impl NewPassword {
    pub fn parse(input: &str) -> Result<Self, NewPasswordError> {
        let count = input.chars().count();
        if count < 10 {
            Err(NewPasswordError::TooShort)
        } else if count > 1000 {
            Err(NewPasswordError::TooLong)
        } else {
            Ok(Self(input.to_owned()))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert_eq!(Email::parse("  Ana@Example.COM ").map(|e| e.to_string()), Ok("ana@example.com".into()));
        for bad in ["", "ana", "ana@", "@x.org", "ana@x", "a b@x.org", "ana@x..org", "<a>@x.org", "a@b@c.org"]
        {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn roles_order_and_parse() {
        assert!(Role::Admin > Role::Editor && Role::Editor > Role::Contributor);
        assert!(!Role::Reader.is_staff() && Role::Contributor.is_staff());
        assert_eq!(Role::parse("Editor"), Ok(Role::Editor));
        assert!(Role::parse("root").is_err());
    }

    #[test]
    fn names_and_passwords() {
        assert_eq!(DisplayName::parse("  Ana   Lima ").map(DisplayName::into_inner), Ok("Ana Lima".into()));
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"x".repeat(81)).is_err());
        assert!(NewPassword::parse("short").is_err());
        assert!(NewPassword::parse("long enough pass").is_ok());
        assert_eq!(format!("{:?}", NewPassword::parse("long enough pass")), "Ok(NewPassword(***))");
    }
}
