//! Outgoing mail. By default every message is written as an `.eml` file
//! (RFC 5322, built by `lettre`) to the data directory's `outbox/`, so
//! nothing needs a network; SMTP delivery comes with the newsletter work.

use std::path::PathBuf;

use async_trait::async_trait;
use lettre::Message;
use lettre::message::header::ContentType;

#[derive(Debug, Clone)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub text: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid address: {0}")]
    Address(String),
    #[error("could not build the message: {0}")]
    Build(String),
    #[error("could not write the message: {0}")]
    Io(#[from] std::io::Error),
}

#[async_trait]
pub trait Mailer: Send + Sync + std::fmt::Debug + 'static {
    async fn send(&self, mail: OutgoingMail) -> Result<(), MailError>;
}

/// Writes each message to `<dir>/<time>-<random>.eml`.
#[derive(Debug, Clone)]
pub struct OutboxMailer {
    dir: PathBuf,
    from: String,
}

impl OutboxMailer {
    pub fn new(dir: impl Into<PathBuf>, from: impl Into<String>) -> Self {
        Self { dir: dir.into(), from: from.into() }
    }
}

#[async_trait]
impl Mailer for OutboxMailer {
    async fn send(&self, mail: OutgoingMail) -> Result<(), MailError> {
        let message = Message::builder()
            .from(self.from.parse().map_err(|e| MailError::Address(format!("{}: {e}", self.from)))?)
            .to(mail.to.parse().map_err(|e| MailError::Address(format!("{}: {e}", mail.to)))?)
            .subject(mail.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(mail.text)
            .map_err(|e| MailError::Build(e.to_string()))?;
        let bytes = message.formatted();
        tokio::fs::create_dir_all(&self.dir).await?;
        let stamp = time::OffsetDateTime::now_utc().unix_timestamp_nanos();
        let name = format!("{stamp}-{}.eml", &super::secrets::new_secret("")[..8]);
        let partial = self.dir.join(format!("{name}.partial"));
        tokio::fs::write(&partial, bytes).await?;
        tokio::fs::rename(&partial, self.dir.join(&name)).await?;
        tracing::info!(to = %mail.to, file = %name, "mail written to the outbox");
        Ok(())
    }
}
