//! Settings: defaults in code, then `dateline.toml`, then `DATELINE_*`
//! environment variables, then flags.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use crate::cli::{GlobalArgs, ServeArgs};

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Text,
    Json,
}

/// Everything `dateline` can be told. The TOML file uses these names.
#[derive(Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address the server listens on.
    pub listen: SocketAddr,
    /// Where the SQLite database and media files live.
    pub data_dir: PathBuf,
    /// `postgres://…` or `sqlite:…`; empty means SQLite in `data_dir`.
    pub database_url: String,
    /// This node's search index; empty means `<data_dir>/search`. Every
    /// node (process) needs its own.
    pub search_dir: PathBuf,
    /// Base URL for absolute links; empty means `http://<listen>`.
    pub public_url: String,
    /// The outlet's name.
    pub site_name: String,
    /// The agency named in datelines ("GENEVA, Nov 28 (Meridian) -").
    pub agency: String,
    /// Fill an empty store with demo content on `serve`.
    pub demo: bool,
    /// `Cache-Control: max-age` of pages, in seconds.
    pub page_max_age_secs: u64,
    /// Longest reuse of a rendered page from memory, in seconds. Changes
    /// drop the pages that show them at once on every node; this bounds
    /// only what changes with time alone (a breaking banner's hours).
    pub page_cache_ttl_secs: u64,
    /// The memory rendered pages may hold, in MiB.
    pub page_cache_mib: u64,
    /// Sender of account e-mails; empty means `<site_name> <no-reply@localhost>`.
    pub mail_from: String,
    /// Outgoing mail server, e.g. `smtp://user:pass@mail.example.com:587?tls=required`
    /// or `smtps://user:pass@mail.example.com`; empty writes mail to `<data_dir>/outbox`.
    pub smtp_url: String,
    /// Reverse proxies (addresses or networks) whose `X-Forwarded-For` is
    /// believed when throttling logins; empty trusts no header.
    pub trusted_proxies: Vec<String>,
    /// Keep media in this S3-compatible bucket instead of `<data_dir>/media`.
    pub s3_bucket: String,
    /// The S3 server (`http://127.0.0.1:9000` for MinIO); empty for AWS.
    pub s3_endpoint: String,
    pub s3_region: String,
    /// Empty to use the standard `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY`.
    pub s3_access_key_id: String,
    pub s3_secret_access_key: String,
    /// Largest photo upload, in megabytes.
    pub upload_max_mb: usize,
    /// Largest photo upload, in megapixels (stops decompression bombs).
    pub upload_max_megapixels: u64,
    /// Feeds carry each story's full text; `false` gives only the lead.
    pub feed_full_text: bool,
    /// Articles stop taking comments this many days after publication (0: never).
    pub comments_close_after_days: u32,
    /// A new account's first comments (this many) wait for a moderator.
    pub comments_hold_first: u32,
    /// A comment with a link waits for a moderator until its author has
    /// this many approved comments.
    pub comments_links_after: u32,
    /// Comments one account may post per minute, and per hour.
    pub comments_per_minute: u32,
    pub comments_per_hour: u32,
    /// Comments one client address may post per minute.
    pub comments_per_address_per_minute: u32,
    /// Chat messages one account may send per minute.
    pub chat_messages_per_minute: u32,
    /// Chat messages one client address may send per minute (all its accounts).
    pub chat_messages_per_address_per_minute: u32,
    /// Days a new chat room keeps its messages (0: for ever); each room
    /// can change its own in the newsroom.
    pub chat_retention_days: u32,
    /// Search answers a node remembers until its index changes (0: none).
    pub search_cache_entries: usize,
    /// The hour (0–23, UTC) after which each edition's daily digest goes out.
    pub newsletter_digest_hour: u8,
    /// New newsletter sign-ups one client address may make per hour.
    pub newsletter_signups_per_address_per_hour: u32,
    /// A WebSub hub (`https://hub.example.com/`): feeds name it, and every
    /// publish or update pings it. Empty: no WebSub.
    pub websub_hub: String,
    /// Caching proxies in front (Varnish with xkey) that get `PURGE` with
    /// the changed pages' surrogate keys: their base URLs.
    pub purge_proxies: Vec<String>,
    /// Log filter (`info`, `dateline=debug,info` …).
    pub log: String,
    pub log_format: LogFormat,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("data"),
            database_url: String::new(),
            search_dir: PathBuf::new(),
            public_url: String::new(),
            site_name: "Meridian".into(),
            agency: "Meridian".into(),
            demo: true,
            page_max_age_secs: 60,
            page_cache_ttl_secs: 600,
            page_cache_mib: 128,
            mail_from: String::new(),
            smtp_url: String::new(),
            trusted_proxies: Vec::new(),
            s3_bucket: String::new(),
            s3_endpoint: String::new(),
            s3_region: "us-east-1".into(),
            s3_access_key_id: String::new(),
            s3_secret_access_key: String::new(),
            upload_max_mb: 25,
            upload_max_megapixels: 60,
            feed_full_text: true,
            comments_close_after_days: 30,
            comments_hold_first: 1,
            comments_links_after: 3,
            comments_per_minute: 5,
            comments_per_hour: 60,
            comments_per_address_per_minute: 20,
            chat_messages_per_minute: 20,
            chat_messages_per_address_per_minute: 60,
            chat_retention_days: 30,
            search_cache_entries: 1_000,
            newsletter_digest_hour: 6,
            newsletter_signups_per_address_per_hour: 20,
            websub_hub: String::new(),
            purge_proxies: Vec::new(),
            log: "info".into(),
            log_format: LogFormat::Text,
        }
    }
}

impl std::fmt::Debug for Settings {
    /// Redacts the database password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field("database_url", &redact_url(&self.database_url))
            .field("public_url", &self.public_url)
            .field("site_name", &self.site_name)
            .field("demo", &self.demo)
            .field("smtp_url", &redact_url(&self.smtp_url))
            .field("trusted_proxies", &self.trusted_proxies)
            .field("s3", &self.s3_settings())
            .finish_non_exhaustive()
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let (authority, path) = rest.split_once('/').map_or((rest, None), |(a, p)| (a, Some(p)));
    let Some((userinfo, host)) = authority.rsplit_once('@') else { return url.to_owned() };
    let user = userinfo.split_once(':').map_or(userinfo, |(user, _)| user);
    let masked = if userinfo.contains(':') { format!("{user}:***") } else { user.to_owned() };
    match path {
        Some(path) => format!("{scheme}://{masked}@{host}/{path}"),
        None => format!("{scheme}://{masked}@{host}"),
    }
}

impl Settings {
    /// Reads the file named by `--config`, else `./dateline.toml` if it
    /// exists, then applies the environment and flags (which clap merged).
    pub fn load(global: &GlobalArgs, serve: Option<&ServeArgs>) -> anyhow::Result<Self> {
        let mut settings = match &global.config {
            Some(path) => Self::from_file(path)?,
            None if Path::new("dateline.toml").exists() => Self::from_file(Path::new("dateline.toml"))?,
            None => Self::default(),
        };
        if let Some(dir) = &global.data_dir {
            settings.data_dir = dir.clone();
        }
        if let Some(url) = &global.database_url {
            settings.database_url = url.clone();
        }
        if let Some(dir) = &global.search_dir {
            settings.search_dir = dir.clone();
        }
        if let Some(log) = &global.log {
            settings.log = log.clone();
        }
        if let Some(format) = global.log_format {
            settings.log_format = format;
        }
        if let Some(serve) = serve {
            if let Some(listen) = serve.listen {
                settings.listen = listen;
            }
            if serve.no_demo {
                settings.demo = false;
            }
            if let Some(url) = &serve.public_url {
                settings.public_url = url.clone();
            }
            if let Some(name) = &serve.site_name {
                settings.site_name = name.clone();
            }
            if let Some(url) = &serve.smtp_url {
                settings.smtp_url = url.clone();
            }
            if let Some(proxies) = &serve.trusted_proxies {
                settings.trusted_proxies = proxies.clone();
            }
        }
        // Media storage is shared by `serve` and the admin commands.
        for (flag, field) in [
            (&global.s3_bucket, &mut settings.s3_bucket),
            (&global.s3_endpoint, &mut settings.s3_endpoint),
            (&global.s3_region, &mut settings.s3_region),
            (&global.s3_access_key_id, &mut settings.s3_access_key_id),
            (&global.s3_secret_access_key, &mut settings.s3_secret_access_key),
        ] {
            if let Some(value) = flag {
                *field = value.clone();
            }
        }
        Ok(settings)
    }

    fn from_file(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("could not read the configuration file {}", path.display()))?;
        toml::from_str(&text).map_err(|e| {
            // One line: the position and the message, not toml's drawing.
            let line = e.span().map_or(0, |span| text[..span.start.min(text.len())].lines().count().max(1));
            anyhow::anyhow!(
                "{} is not a valid Dateline configuration: line {line}: {}",
                path.display(),
                e.message().trim()
            )
        })
    }

    /// The search index directory in effect.
    pub fn effective_search_dir(&self) -> PathBuf {
        if self.search_dir.as_os_str().is_empty() {
            self.data_dir.join("search")
        } else {
            self.search_dir.clone()
        }
    }

    /// The database URL in effect: the configured one, or SQLite in the data dir.
    pub fn effective_database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!("sqlite:{}", self.data_dir.join("dateline.db").display())
        } else {
            self.database_url.clone()
        }
    }

    pub fn effective_public_url(&self, bound: SocketAddr) -> String {
        if self.public_url.is_empty() {
            format!("http://{bound}")
        } else {
            self.public_url.trim_end_matches('/').to_owned()
        }
    }

    pub fn effective_mail_from(&self) -> String {
        if self.mail_from.is_empty() {
            let name: String = self.site_name.chars().filter(|c| c.is_alphanumeric() || *c == ' ').collect();
            format!("{} <no-reply@localhost>", name.trim())
        } else {
            self.mail_from.clone()
        }
    }

    /// The parsed `purge_proxies`: each an http(s) URL, or the start stops
    /// naming it.
    pub fn purge_proxy_urls(&self) -> anyhow::Result<Vec<url::Url>> {
        self.purge_proxies
            .iter()
            .filter(|entry| !entry.trim().is_empty())
            .map(|entry| {
                let parsed = url::Url::parse(entry.trim())
                    .map_err(|e| anyhow::anyhow!("purge_proxies: {entry:?} is not a URL: {e}"))?;
                if !matches!(parsed.scheme(), "http" | "https") || parsed.host().is_none() {
                    anyhow::bail!("purge_proxies: {entry:?} must be an http:// or https:// address");
                }
                Ok(parsed)
            })
            .collect()
    }

    /// The parsed `trusted_proxies`; an entry that is not an address or a
    /// network stops the start with its name.
    pub fn trusted_proxy_networks(&self) -> anyhow::Result<Vec<ipnet::IpNet>> {
        self.trusted_proxies
            .iter()
            .filter(|entry| !entry.trim().is_empty())
            .map(|entry| {
                dateline_web::client_addr::parse_trusted_proxy(entry)
                    .map_err(|e| anyhow::anyhow!("trusted_proxies: {e}"))
            })
            .collect()
    }

    pub fn s3_settings(&self) -> dateline_store::S3Settings {
        dateline_store::S3Settings {
            bucket: self.s3_bucket.clone(),
            endpoint: self.s3_endpoint.clone(),
            region: self.s3_region.clone(),
            access_key_id: self.s3_access_key_id.clone(),
            secret_access_key: self.s3_secret_access_key.clone(),
        }
    }

    pub fn upload_limits(&self) -> dateline_web::media::ingest::UploadLimits {
        dateline_web::media::ingest::UploadLimits {
            max_bytes: self.upload_max_mb.clamp(1, 1024) * 1024 * 1024,
            max_pixels: self.upload_max_megapixels.clamp(1, 1000) * 1_000_000,
        }
    }

    /// The digest hour, checked: 0–23.
    pub fn newsletter_digest_hour(&self) -> anyhow::Result<u8> {
        if self.newsletter_digest_hour > 23 {
            anyhow::bail!(
                "newsletter_digest_hour must be 0–23 (an hour, UTC), not {}",
                self.newsletter_digest_hour
            );
        }
        Ok(self.newsletter_digest_hour)
    }

    pub fn discussion(&self) -> dateline_web::discussion::DiscussionSettings {
        dateline_web::discussion::DiscussionSettings {
            close_after_days: self.comments_close_after_days,
            hold_first: self.comments_hold_first,
            links_after: self.comments_links_after,
            per_account_per_minute: self.comments_per_minute.max(1),
            per_account_per_hour: self.comments_per_hour.max(1),
            per_address_per_minute: self.comments_per_address_per_minute.max(1),
        }
    }

    pub fn chat_limits(&self) -> dateline_web::chats::ChatLimits {
        dateline_web::chats::ChatLimits {
            per_account_per_minute: self.chat_messages_per_minute.max(1),
            per_address_per_minute: self.chat_messages_per_address_per_minute.max(1),
            retention_days: self.chat_retention_days,
        }
    }

    pub fn page_max_age(&self) -> Duration {
        Duration::from_secs(self.page_max_age_secs)
    }

    pub fn page_cache_ttl(&self) -> Duration {
        Duration::from_secs(self.page_cache_ttl_secs)
    }

    /// The settings as TOML, as `--print-config` shows them (password redacted).
    pub fn to_printable_toml(&self) -> String {
        let mut shown = self.clone();
        shown.database_url = redact_url(&self.effective_database_url());
        shown.smtp_url = redact_url(&self.smtp_url);
        if !shown.s3_secret_access_key.is_empty() {
            shown.s3_secret_access_key = "***".into();
        }
        toml::to_string_pretty(&shown).unwrap_or_else(|e| format!("# could not print settings: {e}\n"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(redact_url("postgres://app:s3cret@db:5432/news"), "postgres://app:***@db:5432/news");
        assert_eq!(redact_url("postgres://app@db/news"), "postgres://app@db/news");
        assert_eq!(redact_url("sqlite:data/dateline.db"), "sqlite:data/dateline.db");
        let settings = Settings {
            database_url: "postgres://u:pw@h/d".into(),
            smtp_url: "smtps://mailer:pw@mail.example.com".into(),
            s3_secret_access_key: "pw".into(),
            ..Settings::default()
        };
        assert!(!format!("{settings:?}").contains("pw"));
        assert!(!settings.to_printable_toml().contains("pw"));
    }

    #[test]
    fn unknown_keys_in_the_file_are_refused() {
        assert!(toml::from_str::<Settings>("listen = \"127.0.0.1:9000\"\nsite_name = \"X\"").is_ok());
        assert!(toml::from_str::<Settings>("lisen = \"127.0.0.1:9000\"").is_err());
    }
}
