//! `dateline user …` and `dateline token …`: account administration from
//! the command line, for the first admin and for automation.

use std::io::Read as _;

use anyhow::{Context as _, anyhow, bail};
use dateline_core::{
    DisplayName, EditionCode, Email, NewPassword, RESERVED_SECTION_SLUGS, Role, Slug, TextDirection, slugify,
};
use dateline_store::{EditionChanges, NewEdition, NewSection, NewUser, StoreError};
use dateline_web::accounts::passwords;
use dateline_web::accounts::secrets::{new_secret, secret_hash};
use time::{Duration, OffsetDateTime};

use crate::cli::{EditionCommand, SectionCommand, TokenCommand, UserCommand};
use crate::config::Settings;
use crate::startup::open_store;

/// `dateline reindex`: a new search index from the database, with a
/// progress bar on a terminal (a line every 10 % otherwise).
pub async fn reindex(settings: &Settings) -> anyhow::Result<()> {
    let store = open_store(settings).await?;
    let directory = dateline_web::directory::SiteDirectory::load(store.as_ref())
        .await
        .context("could not read the editions")?;
    let dir = settings.effective_search_dir();
    let index =
        std::sync::Arc::new(dateline_search::SearchIndex::new(dateline_search::Place::Dir(dir.clone())));
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{spinner} indexing [{bar:40}] {pos}/{len} articles, {per_sec}, {eta} left",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let on_terminal = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let last_tenth = std::sync::atomic::AtomicU64::new(0);
    let started = std::time::Instant::now();
    let progress = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
        let tenth = (done * 10).checked_div(total).unwrap_or(10);
        if !on_terminal && last_tenth.fetch_max(tenth, std::sync::atomic::Ordering::Relaxed) < tenth {
            eprintln!("indexed {done} of {total} articles");
        }
    };
    let count = dateline_web::search::follow::rebuild(store.as_ref(), &directory, &index, &progress)
        .await
        .with_context(|| format!("could not rebuild the search index in {}", dir.display()))?;
    bar.finish_and_clear();
    println!(
        "indexed {count} articles in {:.1} s into {}; a running server switches to it within a second",
        started.elapsed().as_secs_f64(),
        dir.display()
    );
    Ok(())
}

/// `dateline edition …`: what a fresh installation needs first (an
/// administrator can do the same at /newsroom/editions once logged in).
pub async fn edition(settings: &Settings, command: EditionCommand) -> anyhow::Result<()> {
    let store = open_store(settings).await?;
    match command {
        EditionCommand::Add { code, name, language, direction, default, position } => {
            let code = EditionCode::parse(code.trim()).map_err(|e| anyhow!("--code: {e}"))?;
            let name = name.trim().to_owned();
            if name.is_empty() || name.chars().count() > 80 {
                bail!("--name: give the edition a name of 1 to 80 characters");
            }
            let language_input = language.unwrap_or_else(|| code.to_string());
            let language =
                dateline_web::newsroom::editions::language_tag(&language_input).ok_or_else(|| {
                    anyhow!("--language: {language_input:?} is not a language tag (like `en`, `pt-BR`, `ar`)")
                })?;
            let direction = match direction.trim() {
                "ltr" => TextDirection::Ltr,
                "rtl" => TextDirection::Rtl,
                other => bail!("--direction: {other:?} is neither `ltr` nor `rtl`"),
            };
            if !(0..=1000).contains(&position) {
                bail!("--position: give a number from 0 to 1000");
            }
            let first = store.editions().await?.is_empty();
            let new =
                NewEdition { code, language, name: name.clone(), direction, is_default: first, position };
            // The edition, its default flag, the audit entry and the content
            // version (a running server on this store picks the edition up
            // within a second) in one transaction.
            let mut tx = store.begin_write().await?;
            let edition = tx.create_edition(&new).await.map_err(|e| match e {
                StoreError::Conflict(_) => {
                    anyhow!("an edition with the code {:?} already exists", new.code.as_str())
                }
                other => anyhow!(other),
            })?;
            if default && !first {
                let changes = EditionChanges {
                    language: edition.language.clone(),
                    name: edition.name.clone(),
                    direction,
                    position,
                    make_default: true,
                };
                tx.update_edition(edition.id, &changes).await?;
            }
            tx.record_audit(
                None,
                Some(edition.id),
                "edition.create",
                &format!("edition {}", edition.code),
                &name,
            )
            .await?;
            tx.record_page_change(&[dateline_web::page_keys::SITE.to_owned()]).await?;
            tx.commit().await?;
            println!(
                "created edition {} ({}, {}){}",
                edition.code,
                edition.name,
                edition.language,
                if first || default { ", the default" } else { "" }
            );
            if store.sections().await?.iter().all(|s| s.edition_id != edition.id) {
                println!(
                    "next: give it a section (dateline section add --edition {} --name News), \
                     or add sections at /newsroom/sections",
                    edition.code
                );
            }
            Ok(())
        }
        EditionCommand::List => {
            for edition in store.editions().await? {
                println!(
                    "{}\t{}\t{}\t{}{}",
                    edition.code,
                    edition.language,
                    edition.direction.as_str(),
                    edition.name,
                    if edition.is_default { "\t(default)" } else { "" }
                );
            }
            Ok(())
        }
    }
}

/// `dateline section …`.
pub async fn section(settings: &Settings, command: SectionCommand) -> anyhow::Result<()> {
    let store = open_store(settings).await?;
    let editions = store.editions().await?;
    match command {
        SectionCommand::Add { edition, name, slug, description, position } => {
            let edition = editions.iter().find(|e| e.code.as_str() == edition.trim()).ok_or_else(|| {
                anyhow!("--edition: there is no edition {edition:?} (`dateline edition list` shows them)")
            })?;
            let name = name.trim().to_owned();
            if name.is_empty() || name.chars().count() > 80 {
                bail!("--name: give the section a name of 1 to 80 characters");
            }
            let description = description.trim().to_owned();
            if description.chars().count() > 200 {
                bail!("--description: at most 200 characters");
            }
            if !(0..=1000).contains(&position) {
                bail!("--position: give a number from 0 to 1000");
            }
            let slug = match slug {
                Some(raw) => Slug::parse(raw.trim()).map_err(|e| anyhow!("--slug: {e}"))?,
                None => slugify(&name),
            };
            if RESERVED_SECTION_SLUGS.contains(&slug.as_str()) {
                bail!("--slug: {:?} is one of the edition's own addresses; choose another", slug.as_str());
            }
            let new = NewSection { edition_id: edition.id, slug, name: name.clone(), description, position };
            let mut tx = store.begin_write().await?;
            let section = tx.create_section(&new).await.map_err(|e| match e {
                StoreError::Conflict(_) => {
                    anyhow!(
                        "the edition {} already has a section /{}/{}",
                        edition.code,
                        edition.code,
                        new.slug
                    )
                }
                other => anyhow!(other),
            })?;
            tx.record_audit(
                None,
                Some(edition.id),
                "section.create",
                &format!("section {}", section.id),
                &name,
            )
            .await?;
            tx.record_page_change(&[dateline_web::page_keys::SITE.to_owned()]).await?;
            tx.commit().await?;
            println!("created section /{}/{} ({})", edition.code, section.slug, section.name);
            Ok(())
        }
        SectionCommand::List => {
            for section in store.sections().await? {
                let code = editions
                    .iter()
                    .find(|e| e.id == section.edition_id)
                    .map_or_else(String::new, |e| e.code.to_string());
                println!("/{code}/{}\t{}", section.slug, section.name);
            }
            Ok(())
        }
    }
}

pub async fn user(settings: &Settings, command: UserCommand) -> anyhow::Result<()> {
    match command {
        UserCommand::ResetTwoFactor { email } => {
            let email = Email::parse(&email).map_err(|e| anyhow!("--email: {e}"))?;
            let store = open_store(settings).await?;
            let credentials = store
                .user_credentials(email.as_str())
                .await?
                .ok_or_else(|| anyhow!("no account for {email}"))?;
            if credentials.totp_secret.is_none() {
                println!("two-factor authentication is already off for {email}");
                return Ok(());
            }
            let user = credentials.user;
            let mut tx = store.begin_write().await?;
            tx.set_totp_secret(user.id, None).await?;
            tx.delete_user_sessions(user.id).await?;
            let subject = format!("user {}", user.id);
            tx.record_audit(None, None, "user.two_factor.reset", &subject, "from the command line").await?;
            tx.commit().await?;
            println!(
                "two-factor authentication is off for {email} and its sessions are ended; if its role \
                 requires it, it sets it up again at its next login"
            );
            Ok(())
        }
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
            if user.role.is_staff() {
                println!("they log in to the newsroom at /newsroom/login");
            }
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
