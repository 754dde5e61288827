//! The reader's newsletter pages. Nothing here is cached, and nothing tells
//! a visitor whether an address is on the list: subscribing always answers
//! "check your inbox", and what happens next is said only in the mail.
//!
//! The links from mails carry their secret in the path; it is the only
//! authority they need (no session, no form token), so a mail provider's
//! one-click POST works. Opening a link (GET) never changes anything, since
//! link scanners open them: each page has one button that does.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::Form;
use axum_extra::extract::cookie::CookieJar;
use dateline_core::{Email, Slug, slugify};
use dateline_store::{
    Edition, NewSubscriber, SectionId, StoreError, Subscriber, SubscriberStatus, SubscriptionChoice, WriteTx,
};
use serde::Deserialize;
use time::{Duration, OffsetDateTime};

use super::sender::manage_url;
use crate::AppState;
use crate::accounts::csrf;
use crate::accounts::mail::{OutgoingMail, queue_mail_in};
use crate::accounts::secrets::{new_secret, secret_hash};
use crate::client_addr::ClientAddr;
use crate::error::PageError;
use crate::i18n::Locale;
use crate::public::edition_from;
use crate::view::Frame;

const CONFIRM_LINK_LIFETIME: Duration = Duration::days(7);
/// At most one confirmation or notice mail per address in this time, so
/// the form cannot be used to flood someone's inbox.
const MAIL_COOLDOWN: Duration = Duration::minutes(5);
const MAX_TAGS: usize = 20;
const CONFIRM_PREFIX: &str = "dle_";
const MANAGE_PREFIX: &str = "dlm_";

#[derive(Debug, Default, Deserialize)]
pub struct SubscribeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    daily: Option<String>,
    #[serde(default)]
    breaking: Option<String>,
    #[serde(default)]
    section: Vec<String>,
    #[serde(default)]
    tags: String,
    /// `save` or `resubscribe` on the manage page.
    #[serde(default)]
    action: String,
}

#[derive(Debug, Deserialize)]
pub struct SubscribeQuery {
    #[serde(default)]
    email: String,
}

struct SectionBox {
    id: SectionId,
    name: String,
    checked: bool,
}

/// The subscribe form, and the manage page's form of choices.
#[derive(Template)]
#[template(path = "newsletter/subscribe.html")]
struct SubscribeTemplate<'a> {
    frame: Frame<'a>,
    heading: String,
    intro: String,
    action: String,
    /// The form token (subscribe form only; the manage page's link is its own).
    csrf: Option<String>,
    /// Editable on the subscribe form; shown as text on the manage page.
    email: String,
    manage: Option<ManageExtras>,
    daily: bool,
    breaking: bool,
    sections: Vec<SectionBox>,
    tags: String,
    email_error: Option<String>,
    choice_error: Option<String>,
    message: Option<String>,
}

struct ManageExtras {
    status: String,
    unsubscribe_action: String,
    active: bool,
    unsubscribed: bool,
}

/// A page with a heading, a text and at most one button.
#[derive(Template)]
#[template(path = "newsletter/action.html")]
struct ActionTemplate<'a> {
    frame: Frame<'a>,
    heading: String,
    text: String,
    button: Option<(String, String)>,
    link: Option<(String, String)>,
}

fn frame<'a>(state: &'a AppState, edition: &Edition, title: &str, path: &str) -> Frame<'a> {
    let directory = state.directory();
    let mut frame = Frame::new(state, &directory, edition, None, title, path);
    frame.noindex = true;
    frame
}

fn page(status: StatusCode, jar: Option<CookieJar>, template: &impl Template) -> Result<Response, PageError> {
    let body = template.render()?;
    let headers = [(header::CACHE_CONTROL, "no-store"), (header::CONTENT_TYPE, "text/html; charset=utf-8")];
    Ok(match jar {
        Some(jar) => (status, jar, headers, body).into_response(),
        None => (status, headers, body).into_response(),
    })
}

fn action_page(
    state: &AppState,
    edition: &Edition,
    status: StatusCode,
    heading: String,
    text: String,
    button: Option<(String, String)>,
    link: Option<(String, String)>,
) -> Result<Response, PageError> {
    let path = format!("/{}/subscribe", edition.code);
    let template =
        ActionTemplate { frame: frame(state, edition, &heading, &path), heading, text, button, link };
    page(status, None, &template)
}

/// The choice a form asks for, checked against the edition's sections and
/// tags; the errors say what is wrong in the reader's language.
async fn parse_choice(
    state: &AppState,
    t: &Locale,
    edition: &Edition,
    form: &SubscribeForm,
) -> Result<Result<SubscriptionChoice, String>, StoreError> {
    let daily = form.daily.is_some();
    let breaking = form.breaking.is_some();
    if !daily && !breaking {
        return Ok(Err(t.get("newsletter-error-rhythm").into_owned()));
    }
    let directory = state.directory();
    let mut section_ids = Vec::new();
    for raw in &form.section {
        match raw.trim().parse::<SectionId>().ok().and_then(|id| directory.section_by_id(id)) {
            Some(section) if section.edition_id == edition.id => section_ids.push(section.id),
            _ => return Ok(Err(t.get("newsletter-error-section").into_owned())),
        }
    }
    section_ids.sort_unstable();
    section_ids.dedup();
    let wanted: Vec<&str> = form.tags.split(',').map(str::trim).filter(|t| !t.is_empty()).collect();
    if wanted.len() > MAX_TAGS {
        return Ok(Err(t.count("newsletter-error-too-many-tags", MAX_TAGS as i64)));
    }
    let mut tags = Vec::new();
    let mut unknown = Vec::new();
    for name in wanted {
        let slug = Slug::parse(name).unwrap_or_else(|_| slugify(name));
        match state.store.tag_by_slug(edition.id, &slug).await? {
            Some(tag) => tags.push(tag.slug.to_string()),
            None => unknown.push(name.chars().take(60).collect::<String>()),
        }
    }
    if !unknown.is_empty() {
        return Ok(Err(t.arg("newsletter-error-tags", "tags", &unknown.join(", "))));
    }
    tags.sort();
    tags.dedup();
    Ok(Ok(SubscriptionChoice { daily, breaking, section_ids, tags }))
}

fn section_boxes(state: &AppState, edition: &Edition, chosen: &[SectionId]) -> Vec<SectionBox> {
    state
        .directory()
        .sections_of(edition.id)
        .iter()
        .map(|s| SectionBox { id: s.id, name: s.name.clone(), checked: chosen.contains(&s.id) })
        .collect()
}

/// Tag slugs as the reader sees them: their names where they exist.
async fn tag_names(state: &AppState, edition: &Edition, slugs: &[String]) -> Result<String, StoreError> {
    let mut names = Vec::with_capacity(slugs.len());
    for raw in slugs {
        let Ok(slug) = Slug::parse(raw) else { continue };
        let tag = state.store.tag_by_slug(edition.id, &slug).await?;
        names.push(tag.map_or_else(|| raw.clone(), |tag| tag.name));
    }
    Ok(names.join(", "))
}

struct FormErrors {
    email: Option<String>,
    choice: Option<String>,
}

async fn subscribe_page(
    state: &AppState,
    jar: CookieJar,
    edition: &Edition,
    status: StatusCode,
    form: &SubscribeForm,
    errors: FormErrors,
) -> Result<Response, PageError> {
    let t = state.locales.for_language(&edition.language);
    let (jar, token) = csrf::form_token(jar, state.secure_cookies());
    let chosen: Vec<SectionId> = form.section.iter().filter_map(|s| s.trim().parse().ok()).collect();
    let first_visit = form.csrf.is_empty();
    let heading = t.get("newsletter-title").into_owned();
    let path = format!("/{}/subscribe", edition.code);
    let template = SubscribeTemplate {
        frame: frame(state, edition, &heading, &path),
        heading,
        intro: t.get("newsletter-intro").into_owned(),
        action: path.clone(),
        csrf: Some(token),
        email: form.email.chars().take(Email::MAX_LEN).collect(),
        manage: None,
        // A first visit starts with both rhythms ticked.
        daily: first_visit || form.daily.is_some(),
        breaking: first_visit || form.breaking.is_some(),
        sections: section_boxes(state, edition, &chosen),
        tags: form.tags.chars().take(1000).collect(),
        email_error: errors.email,
        choice_error: errors.choice,
        message: None,
    };
    page(status, Some(jar), &template)
}

/// `GET /{edition}/subscribe` (`?email=` from the footer's short form).
pub async fn subscribe_form(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<SubscribeQuery>,
    jar: CookieJar,
) -> Result<Response, PageError> {
    let edition = edition_from(&state.directory(), &code)?;
    let form = SubscribeForm { email: query.email, ..SubscribeForm::default() };
    subscribe_page(&state, jar, &edition, StatusCode::OK, &form, FormErrors { email: None, choice: None })
        .await
}

/// `POST /{edition}/subscribe`.
pub async fn subscribe(
    State(state): State<AppState>,
    Path(code): Path<String>,
    ClientAddr(address): ClientAddr,
    jar: CookieJar,
    Form(form): Form<SubscribeForm>,
) -> Result<Response, PageError> {
    let edition = edition_from(&state.directory(), &code)?;
    csrf::check(&jar, &form.csrf)?;
    let t = state.locales.for_language(&edition.language);
    let email = Email::parse(&form.email);
    let choice = parse_choice(&state, t, &edition, &form).await?;
    let (email, choice) = match (email, choice) {
        (Ok(email), Ok(choice)) => (email, choice),
        (email, choice) => {
            let errors = FormErrors {
                email: email.err().map(|_| t.get("error-email").into_owned()),
                choice: choice.err(),
            };
            return subscribe_page(&state, jar, &edition, StatusCode::UNPROCESSABLE_ENTITY, &form, errors)
                .await;
        }
    };
    let now = OffsetDateTime::now_utc();
    // Each sign-up mails someone: one address may not mail the world.
    let address = address.to_string();
    let signups = state.store.signups_from(&address, now - Duration::hours(1)).await?;
    if signups >= i64::from(state.config.newsletter_signups_per_hour) {
        tracing::warn!(%address, signups, "newsletter sign-ups from one address over the hourly limit");
        let mut response =
            PageError::Refused(StatusCode::TOO_MANY_REQUESTS, t.get("newsletter-too-many").into_owned())
                .into_response();
        response.headers_mut().insert(header::RETRY_AFTER, axum::http::HeaderValue::from_static("3600"));
        return Ok(response);
    }
    match state.store.subscriber_by_email(edition.id, email.as_str()).await? {
        None => {
            let confirm = new_secret(CONFIRM_PREFIX);
            let new = NewSubscriber {
                edition_id: edition.id,
                email: email.to_string(),
                choice,
                token: new_secret(MANAGE_PREFIX),
                confirm_hash: secret_hash(&confirm),
                confirm_expires_at: now + CONFIRM_LINK_LIFETIME,
                client_address: address,
            };
            // The subscriber, the confirmation mail and the mark that
            // starts its cooldown commit together.
            let mut tx = state.store.begin_write().await?;
            match tx.create_subscriber(&new, now).await {
                Ok(subscriber) => {
                    send_confirmation(&state, &mut *tx, &edition, &subscriber, &confirm, now).await?;
                    tx.commit().await?;
                }
                // The same address, at the same moment, from another request.
                Err(StoreError::Conflict(_)) => {}
                Err(error) => return Err(error.into()),
            }
        }
        Some(subscriber) if subscriber.last_mailed_at.is_some_and(|at| now - at < MAIL_COOLDOWN) => {
            tracing::info!(
                subscriber = subscriber.id.get(),
                "subscription asked again within the cooldown; no mail"
            );
        }
        Some(subscriber) if subscriber.status == SubscriberStatus::Active => {
            let mut tx = state.store.begin_write().await?;
            send_already_subscribed(&state, &mut *tx, &edition, &subscriber, now).await?;
            tx.commit().await?;
        }
        Some(subscriber) => {
            let confirm = new_secret(CONFIRM_PREFIX);
            let mut tx = state.store.begin_write().await?;
            tx.renew_subscription(
                subscriber.id,
                &choice,
                &secret_hash(&confirm),
                now + CONFIRM_LINK_LIFETIME,
            )
            .await?;
            send_confirmation(&state, &mut *tx, &edition, &subscriber, &confirm, now).await?;
            tx.commit().await?;
        }
    }
    action_page(
        &state,
        &edition,
        StatusCode::OK,
        t.get("newsletter-check-inbox").into_owned(),
        t.arg("newsletter-check-inbox-text", "email", email.as_str()),
        None,
        None,
    )
}

async fn send_confirmation(
    state: &AppState,
    tx: &mut dyn WriteTx,
    edition: &Edition,
    subscriber: &Subscriber,
    confirm: &str,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let t = state.locales.for_language(&edition.language);
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("site", state.config.site_name.clone());
    args.set("edition", edition.name.clone());
    args.set("link", format!("{}/newsletter/confirm/{confirm}", state.config.public_url));
    let mail = OutgoingMail {
        to: subscriber.email.clone(),
        subject: t.arg("newsletter-confirm-subject", "site", &state.config.site_name),
        text: t.format("newsletter-confirm-mail", Some(&args)).into_owned(),
        ..OutgoingMail::default()
    };
    queue_mail_in(tx, &mail).await?;
    tx.mark_subscriber_mailed(subscriber.id, now).await
}

async fn send_already_subscribed(
    state: &AppState,
    tx: &mut dyn WriteTx,
    edition: &Edition,
    subscriber: &Subscriber,
    now: OffsetDateTime,
) -> Result<(), StoreError> {
    let t = state.locales.for_language(&edition.language);
    let mut args = fluent_bundle::FluentArgs::new();
    args.set("site", state.config.site_name.clone());
    args.set("edition", edition.name.clone());
    args.set("link", manage_url(&state.config.public_url, &subscriber.token));
    let mail = OutgoingMail {
        to: subscriber.email.clone(),
        subject: t.arg("newsletter-already-subject", "site", &state.config.site_name),
        text: t.format("newsletter-already-mail", Some(&args)).into_owned(),
        ..OutgoingMail::default()
    };
    queue_mail_in(tx, &mail).await?;
    tx.mark_subscriber_mailed(subscriber.id, now).await
}

/// A link secret of the right shape, or a refusal naming the problem.
fn checked_secret<'a>(state: &AppState, raw: &'a str, prefix: &str) -> Result<&'a str, PageError> {
    let hex = raw.strip_prefix(prefix).unwrap_or("");
    if hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(raw)
    } else {
        Err(invalid_link(state))
    }
}

fn invalid_link(state: &AppState) -> PageError {
    let directory = state.directory();
    let language = directory.default_edition().map_or("en", |e| e.language.as_str());
    PageError::Refused(
        StatusCode::NOT_FOUND,
        state.locales.for_language(language).get("newsletter-link-invalid").into_owned(),
    )
}

fn edition_of(state: &AppState, subscriber: &Subscriber) -> Result<Edition, PageError> {
    state.directory().edition_by_id(subscriber.edition_id).cloned().ok_or(PageError::NotFound)
}

/// `GET /newsletter/confirm/{token}`: a button, since mail scanners open links.
pub async fn confirm_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let token = checked_secret(&state, &token, CONFIRM_PREFIX)?;
    let now = OffsetDateTime::now_utc();
    let subscriber = state
        .store
        .subscriber_by_confirmation(&secret_hash(token), now)
        .await?
        .ok_or_else(|| invalid_link(&state))?;
    let edition = edition_of(&state, &subscriber)?;
    let t = state.locales.for_language(&edition.language);
    action_page(
        &state,
        &edition,
        StatusCode::OK,
        t.get("newsletter-confirm-title").into_owned(),
        t.arg("newsletter-confirm-text", "email", &subscriber.email),
        Some((format!("/newsletter/confirm/{token}"), t.get("newsletter-confirm-button").into_owned())),
        None,
    )
}

/// `POST /newsletter/confirm/{token}`: the subscription starts.
pub async fn confirm(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let token = checked_secret(&state, &token, CONFIRM_PREFIX)?;
    let now = OffsetDateTime::now_utc();
    let subscriber = state
        .store
        .confirm_subscriber(&secret_hash(token), now)
        .await?
        .ok_or_else(|| invalid_link(&state))?;
    let edition = edition_of(&state, &subscriber)?;
    tracing::info!(subscriber = subscriber.id.get(), edition = %edition.code, "newsletter subscription confirmed");
    let t = state.locales.for_language(&edition.language);
    action_page(
        &state,
        &edition,
        StatusCode::OK,
        t.get("newsletter-confirmed").into_owned(),
        t.arg("newsletter-confirmed-text", "edition", &edition.name),
        None,
        Some((format!("/newsletter/manage/{}", subscriber.token), t.get("newsletter-manage").into_owned())),
    )
}

async fn subscriber_for(state: &AppState, token: &str) -> Result<(Subscriber, Edition), PageError> {
    let token = checked_secret(state, token, MANAGE_PREFIX)?;
    let subscriber = state.store.subscriber_by_token(token).await?.ok_or_else(|| invalid_link(state))?;
    let edition = edition_of(state, &subscriber)?;
    Ok((subscriber, edition))
}

async fn manage_view(
    state: &AppState,
    subscriber: &Subscriber,
    edition: &Edition,
    status: StatusCode,
    form: Option<&SubscribeForm>,
    choice_error: Option<String>,
    message: Option<String>,
) -> Result<Response, PageError> {
    let t = state.locales.for_language(&edition.language);
    let heading = t.get("newsletter-manage-title").into_owned();
    let path = format!("/newsletter/manage/{}", subscriber.token);
    let (daily, breaking, sections, tags) = match form {
        Some(form) => (
            form.daily.is_some(),
            form.breaking.is_some(),
            form.section.iter().filter_map(|s| s.trim().parse().ok()).collect::<Vec<SectionId>>(),
            form.tags.chars().take(1000).collect(),
        ),
        None => (
            subscriber.choice.daily,
            subscriber.choice.breaking,
            subscriber.choice.section_ids.clone(),
            tag_names(state, edition, &subscriber.choice.tags).await?,
        ),
    };
    let template = SubscribeTemplate {
        frame: frame(state, edition, &heading, &path),
        heading,
        intro: t.arg("newsletter-manage-intro", "edition", &edition.name),
        action: path,
        csrf: None,
        email: subscriber.email.clone(),
        manage: Some(ManageExtras {
            status: t.get(&format!("newsletter-status-{}", subscriber.status.as_str())).into_owned(),
            unsubscribe_action: format!("/newsletter/unsubscribe/{}", subscriber.token),
            active: subscriber.status == SubscriberStatus::Active,
            unsubscribed: subscriber.status == SubscriberStatus::Unsubscribed,
        }),
        daily,
        breaking,
        sections: section_boxes(state, edition, &sections),
        tags,
        email_error: None,
        choice_error,
        message,
    };
    page(status, None, &template)
}

/// `GET /newsletter/manage/{token}`.
pub async fn manage_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let (subscriber, edition) = subscriber_for(&state, &token).await?;
    manage_view(&state, &subscriber, &edition, StatusCode::OK, None, None, None).await
}

/// `POST /newsletter/manage/{token}`: save the choice, or subscribe again.
pub async fn manage(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Form(form): Form<SubscribeForm>,
) -> Result<Response, PageError> {
    let (subscriber, edition) = subscriber_for(&state, &token).await?;
    let t = state.locales.for_language(&edition.language);
    let now = OffsetDateTime::now_utc();
    match form.action.as_str() {
        "resubscribe" => {
            // The link came by mail to this address: that is its confirmation.
            state.store.set_subscribed(subscriber.id, true, now).await?;
            let subscriber =
                state.store.subscriber_by_token(&subscriber.token).await?.ok_or(PageError::NotFound)?;
            let message = Some(t.get("newsletter-welcome-back").into_owned());
            manage_view(&state, &subscriber, &edition, StatusCode::OK, None, None, message).await
        }
        "save" => match parse_choice(&state, t, &edition, &form).await? {
            Ok(choice) => {
                state.store.set_subscription_choice(subscriber.id, &choice).await?;
                let subscriber =
                    state.store.subscriber_by_token(&subscriber.token).await?.ok_or(PageError::NotFound)?;
                let message = Some(t.get("newsletter-saved").into_owned());
                manage_view(&state, &subscriber, &edition, StatusCode::OK, None, None, message).await
            }
            Err(error) => {
                manage_view(
                    &state,
                    &subscriber,
                    &edition,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some(&form),
                    Some(error),
                    None,
                )
                .await
            }
        },
        _ => Err(PageError::BadRequest("action must be save or resubscribe".into())),
    }
}

/// `GET /newsletter/unsubscribe/{token}`: the visible link in every mail.
pub async fn unsubscribe_page(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let (subscriber, edition) = subscriber_for(&state, &token).await?;
    let t = state.locales.for_language(&edition.language);
    if subscriber.status == SubscriberStatus::Unsubscribed {
        return unsubscribed_page(&state, &subscriber, &edition);
    }
    action_page(
        &state,
        &edition,
        StatusCode::OK,
        t.get("newsletter-unsubscribe-title").into_owned(),
        t.arg("newsletter-unsubscribe-text", "email", &subscriber.email),
        Some((
            format!("/newsletter/unsubscribe/{}", subscriber.token),
            t.get("newsletter-unsubscribe").into_owned(),
        )),
        Some((format!("/newsletter/manage/{}", subscriber.token), t.get("newsletter-manage").into_owned())),
    )
}

/// `POST /newsletter/unsubscribe/{token}`: the page's button, and the
/// one-click POST (`List-Unsubscribe=One-Click`) of mail providers. Doing
/// it again changes nothing.
pub async fn unsubscribe(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, PageError> {
    let (subscriber, edition) = subscriber_for(&state, &token).await?;
    if state.store.set_subscribed(subscriber.id, false, OffsetDateTime::now_utc()).await? {
        tracing::info!(subscriber = subscriber.id.get(), edition = %edition.code, "unsubscribed from newsletters");
    }
    unsubscribed_page(&state, &subscriber, &edition)
}

fn unsubscribed_page(
    state: &AppState,
    subscriber: &Subscriber,
    edition: &Edition,
) -> Result<Response, PageError> {
    let t = state.locales.for_language(&edition.language);
    action_page(
        state,
        edition,
        StatusCode::OK,
        t.get("newsletter-unsubscribed").into_owned(),
        t.arg("newsletter-unsubscribed-text", "email", &subscriber.email),
        None,
        Some((
            format!("/newsletter/manage/{}", subscriber.token),
            t.get("newsletter-changed-mind").into_owned(),
        )),
    )
}
