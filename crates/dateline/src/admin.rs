//! `dateline user …` and `dateline token …`: account administration from
//! the command line, for the first admin and for automation.

use std::io::Read as _;

use anyhow::{Context as _, anyhow, bail};
use dateline_core::{DisplayName, Email, NewPassword, Role};
use dateline_store::NewUser;
use dateline_web::accounts::passwords;
use dateline_web::accounts::secrets::{new_secret, secret_hash};
use time::{Duration, OffsetDateTime};

use crate::cli::{TokenCommand, UserCommand};
use crate::config::Settings;
use crate::startup::open_store;

pub async fn user(settings: &Settings, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::Add { email, role, name, editions } => {
            let email = Email::parse(&email).map_err(|e| anyhow!("--email: {e}"))?;
            let role = Role::parse(&role).map_err(|e| anyhow!("--role: {e}"))?;
            let name =
                name.unwrap_or_else(|| email.as_str().split('@').next().unwrap_or_default().to_owned());
            let name = DisplayName::parse(&name).map_err(|e| anyhow!("--name: {e}"))?;
            let mut password = String::new();
            std::io::stdin()
                .read_to_string(&mut password)
                .context("could not read the password from stdin")?;
            let password = password.strip_suffix('\n').unwrap_or(&password);
            let password = password.strip_suffix('\r').unwrap_or(password);
            let password = NewPassword::parse(password).map_err(|e| anyhow!("the password on stdin: {e}"))?;
            let store = open_store(settings).await?;
            let all = store.editions().await?;
            let edition_ids = editions
                .iter()
                .map(|code| {
                    all.iter()
                        .find(|e| e.code.as_str() == code)
                        .map(|e| e.id)
                        .ok_or_else(|| anyhow!("no edition {code:?}"))
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let password_hash = passwords::hash(password.expose().to_owned()).await?;
            let user = store
                .create_user(&NewUser {
                    email,
                    display_name: name.into_inner(),
                    password_hash,
                    role,
                    email_verified: true,
                    edition_ids,
                })
                .await
                .map_err(|e| match e {
                    dateline_store::StoreError::Conflict(what) => anyhow!("{what} already exists"),
                    other => anyhow!(other),
                })?;
            println!("created user {} <{}> with role {}", user.id, user.email, user.role);
            Ok(())
        }
    }
}

pub async fn token(settings: &Settings, command: TokenCommand) -> anyhow::Result<()> {
    let store = open_store(settings).await?;
    match command {
        TokenCommand::Create { email, name, expires_in_days } => {
            let email = Email::parse(&email).map_err(|e| anyhow!("--email: {e}"))?;
            let credentials = store
                .user_credentials(email.as_str())
                .await?
                .ok_or_else(|| anyhow!("no account for {email}"))?;
            let secret = new_secret("dlt_");
            let expires_at =
                expires_in_days.map(|days| OffsetDateTime::now_utc() + Duration::days(i64::from(days)));
            let token =
                store.create_api_token(credentials.user.id, &name, &secret_hash(&secret), expires_at).await?;
            eprintln!("token {} for {} (shown once; keep it secret):", token.id, credentials.user.email);
            println!("{secret}");
            Ok(())
        }
        TokenCommand::List { email } => {
            let email = Email::parse(&email).map_err(|e| anyhow!("--email: {e}"))?;
            let credentials = store
                .user_credentials(email.as_str())
                .await?
                .ok_or_else(|| anyhow!("no account for {email}"))?;
            for token in store.api_tokens_of(credentials.user.id).await? {
                let state = match (token.revoked_at, token.expires_at) {
                    (Some(at), _) => format!("revoked {at}"),
                    (None, Some(at)) if at <= OffsetDateTime::now_utc() => format!("expired {at}"),
                    (None, Some(at)) => format!("expires {at}"),
                    (None, None) => "active".to_owned(),
                };
                println!("{}\t{}\tcreated {}\t{state}", token.id, token.name, token.created_at);
            }
            Ok(())
        }
        TokenCommand::Revoke { id } => {
            if !store.revoke_api_token(id, OffsetDateTime::now_utc()).await? {
                bail!("no active token {id}");
            }
            println!("revoked token {id}");
            Ok(())
        }
    }
}
