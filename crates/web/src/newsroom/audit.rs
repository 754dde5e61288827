//! `GET /newsroom/audit`: who did what and when (editors and admins; one
//! limited to some editions sees their entries only).

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum_extra::extract::CookieJar;
use dateline_core::Role;

use super::{NewsroomFrame, Staff, locale, no_store_page};
use crate::AppState;
use crate::error::PageError;
use crate::view::iso;

#[derive(Debug)]
pub struct AuditLine {
    pub time_iso: String,
    pub time_label: String,
    pub who: String,
    pub action: String,
    pub subject: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "newsroom/audit.html")]
struct AuditTemplate<'a> {
    frame: NewsroomFrame<'a>,
    lines: Vec<AuditLine>,
}

pub async fn audit_log(
    State(state): State<AppState>,
    Staff(user): Staff,
    headers: HeaderMap,
    jar: CookieJar,
) -> Result<Response, PageError> {
    if user.role < Role::Editor {
        return Err(PageError::NotAllowed);
    }
    let t = locale(&state, &headers);
    // An editor limited to some editions reads their entries only, not
    // the site-wide ones (roles, settings, the shared media bank).
    let editions = (!user.edition_ids.is_empty()).then_some(user.edition_ids.as_slice());
    let lines = state
        .store
        .audit_entries(200, editions)
        .await?
        .into_iter()
        .map(|e| AuditLine {
            time_iso: iso(e.created_at),
            time_label: t.date_time(e.created_at),
            who: e.user_name.unwrap_or_else(|| "—".into()),
            action: e.action,
            subject: e.subject,
            detail: e.detail,
        })
        .collect();
    let template = AuditTemplate {
        frame: NewsroomFrame::new(&state, t, &user, &t.get("audit-log"), String::new()),
        lines,
    };
    Ok(no_store_page(StatusCode::OK, jar, template.render()?))
}
