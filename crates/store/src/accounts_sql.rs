//! Accounts on SQL: [`AccountStore`] for every backend store
//! ([`SqlPool`]), and the account writes of one action's transaction
//! ([`AccountTx`] on [`SqlTx`]): a role change or a second factor's reset
//! with its audit entry, a ban with the decision that gave it.
//!
//! Queries are written once; the store's single-step writes run the
//! transaction's code in a transaction of their own. Rows are decoded by
//! `sqlx::FromRow`. The dialects do not differ here.

use async_trait::async_trait;
use dateline_core::Role;
use sqlx::{ColumnIndex, Database, Decode, Encode, Executor, FromRow, IntoArguments, Type};
use time::OffsetDateTime;

use crate::backend::{SqlPool, db_error, failpoint, whole_seconds};
use crate::{
    AccountStore, ApiToken, ApiTokenId, EditionId, EmailTokenPurpose, NewUser, SqlTx, StoreError, User,
    UserCredentials, UserId,
};

/// The account writes an action makes inside its transaction
/// ([`crate::WriteTx`]).
#[async_trait]
pub trait AccountTx: Send {
    /// Bans an account from commenting and chatting until `until` (`None`
    /// lifts a ban).
    async fn set_ban(
        &mut self,
        user_id: UserId,
        until: Option<OffsetDateTime>,
        reason: &str,
    ) -> Result<(), StoreError>;
    /// Sets an account's role and the editions it is limited to.
    async fn set_user_role(
        &mut self,
        id: UserId,
        role: dateline_core::Role,
        edition_ids: &[EditionId],
    ) -> Result<(), StoreError>;
    /// Turns two-factor authentication on (with a secret) or off (`None`).
    async fn set_totp_secret(&mut self, user_id: UserId, secret: Option<&str>) -> Result<(), StoreError>;
    /// Records that the code of 30-second `step` was used; false when that
    /// step (or a later one) was already used, so no code works twice.
    async fn accept_totp_step(&mut self, user_id: UserId, step: i64) -> Result<bool, StoreError>;
    /// Ends every session of an account.
    async fn delete_user_sessions(&mut self, user_id: UserId) -> Result<(), StoreError>;
    /// Replaces an account's password hash.
    async fn set_password_hash(&mut self, user_id: UserId, password_hash: &str) -> Result<(), StoreError>;
}

#[async_trait]
impl<DB> AccountTx for SqlTx<DB>
where
    DB: Database,
    for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<OffsetDateTime>: Encode<'q, DB> + Type<DB>,
    for<'r> i64: Decode<'r, DB>,
    usize: ColumnIndex<DB::Row>,
{
    async fn set_ban(
        &mut self,
        user_id: UserId,
        until: Option<OffsetDateTime>,
        reason: &str,
    ) -> Result<(), StoreError> {
        failpoint!("store.set_ban");
        sqlx::query::<DB>("UPDATE users SET banned_until = $1, ban_reason = $2 WHERE id = $3")
            .bind(until.map(whole_seconds))
            .bind(reason.to_owned())
            .bind(user_id)
            .execute(&mut *self.tx)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn set_user_role(
        &mut self,
        id: UserId,
        role: dateline_core::Role,
        edition_ids: &[EditionId],
    ) -> Result<(), StoreError> {
        failpoint!("store.set_user_role");
        sqlx::query::<DB>("UPDATE users SET role = $1 WHERE id = $2")
            .bind(role.as_str().to_owned())
            .bind(id)
            .execute(&mut *self.tx)
            .await
            .map_err(db_error)?;
        sqlx::query::<DB>("DELETE FROM user_editions WHERE user_id = $1")
            .bind(id)
            .execute(&mut *self.tx)
            .await
            .map_err(db_error)?;
        for edition_id in edition_ids {
            sqlx::query::<DB>("INSERT INTO user_editions (user_id, edition_id) VALUES ($1, $2)")
                .bind(id)
                .bind(*edition_id)
                .execute(&mut *self.tx)
                .await
                .map_err(db_error)?;
        }
        Ok(())
    }

    async fn set_totp_secret(&mut self, user_id: UserId, secret: Option<&str>) -> Result<(), StoreError> {
        failpoint!("store.set_totp_secret");
        sqlx::query::<DB>("UPDATE users SET totp_secret = $1, totp_last_step = NULL WHERE id = $2")
            .bind(secret.map(str::to_owned))
            .bind(user_id)
            .execute(&mut *self.tx)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn accept_totp_step(&mut self, user_id: UserId, step: i64) -> Result<bool, StoreError> {
        failpoint!("store.accept_totp_step");
        let accepted = sqlx::query_scalar::<DB, i64>(
            "UPDATE users SET totp_last_step = $1 WHERE id = $2 \
             AND (totp_last_step IS NULL OR totp_last_step < $1) RETURNING id",
        )
        .bind(step)
        .bind(user_id)
        .fetch_optional(&mut *self.tx)
        .await
        .map_err(db_error)?;
        Ok(accepted.is_some())
    }

    async fn delete_user_sessions(&mut self, user_id: UserId) -> Result<(), StoreError> {
        failpoint!("store.delete_user_sessions");
        sqlx::query::<DB>("DELETE FROM sessions WHERE user_id = $1")
            .bind(user_id)
            .execute(&mut *self.tx)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn set_password_hash(&mut self, user_id: UserId, password_hash: &str) -> Result<(), StoreError> {
        failpoint!("store.set_password_hash");
        sqlx::query::<DB>("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(password_hash.to_owned())
            .bind(user_id)
            .execute(&mut *self.tx)
            .await
            .map_err(db_error)?;
        Ok(())
    }
}

/// What [`UserRow`] reads, from `users u`.
const USER_COLUMNS: &str = "u.id, u.email, u.display_name, u.role, u.email_verified, u.created_at, u.bio, \
    u.banned_until, (u.totp_secret IS NOT NULL) AS two_factor";

#[derive(Debug, FromRow)]
pub struct UserRow {
    id: UserId,
    email: String,
    display_name: String,
    role: String,
    email_verified: bool,
    created_at: OffsetDateTime,
    bio: String,
    banned_until: Option<OffsetDateTime>,
    two_factor: bool,
}

impl TryFrom<UserRow> for User {
    type Error = StoreError;

    fn try_from(row: UserRow) -> Result<Self, StoreError> {
        Ok(Self {
            role: Role::parse(&row.role)
                .map_err(|_| StoreError::Invalid(format!("user role {:?}", row.role)))?,
            id: row.id,
            email: row.email,
            display_name: row.display_name,
            email_verified: row.email_verified,
            created_at: row.created_at,
            edition_ids: Vec::new(),
            bio: row.bio,
            banned_until: row.banned_until,
            two_factor: row.two_factor,
        })
    }
}

#[derive(Debug, FromRow)]
pub struct CredentialsRow {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: String,
    totp_secret: Option<String>,
}

const TOKEN_COLUMNS: &str = "id, user_id, name, created_at, expires_at, revoked_at";

#[async_trait]
impl<S> AccountStore for S
where
    S: SqlPool,
    for<'c> &'c mut <S::Db as Database>::Connection: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> bool: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> String: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> Option<String>: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> OffsetDateTime: Encode<'q, S::Db> + Type<S::Db>,
    for<'q> Option<OffsetDateTime>: Encode<'q, S::Db> + Type<S::Db>,
    for<'r> i64: Decode<'r, S::Db>,
    for<'r> i32: Decode<'r, S::Db> + Type<S::Db>,
    for<'r> UserRow: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> CredentialsRow: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> ApiToken: FromRow<'r, <S::Db as Database>::Row>,
    for<'r> (i64, String): FromRow<'r, <S::Db as Database>::Row>,
    for<'r> (i32, OffsetDateTime): FromRow<'r, <S::Db as Database>::Row>,
    usize: ColumnIndex<<S::Db as Database>::Row>,
{
    async fn create_user(&self, new: &NewUser) -> Result<User, StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        let id = sqlx::query_scalar::<S::Db, UserId>(
            "INSERT INTO users (email, display_name, password_hash, role, email_verified, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(new.email.as_str().to_owned())
        .bind(new.display_name.clone())
        .bind(new.password_hash.clone())
        .bind(new.role.as_str().to_owned())
        .bind(new.email_verified)
        .bind(whole_seconds(OffsetDateTime::now_utc()))
        .fetch_one(&mut *tx.tx)
        .await
        .map_err(|e| match db_error(e) {
            StoreError::Conflict(_) => StoreError::Conflict(format!("an account for {}", new.email)),
            other => other,
        })?;
        for edition_id in &new.edition_ids {
            sqlx::query::<S::Db>("INSERT INTO user_editions (user_id, edition_id) VALUES ($1, $2)")
                .bind(id)
                .bind(*edition_id)
                .execute(&mut *tx.tx)
                .await
                .map_err(db_error)?;
        }
        tx.tx.commit().await.map_err(db_error)?;
        self.user_by_id(id).await?.ok_or_else(|| StoreError::NotFound(format!("user {id}")))
    }

    async fn user_by_id(&self, id: UserId) -> Result<Option<User>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users u WHERE u.id = $1");
        let row = sqlx::query_as::<S::Db, UserRow>(&sql)
            .bind(id)
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        with_editions(self, row).await
    }

    async fn users(&self) -> Result<Vec<User>, StoreError> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM users u ORDER BY CASE u.role WHEN 'admin' THEN 0 \
             WHEN 'editor' THEN 1 WHEN 'contributor' THEN 2 ELSE 3 END, u.display_name, u.id"
        );
        let rows = sqlx::query_as::<S::Db, UserRow>(&sql).fetch_all(self.pool()).await.map_err(db_error)?;
        // Edition limits of every account in one query.
        let limits = sqlx::query_as::<S::Db, (UserId, EditionId)>(
            "SELECT user_id, edition_id FROM user_editions ORDER BY user_id, edition_id",
        )
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        rows.into_iter()
            .map(|row| {
                let mut user = User::try_from(row)?;
                user.edition_ids = limits.iter().filter(|(u, _)| *u == user.id).map(|(_, e)| *e).collect();
                Ok(user)
            })
            .collect()
    }

    async fn set_user_role(
        &self,
        id: UserId,
        role: Role,
        edition_ids: &[EditionId],
    ) -> Result<(), StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        tx.set_user_role(id, role, edition_ids).await?;
        tx.tx.commit().await.map_err(db_error)
    }

    async fn user_credentials(&self, email: &str) -> Result<Option<UserCredentials>, StoreError> {
        let sql =
            format!("SELECT {USER_COLUMNS}, u.password_hash, u.totp_secret FROM users u WHERE u.email = $1");
        let row = sqlx::query_as::<S::Db, CredentialsRow>(&sql)
            .bind(email.to_owned())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        let Some(row) = row else { return Ok(None) };
        let Some(user) = with_editions(self, Some(row.user)).await? else { return Ok(None) };
        Ok(Some(UserCredentials { user, password_hash: row.password_hash, totp_secret: row.totp_secret }))
    }

    async fn set_password_hash(&self, user_id: UserId, password_hash: &str) -> Result<(), StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        tx.set_password_hash(user_id, password_hash).await?;
        tx.tx.commit().await.map_err(db_error)
    }

    async fn set_email_verified(&self, user_id: UserId) -> Result<(), StoreError> {
        sqlx::query::<S::Db>("UPDATE users SET email_verified = $1 WHERE id = $2")
            .bind(true)
            .bind(user_id)
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn update_profile(&self, user_id: UserId, display_name: &str, bio: &str) -> Result<(), StoreError> {
        sqlx::query::<S::Db>("UPDATE users SET display_name = $1, bio = $2 WHERE id = $3")
            .bind(display_name.to_owned())
            .bind(bio.to_owned())
            .bind(user_id)
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn delete_user(&self, user_id: UserId, keep_comments: bool) -> Result<(), StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        let articles =
            sqlx::query_scalar::<S::Db, i64>("SELECT DISTINCT article_id FROM comments WHERE user_id = $1")
                .bind(user_id)
                .fetch_all(&mut *tx.tx)
                .await
                .map_err(db_error)?;
        if !keep_comments {
            // Removed like an author's deletion: replies of others under
            // them stay.
            sqlx::query::<S::Db>(
                "UPDATE comments SET status = 'deleted', body = '', body_html = '' WHERE user_id = $1",
            )
            .bind(user_id)
            .execute(&mut *tx.tx)
            .await
            .map_err(db_error)?;
        }
        let statements = [
            // Reactions the account left leave its comments' counts.
            "UPDATE comments SET reaction_count = reaction_count - \
             (SELECT COUNT(*) FROM comment_reactions r WHERE r.comment_id = comments.id AND r.user_id = $1) \
             WHERE id IN (SELECT comment_id FROM comment_reactions WHERE user_id = $1)",
            "UPDATE comments SET user_id = NULL WHERE user_id = $1",
            "UPDATE audit_log SET user_id = NULL WHERE user_id = $1",
            "DELETE FROM users WHERE id = $1",
        ];
        for statement in statements {
            sqlx::query::<S::Db>(statement).bind(user_id).execute(&mut *tx.tx).await.map_err(db_error)?;
        }
        for article_id in articles {
            sqlx::query::<S::Db>(
                "UPDATE articles SET comment_count = \
                 (SELECT COUNT(*) FROM comments WHERE article_id = $1 AND status = 'approved') WHERE id = $1",
            )
            .bind(article_id)
            .execute(&mut *tx.tx)
            .await
            .map_err(db_error)?;
        }
        tx.tx.commit().await.map_err(db_error)
    }

    async fn set_totp_secret(&self, user_id: UserId, secret: Option<&str>) -> Result<(), StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        tx.set_totp_secret(user_id, secret).await?;
        tx.tx.commit().await.map_err(db_error)
    }

    async fn accept_totp_step(&self, user_id: UserId, step: i64) -> Result<bool, StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        let accepted = tx.accept_totp_step(user_id, step).await?;
        tx.tx.commit().await.map_err(db_error)?;
        Ok(accepted)
    }

    async fn create_login_challenge(
        &self,
        token_hash: &str,
        user_id: UserId,
        next: &str,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query::<S::Db>(
            "INSERT INTO login_challenges (token_hash, user_id, next, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash.to_owned())
        .bind(user_id)
        .bind(next.to_owned())
        .bind(whole_seconds(expires_at))
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn login_challenge(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<(UserId, String)>, StoreError> {
        sqlx::query_as::<S::Db, (i64, String)>(
            "SELECT user_id, next FROM login_challenges WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash.to_owned())
        .bind(whole_seconds(now))
        .fetch_optional(self.pool())
        .await
        .map(|found| found.map(|(user, next)| (UserId::new(user), next)))
        .map_err(db_error)
    }

    async fn delete_login_challenge(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query::<S::Db>("DELETE FROM login_challenges WHERE token_hash = $1")
            .bind(token_hash.to_owned())
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn create_session(
        &self,
        token_hash: &str,
        user_id: UserId,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query::<S::Db>(
            "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash.to_owned())
        .bind(user_id)
        .bind(whole_seconds(OffsetDateTime::now_utc()))
        .bind(whole_seconds(expires_at))
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn session_user(&self, token_hash: &str, now: OffsetDateTime) -> Result<Option<User>, StoreError> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2"
        );
        let row = sqlx::query_as::<S::Db, UserRow>(&sql)
            .bind(token_hash.to_owned())
            .bind(whole_seconds(now))
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        with_editions(self, row).await
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query::<S::Db>("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash.to_owned())
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn delete_user_sessions(&self, user_id: UserId) -> Result<(), StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        tx.delete_user_sessions(user_id).await?;
        tx.tx.commit().await.map_err(db_error)
    }

    async fn create_api_token(
        &self,
        user_id: UserId,
        name: &str,
        token_hash: &str,
        expires_at: Option<OffsetDateTime>,
    ) -> Result<ApiToken, StoreError> {
        let sql = format!(
            "INSERT INTO api_tokens (user_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5) \
             RETURNING {TOKEN_COLUMNS}"
        );
        sqlx::query_as::<S::Db, ApiToken>(&sql)
            .bind(user_id)
            .bind(name.to_owned())
            .bind(token_hash.to_owned())
            .bind(whole_seconds(OffsetDateTime::now_utc()))
            .bind(expires_at.map(whole_seconds))
            .fetch_one(self.pool())
            .await
            .map_err(db_error)
    }

    async fn api_token_user(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<User>, StoreError> {
        let sql = format!(
            "SELECT {USER_COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)"
        );
        let row = sqlx::query_as::<S::Db, UserRow>(&sql)
            .bind(token_hash.to_owned())
            .bind(whole_seconds(now))
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        with_editions(self, row).await
    }

    async fn api_tokens_of(&self, user_id: UserId) -> Result<Vec<ApiToken>, StoreError> {
        let sql = format!("SELECT {TOKEN_COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY id");
        sqlx::query_as::<S::Db, ApiToken>(&sql).bind(user_id).fetch_all(self.pool()).await.map_err(db_error)
    }

    async fn revoke_api_token(&self, id: ApiTokenId, now: OffsetDateTime) -> Result<bool, StoreError> {
        let revoked = sqlx::query_scalar::<S::Db, i64>(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING id",
        )
        .bind(whole_seconds(now))
        .bind(id)
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)?;
        Ok(revoked.is_some())
    }

    async fn create_email_token(
        &self,
        token_hash: &str,
        user_id: UserId,
        purpose: EmailTokenPurpose,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query::<S::Db>(
            "INSERT INTO email_tokens (token_hash, user_id, purpose, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash.to_owned())
        .bind(user_id)
        .bind(purpose.as_str().to_owned())
        .bind(whole_seconds(expires_at))
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn consume_email_token(
        &self,
        token_hash: &str,
        purpose: EmailTokenPurpose,
        now: OffsetDateTime,
    ) -> Result<Option<UserId>, StoreError> {
        sqlx::query_scalar::<S::Db, UserId>(
            "UPDATE email_tokens SET used_at = $1 \
             WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1 RETURNING user_id",
        )
        .bind(whole_seconds(now))
        .bind(token_hash.to_owned())
        .bind(purpose.as_str().to_owned())
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)
    }

    async fn record_login_failure(&self, subject: &str, now: OffsetDateTime) -> Result<i64, StoreError> {
        let failures = sqlx::query_scalar::<S::Db, i32>(
            "INSERT INTO login_failures (subject, failures, last_failure_at) VALUES ($1, 1, $2) \
             ON CONFLICT (subject) DO UPDATE SET failures = login_failures.failures + 1, \
             last_failure_at = excluded.last_failure_at RETURNING failures",
        )
        .bind(subject.to_owned())
        .bind(whole_seconds(now))
        .fetch_one(self.pool())
        .await
        .map_err(db_error)?;
        Ok(i64::from(failures))
    }

    async fn login_failures(&self, subject: &str) -> Result<Option<(i64, OffsetDateTime)>, StoreError> {
        let row = sqlx::query_as::<S::Db, (i32, OffsetDateTime)>(
            "SELECT failures, last_failure_at FROM login_failures WHERE subject = $1",
        )
        .bind(subject.to_owned())
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)?;
        Ok(row.map(|(failures, at)| (i64::from(failures), at)))
    }

    async fn clear_login_failures(&self, subject: &str) -> Result<(), StoreError> {
        sqlx::query::<S::Db>("DELETE FROM login_failures WHERE subject = $1")
            .bind(subject.to_owned())
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn set_ban(
        &self,
        user_id: UserId,
        until: Option<OffsetDateTime>,
        reason: &str,
    ) -> Result<(), StoreError> {
        let mut tx = SqlTx::begin(self.pool()).await?;
        tx.set_ban(user_id, until, reason).await?;
        tx.tx.commit().await.map_err(db_error)
    }
}

/// Completes a user row with the editions the account is limited to.
async fn with_editions<S>(store: &S, row: Option<UserRow>) -> Result<Option<User>, StoreError>
where
    S: SqlPool,
    for<'c> &'c mut <S::Db as Database>::Connection: Executor<'c, Database = S::Db>,
    for<'q> <S::Db as Database>::Arguments<'q>: IntoArguments<'q, S::Db>,
    for<'q> i64: Encode<'q, S::Db> + Type<S::Db>,
    for<'r> i64: Decode<'r, S::Db>,
    usize: ColumnIndex<<S::Db as Database>::Row>,
{
    let Some(row) = row else { return Ok(None) };
    let mut user = User::try_from(row)?;
    user.edition_ids = sqlx::query_scalar::<S::Db, EditionId>(
        "SELECT edition_id FROM user_editions WHERE user_id = $1 ORDER BY edition_id",
    )
    .bind(user.id)
    .fetch_all(store.pool())
    .await
    .map_err(db_error)?;
    Ok(Some(user))
}
