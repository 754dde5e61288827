//! Outgoing mail. Handlers never send directly: [`queue_mail`] puts the
//! message in the jobs table and the job runner delivers it with retries
//! (so an SMTP outage delays mail but loses none, and a request never waits
//! on a mail server). Delivery goes through SMTP when `smtp_url` is set;
//! otherwise each message is written as an `.eml` file (RFC 5322, built by
//! `lettre`) to the data directory's `outbox/`, so nothing needs a network.

use std::path::PathBuf;
use std::time::Duration;

use async_trait::async_trait;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::AppState;

/// Job kind: payload is an [`OutgoingMail`] as JSON; cleared once sent.
pub const SEND_MAIL: &str = "send_mail";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    /// An HTML version: the mail becomes `multipart/alternative`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// An `https:` unsubscribe URL: sets `List-Unsubscribe` and the
    /// one-click `List-Unsubscribe-Post` of RFC 8058 (the URL must accept
    /// a cookie-less POST).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list_unsubscribe: Option<String>,
    /// A fixed `Message-ID` (without angle brackets), so a mail sent again
    /// after a crash is recognisably the same message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_id: Option<String>,
}

impl OutgoingMail {
    /// The job payload: the mail as JSON. Built from its fields (strings
    /// only), so unlike `serde_json::to_string` it cannot fail; the send
    /// job reads it back with `serde_json::from_str`.
    pub fn payload(&self) -> String {
        let mut fields = serde_json::Map::new();
        for (name, value) in [
            ("to", Some(&self.to)),
            ("subject", Some(&self.subject)),
            ("text", Some(&self.text)),
            ("html", self.html.as_ref()),
            ("list_unsubscribe", self.list_unsubscribe.as_ref()),
            ("message_id", self.message_id.as_ref()),
        ] {
            if let Some(value) = value {
                fields.insert(name.to_owned(), serde_json::Value::String(value.clone()));
            }
        }
        serde_json::Value::Object(fields).to_string()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid address: {0}")]
    Address(String),
    #[error("could not build the message: {0}")]
    Build(String),
    #[error("could not write the message: {0}")]
    Io(#[from] std::io::Error),
    #[error("invalid SMTP URL: {0}")]
    Url(String),
    /// `permanent` when the server refused for good (a 5xx reply, such as
    /// an unknown mailbox): retrying would not help. `replied` when the
    /// server answered at all (a 4xx or 5xx reply), as opposed to a
    /// connection that failed or timed out.
    #[error("SMTP delivery failed: {message}")]
    Smtp { permanent: bool, replied: bool, message: String },
}

impl MailError {
    /// True when a retry cannot succeed.
    pub fn is_permanent(&self) -> bool {
        matches!(self, Self::Address(_) | Self::Build(_) | Self::Smtp { permanent: true, .. })
    }

    /// True when the mail server could not be reached or written to (not a
    /// refusal of this one message): the next messages would fail too.
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Self::Io(_) | Self::Smtp { replied: false, .. })
    }
}

#[async_trait]
pub trait Mailer: Send + Sync + std::fmt::Debug + 'static {
    async fn send(&self, mail: OutgoingMail) -> Result<(), MailError>;
}

/// Puts a message in the queue; the job runner sends it within about a second.
pub async fn queue_mail(state: &AppState, mail: &OutgoingMail) -> Result<(), dateline_store::StoreError> {
    state.store.enqueue_job(SEND_MAIL, &mail.payload(), OffsetDateTime::now_utc()).await?;
    Ok(())
}

/// Queues a mail as part of an action's transaction: it goes out only if
/// the action commits.
pub async fn queue_mail_in(
    tx: &mut dyn dateline_store::WriteTx,
    mail: &OutgoingMail,
) -> Result<(), dateline_store::StoreError> {
    tx.enqueue_job(SEND_MAIL, &mail.payload(), OffsetDateTime::now_utc()).await?;
    Ok(())
}

fn mailbox(address: &str) -> Result<Mailbox, MailError> {
    address.parse().map_err(|e| MailError::Address(format!("{address}: {e}")))
}

fn build(from: &Mailbox, mail: OutgoingMail) -> Result<Message, MailError> {
    let mut builder = Message::builder()
        .from(from.clone())
        .message_id(mail.message_id.map(|id| format!("<{id}>")))
        .to(mailbox(&mail.to)?)
        .subject(mail.subject);
    if let Some(url) = mail.list_unsubscribe {
        builder = builder
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe"),
                format!("<{url}>"),
            ))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".to_owned(),
            ));
    }
    let built = match mail.html {
        Some(html) => builder.multipart(MultiPart::alternative_plain_html(mail.text, html)),
        None => builder.header(ContentType::TEXT_PLAIN).body(mail.text),
    };
    built.map_err(|e| MailError::Build(e.to_string()))
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
        let to = mail.to.clone();
        let bulk = mail.list_unsubscribe.is_some();
        let bytes = build(&mailbox(&self.from)?, mail)?.formatted();
        tokio::fs::create_dir_all(&self.dir).await?;
        let stamp = OffsetDateTime::now_utc().unix_timestamp_nanos();
        let name = format!("{stamp}-{}.eml", &super::secrets::new_secret("")[..8]);
        let partial = self.dir.join(format!("{name}.partial"));
        tokio::fs::write(&partial, bytes).await?;
        tokio::fs::rename(&partial, self.dir.join(&name)).await?;
        if bulk {
            tracing::debug!(%to, file = %name, "newsletter written to the outbox");
        } else {
            tracing::info!(%to, file = %name, "mail written to the outbox");
        }
        Ok(())
    }
}

/// Delivers through an SMTP server named by a URL, as `lettre` reads them:
/// `smtp://host:25` (plain), `smtp://user:pass@host:587?tls=required`
/// (STARTTLS), `smtps://user:pass@host:465` (TLS from the start). TLS uses
/// rustls with the system's root certificates.
#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for SmtpMailer {
    /// The URL may hold a password; show neither.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpMailer").field("from", &self.from.to_string()).finish_non_exhaustive()
    }
}

impl SmtpMailer {
    pub fn from_url(url: &str, from: &str) -> Result<Self, MailError> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| MailError::Url(e.to_string()))?
            .timeout(Some(Duration::from_secs(30)))
            .pool_config(PoolConfig::new().max_size(32))
            .build();
        Ok(Self { transport, from: mailbox(from)? })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, mail: OutgoingMail) -> Result<(), MailError> {
        let to = mail.to.clone();
        // Newsletters are counted by their sender, not logged one by one.
        let bulk = mail.list_unsubscribe.is_some();
        let message = build(&self.from, mail)?;
        match self.transport.send(message).await {
            Ok(response) => {
                if bulk {
                    tracing::debug!(%to, code = %response.code(), "newsletter handed to the SMTP server");
                } else {
                    tracing::info!(%to, code = %response.code(), "mail handed to the SMTP server");
                }
                Ok(())
            }
            Err(e) => Err(MailError::Smtp {
                permanent: e.is_permanent(),
                replied: e.is_permanent() || e.is_transient(),
                message: e.to_string(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::OutgoingMail;

    #[test]
    fn the_job_payload_reads_back_as_the_same_mail() {
        let full = OutgoingMail {
            to: "ann@example.com".into(),
            subject: "Confirm \"your\" address".into(),
            text: "Line one\nلغة عربية\u{0}".into(),
            html: Some("<p>Hi</p>".into()),
            list_unsubscribe: Some("https://news.example.com/u/1".into()),
            message_id: Some("abc@news.example.com".into()),
        };
        let bare = OutgoingMail { to: "ben@example.com".into(), ..OutgoingMail::default() };
        for mail in [full, bare] {
            let back: OutgoingMail = serde_json::from_str(&mail.payload()).expect("reads back");
            assert_eq!(serde_json::to_value(&back).ok(), serde_json::to_value(&mail).ok());
        }
    }
}
