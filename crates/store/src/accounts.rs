//! Accounts: readers and staff, their sessions and second factors, API
//! tokens, single-use e-mail links, login throttling and comment bans.
//! The rows are in [`crate::model`] (`User`, `ApiToken`, …); the SQL in
//! `accounts_sql.rs`.

use async_trait::async_trait;
use time::OffsetDateTime;

use crate::{
    ApiToken, ApiTokenId, EditionId, EmailTokenPurpose, NewUser, StoreError, User, UserCredentials, UserId,
};

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// `Conflict` when the address is taken.
    async fn create_user(&self, new: &NewUser) -> Result<User, StoreError>;
    async fn user_by_id(&self, id: UserId) -> Result<Option<User>, StoreError>;
    /// Every account, staff first, then by name.
    async fn users(&self) -> Result<Vec<User>, StoreError>;
    /// Sets an account's role and the editions it is limited to.
    async fn set_user_role(
        &self,
        id: UserId,
        role: dateline_core::Role,
        edition_ids: &[EditionId],
    ) -> Result<(), StoreError>;
    async fn user_credentials(&self, email: &str) -> Result<Option<UserCredentials>, StoreError>;
    async fn set_password_hash(&self, user_id: UserId, password_hash: &str) -> Result<(), StoreError>;
    async fn set_email_verified(&self, user_id: UserId) -> Result<(), StoreError>;
    /// Changes the name and profile text a reader shows.
    async fn update_profile(&self, user_id: UserId, display_name: &str, bio: &str) -> Result<(), StoreError>;
    /// Deletes an account and its sessions, tokens, reactions and reports.
    /// Its comments stay without a name (`keep_comments`) or are removed
    /// (replies of others under them stay).
    async fn delete_user(&self, user_id: UserId, keep_comments: bool) -> Result<(), StoreError>;
    /// Turns two-factor authentication on (with a secret) or off (`None`).
    async fn set_totp_secret(&self, user_id: UserId, secret: Option<&str>) -> Result<(), StoreError>;
    /// Records that the code of 30-second `step` was used; false when that
    /// step (or a later one) was already used, so no code works twice.
    async fn accept_totp_step(&self, user_id: UserId, step: i64) -> Result<bool, StoreError>;
    async fn create_login_challenge(
        &self,
        token_hash: &str,
        user_id: UserId,
        next: &str,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// The user and destination of an unexpired challenge.
    async fn login_challenge(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<(UserId, String)>, StoreError>;
    async fn delete_login_challenge(&self, token_hash: &str) -> Result<(), StoreError>;

    async fn create_session(
        &self,
        token_hash: &str,
        user_id: UserId,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// The user of an unexpired session.
    async fn session_user(&self, token_hash: &str, now: OffsetDateTime) -> Result<Option<User>, StoreError>;
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;
    /// Ends every session of a user (after a password change).
    async fn delete_user_sessions(&self, user_id: UserId) -> Result<(), StoreError>;

    async fn create_api_token(
        &self,
        user_id: UserId,
        name: &str,
        token_hash: &str,
        expires_at: Option<OffsetDateTime>,
    ) -> Result<ApiToken, StoreError>;
    /// The user of a token that is neither revoked nor expired.
    async fn api_token_user(&self, token_hash: &str, now: OffsetDateTime)
    -> Result<Option<User>, StoreError>;
    async fn api_tokens_of(&self, user_id: UserId) -> Result<Vec<ApiToken>, StoreError>;
    /// True when a live token was revoked.
    async fn revoke_api_token(&self, id: ApiTokenId, now: OffsetDateTime) -> Result<bool, StoreError>;

    async fn create_email_token(
        &self,
        token_hash: &str,
        user_id: UserId,
        purpose: EmailTokenPurpose,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError>;
    /// Uses up a one-time link: the user id when it was valid, unused and unexpired.
    async fn consume_email_token(
        &self,
        token_hash: &str,
        purpose: EmailTokenPurpose,
        now: OffsetDateTime,
    ) -> Result<Option<UserId>, StoreError>;

    /// Counts a failed login for `subject`; returns the failures so far.
    async fn record_login_failure(&self, subject: &str, now: OffsetDateTime) -> Result<i64, StoreError>;
    /// Failures so far and the time of the last one.
    async fn login_failures(&self, subject: &str) -> Result<Option<(i64, OffsetDateTime)>, StoreError>;
    async fn clear_login_failures(&self, subject: &str) -> Result<(), StoreError>;
    /// Bans an account from commenting until `until` (`None` lifts a ban).
    async fn set_ban(
        &self,
        user_id: UserId,
        until: Option<OffsetDateTime>,
        reason: &str,
    ) -> Result<(), StoreError>;
}
