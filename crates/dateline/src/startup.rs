//! From settings to a running server.

use std::sync::Arc;

use anyhow::{Context as _, bail};
use dateline_store::{ObjectBlobStore, Store};
use dateline_store_postgres::PostgresStore;
use dateline_store_sqlite::SqliteStore;
use dateline_web::accounts::mail::{Mailer, OutboxMailer, SmtpMailer};
use dateline_web::{AppState, WebConfig};

use crate::cli::{Cli, Command};
use crate::config::{Settings, redact_url};
use crate::{demo, telemetry};

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let serve_args = match &cli.command {
        Command::Serve(args) => Some(args),
        _ => None,
    };
    let settings = Settings::load(&cli.global, serve_args)?;
    if serve_args.is_some_and(|a| a.print_config) {
        print!("{}", settings.to_printable_toml());
        return Ok(());
    }
    telemetry::init_logging(&settings.log, settings.log_format);
    match cli.command {
        Command::Migrate => {
            let store = open_store(&settings).await?;
            tracing::info!(backend = store.backend(), "migrations are up to date");
            Ok(())
        }
        Command::Demo => {
            let store = open_store(&settings).await?;
            if !store.is_empty().await? {
                bail!("the store already has content; demo content only goes into an empty store");
            }
            demo::load(store.as_ref(), &blobs(&settings)?, &settings.agency).await?;
            Ok(())
        }
        Command::Serve(_) => serve(settings).await,
        Command::Reindex => crate::admin::reindex(&settings).await,
        Command::Edition(command) => crate::admin::edition(&settings, command).await,
        Command::Section(command) => crate::admin::section(&settings, command).await,
        Command::User(command) => crate::admin::user(&settings, command).await,
        Command::Token(command) => crate::admin::token(&settings, command).await,
    }
}

/// The media store: `<data_dir>/media`, or the configured S3 bucket.
fn blobs(settings: &Settings) -> anyhow::Result<ObjectBlobStore> {
    if settings.s3_bucket.is_empty() {
        let root = settings.data_dir.join("media");
        ObjectBlobStore::local(&root)
            .with_context(|| format!("could not open the media directory {}", root.display()))
    } else {
        ObjectBlobStore::s3(&settings.s3_settings())
            .with_context(|| format!("could not set up the media bucket {}", settings.s3_bucket))
    }
}

/// Opens the database the URL names and brings its schema up to date.
pub async fn open_store(settings: &Settings) -> anyhow::Result<Arc<dyn Store>> {
    let url = settings.effective_database_url();
    let shown = redact_url(&url);
    let store: Arc<dyn Store> = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Arc::new(PostgresStore::connect(&url).await.with_context(|| format!("could not connect to {shown}"))?)
    } else if let Some(path) = url.strip_prefix("sqlite:") {
        let path = path.trim_start_matches("//");
        if let Some(parent) = std::path::Path::new(path).parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("could not create the data directory {}", parent.display()))?;
        }
        Arc::new(
            SqliteStore::connect(path)
                .await
                .with_context(|| format!("could not open the database {shown}"))?,
        )
    } else {
        bail!("unsupported database URL {shown}: use postgres://… or sqlite:PATH");
    };
    store.migrate().await.with_context(|| format!("could not prepare the database {shown}"))?;
    Ok(store)
}

async fn serve(settings: Settings) -> anyhow::Result<()> {
    // Settings that can be wrong on their own stop the start before the
    // store is opened, migrated or filled with the demo.
    let trusted_proxies = settings.trusted_proxy_networks()?;
    let purge_proxies = settings.purge_proxy_urls()?;
    let newsletter_digest_hour = settings.newsletter_digest_hour()?;
    let store = open_store(&settings).await?;
    let blobs = blobs(&settings)?;
    if store.is_empty().await? {
        if settings.demo {
            demo::load(store.as_ref(), &blobs, &settings.agency)
                .await
                .context("could not load the demo content")?;
        } else {
            tracing::warn!(
                "the store has no edition yet: create an administrator (dateline user add --email E \
                 --role admin), then add an edition (dateline edition add --code en --name English, \
                 or at /newsroom/editions after logging in at /newsroom/login)"
            );
        }
    }
    let listener = crate::listener::bind(settings.listen)
        .with_context(|| format!("could not listen on {}", settings.listen))?;
    let bound = listener.local_addr().context("could not read the bound address")?;
    let open_files = crate::listener::raise_open_file_limit();
    tracing::debug!(open_files, "open-file limit");
    let config = WebConfig {
        site_name: settings.site_name.clone(),
        agency: settings.agency.clone(),
        public_url: settings.effective_public_url(bound),
        page_max_age: settings.page_max_age(),
        page_cache_ttl: settings.page_cache_ttl(),
        page_cache_bytes: usize::try_from(settings.page_cache_mib.saturating_mul(1 << 20))
            .unwrap_or(usize::MAX),
        mail_from: settings.effective_mail_from(),
        trusted_proxies,
        purge_proxies,
        upload: settings.upload_limits(),
        feed_full_text: settings.feed_full_text,
        discussion: settings.discussion(),
        newsletter_digest_hour,
        newsletter_signups_per_hour: settings.newsletter_signups_per_address_per_hour.max(1),
        websub_hub: settings.websub_hub.trim().to_owned(),
        chat: settings.chat_limits(),
        search_dir: Some(settings.effective_search_dir()),
        search_cache_entries: settings.search_cache_entries,
    };
    let mailer: Arc<dyn Mailer> = if settings.smtp_url.is_empty() {
        Arc::new(OutboxMailer::new(settings.data_dir.join("outbox"), config.mail_from.clone()))
    } else {
        Arc::new(SmtpMailer::from_url(&settings.smtp_url, &config.mail_from).with_context(|| {
            format!("could not set up mail delivery to {}", redact_url(&settings.smtp_url))
        })?)
    };
    let metrics = telemetry::init_metrics();
    let state = AppState::new(Arc::clone(&store), Arc::new(blobs), config, mailer, metrics).await?;
    let worker = format!("{}-{}", std::process::id(), &uuid::Uuid::now_v7().simple().to_string()[20..]);
    tokio::spawn(dateline_web::jobs::run(state.clone(), worker));
    tokio::spawn(dateline_web::newsletters::sender::run(state.clone()));
    tokio::spawn(dateline_web::search::follow::run(state.clone()));
    tokio::spawn(std::sync::Arc::clone(&state.live).follow());
    tokio::spawn(std::sync::Arc::clone(&state.chats).follow());
    let live = std::sync::Arc::clone(&state.live);
    let chats = std::sync::Arc::clone(&state.chats);
    let closing_chats = std::sync::Arc::clone(&chats);
    let router = dateline_web::router(state);
    let listener =
        crate::listener::SiteListener::new(listener, router.clone(), crate::listener::WRITE_TIMEOUT)
            .context("could not read the bound address")?;
    let app = crate::listener::WithPeerAddress(router);
    tracing::info!(backend = store.backend(), address = %bound, "Dateline is serving");
    // Tests and scripts read this line to learn the port when --listen has port 0.
    println!("listening on http://{bound}");
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            // Live streams never finish by themselves: end them, so the
            // shutdown waits only for ordinary requests.
            live.close_streams();
            closing_chats.close_sockets();
        })
        .await
        .context("the server failed")?;
    chats.depart().await;
    tracing::info!("shut down cleanly");
    Ok(())
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM; in-flight requests then finish.
async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => tracing::info!("SIGINT received, shutting down"),
        () = terminate => tracing::info!("SIGTERM received, shutting down"),
    }
}
