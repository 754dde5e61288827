//! Commands and flags. Every flag has a `DATELINE_*` environment twin;
//! flags win over the environment, which wins over `dateline.toml`.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "dateline",
    version,
    about = "Dateline: a self-hosted, multilingual news publishing platform.",
    long_about = "Dateline runs the website of a multilingual news outlet from one binary.\n\n\
        With no configuration it keeps everything in ./data (an embedded SQLite database and the \
        media files) and serves http://127.0.0.1:8080, filled with demo content on first start.\n\n\
        Settings come from flags, then DATELINE_* environment variables, then dateline.toml \
        (flags win). `dateline serve --print-config` shows the effective settings."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Configuration file [default: ./dateline.toml when it exists].
    #[arg(long, global = true, env = "DATELINE_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Directory for the SQLite database and media files [default: ./data].
    #[arg(long, global = true, env = "DATELINE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database to use: postgres://user@host/db, or sqlite:PATH
    /// [default: SQLite in the data directory].
    #[arg(long, global = true, env = "DATELINE_DATABASE_URL", value_name = "URL")]
    pub database_url: Option<String>,
    /// This node's search index [default: <data dir>/search]; each node needs its own.
    #[arg(long, global = true, env = "DATELINE_SEARCH_DIR", value_name = "DIR")]
    pub search_dir: Option<PathBuf>,
    /// Log filter, e.g. `info` or `dateline=debug,info`.
    #[arg(long, global = true, env = "DATELINE_LOG", value_name = "FILTER")]
    pub log: Option<String>,
    /// Log format: `text` for people, `json` for log collectors.
    #[arg(long, global = true, env = "DATELINE_LOG_FORMAT", value_name = "FORMAT")]
    pub log_format: Option<crate::config::LogFormat>,
    /// Keep media in this S3-compatible bucket [default: <data dir>/media].
    #[arg(long, global = true, env = "DATELINE_S3_BUCKET", value_name = "BUCKET")]
    pub s3_bucket: Option<String>,
    /// The S3 server, e.g. http://127.0.0.1:9000 [default: AWS].
    #[arg(long, global = true, env = "DATELINE_S3_ENDPOINT", value_name = "URL")]
    pub s3_endpoint: Option<String>,
    #[arg(long, global = true, env = "DATELINE_S3_REGION", value_name = "REGION")]
    pub s3_region: Option<String>,
    #[arg(long, global = true, env = "DATELINE_S3_ACCESS_KEY_ID", value_name = "ID", hide_env_values = true)]
    pub s3_access_key_id: Option<String>,
    #[arg(
        long,
        global = true,
        env = "DATELINE_S3_SECRET_ACCESS_KEY",
        value_name = "KEY",
        hide_env_values = true
    )]
    pub s3_secret_access_key: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the site (and fill an empty store with demo content first,
    /// unless --no-demo).
    Serve(ServeArgs),
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Load the demo content (two editions, sections, authors, tags, photos,
    /// articles) into an empty store, then exit.
    Demo,
    /// Rebuild this node's search index from the database, showing progress.
    /// A running server on the same data directory switches to the new
    /// index by itself when it is complete; searches keep working meanwhile.
    Reindex,
    /// Manage language editions (the first one added becomes the default).
    #[command(subcommand)]
    Edition(EditionCommand),
    /// Manage the sections of an edition.
    #[command(subcommand)]
    Section(SectionCommand),
    /// Manage accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage bearer tokens for the JSON API.
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Debug, Subcommand)]
pub enum EditionCommand {
    /// Add a language edition
    /// (`dateline edition add --code en --name "English"`).
    Add {
        /// The edition's address prefix: `en` serves /en/ (lower-case
        /// letters, digits and hyphens; it cannot change later).
        #[arg(long)]
        code: String,
        /// The name readers see in the edition switcher.
        #[arg(long)]
        name: String,
        /// The edition's language as a BCP 47 tag (`en`, `pt-BR`, `ar`)
        /// [default: the code].
        #[arg(long)]
        language: Option<String>,
        /// Text direction: `ltr`, or `rtl` for Arabic, Hebrew, Persian, Urdu.
        #[arg(long, default_value = "ltr")]
        direction: String,
        /// Make it the default edition (the first edition always is).
        #[arg(long)]
        default: bool,
        /// Its place in the edition switcher (0–1000, smaller first).
        #[arg(long, default_value_t = 0)]
        position: i32,
    },
    /// List the editions.
    List,
}

#[derive(Debug, Subcommand)]
pub enum SectionCommand {
    /// Add a section to an edition
    /// (`dateline section add --edition en --name World`).
    Add {
        /// The edition's code.
        #[arg(long)]
        edition: String,
        /// The name readers see in the navigation.
        #[arg(long)]
        name: String,
        /// Its address under the edition (`world` serves /en/world)
        /// [default: made from the name].
        #[arg(long)]
        slug: Option<String>,
        /// One line on what the section covers.
        #[arg(long, default_value = "")]
        description: String,
        /// Its place in the navigation (0–1000, smaller first).
        #[arg(long, default_value_t = 0)]
        position: i32,
    },
    /// List every edition's sections.
    List,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account; the password is read from standard input
    /// (`echo "$PASSWORD" | dateline user add --email ana@example.com --role editor`).
    Add {
        #[arg(long)]
        email: String,
        /// reader, contributor, editor or admin.
        #[arg(long)]
        role: String,
        /// Display name [default: the part of the address before the @].
        #[arg(long)]
        name: Option<String>,
        /// Limit an editor or admin to this edition (repeat for several).
        #[arg(long = "edition", value_name = "CODE")]
        editions: Vec<String>,
    },
    /// Turn an account's two-factor authentication off (its authenticator
    /// was lost) and end its sessions; administrators can do the same at
    /// /newsroom/users. Recorded in the audit log.
    ResetTwoFactor {
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a bearer token for an account and print it (shown only once).
    Create {
        #[arg(long)]
        email: String,
        /// What the token is for, to recognise it in `token list`.
        #[arg(long, default_value = "")]
        name: String,
        /// Days until the token expires [default: never].
        #[arg(long, value_name = "DAYS")]
        expires_in_days: Option<u32>,
    },
    /// List an account's tokens (never their secrets).
    List {
        #[arg(long)]
        email: String,
    },
    /// Revoke a token by the id `token list` shows.
    Revoke {
        #[arg(long)]
        id: dateline_store::ApiTokenId,
    },
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080]; port 0 picks a free port.
    #[arg(long, env = "DATELINE_LISTEN", value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// Do not load demo content into an empty store.
    #[arg(long, env = "DATELINE_NO_DEMO")]
    pub no_demo: bool,
    /// Public base URL used in canonical links and feeds
    /// [default: http://<listen address>].
    #[arg(long, env = "DATELINE_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// The outlet's name shown on every page.
    #[arg(long, env = "DATELINE_SITE_NAME", value_name = "NAME")]
    pub site_name: Option<String>,
    /// Outgoing mail server (`smtp://…`, `smtps://…`) [default: write
    /// mail to <data dir>/outbox].
    #[arg(long, env = "DATELINE_SMTP_URL", value_name = "URL")]
    pub smtp_url: Option<String>,
    /// Reverse proxies whose X-Forwarded-For is believed (addresses or
    /// networks, comma-separated).
    #[arg(long, env = "DATELINE_TRUSTED_PROXIES", value_name = "NETS", value_delimiter = ',')]
    pub trusted_proxies: Option<Vec<String>>,
    /// Print the effective settings (secrets redacted) and exit.
    #[arg(long)]
    pub print_config: bool,
}
