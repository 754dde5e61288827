//! End-to-end tests: each starts the real `dateline` binary on a random
//! port over a fresh store and talks HTTP to it, as a reader, a crawler or
//! an API client would.
//!
//! Every test in `backend_tests!` runs twice, on SQLite and on PostgreSQL
//! (`DATELINE_TEST_POSTGRES_URL`, default
//! `postgres://postgres@127.0.0.1:5432/test`; `./scripts/test` makes sure
//! one is running).

mod support;

mod accounts;
mod api;
mod api_write;
mod caching;
mod chats;
mod cli;
mod discussion;
mod editing;
mod http;
mod i18n;
mod live;
mod matrix;
mod media;
mod newsletters;
mod newsroom;
mod pages;
mod search;
mod security;
mod syndication;
mod transactions;

/// Declares each listed `async fn(Backend)` as two tests, `sqlite::name`
/// and `postgres::name`.
macro_rules! backend_tests {
    ($($module:ident :: $name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    crate::$module::$name(crate::support::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    crate::$module::$name(crate::support::Backend::Postgres).await;
                }
            )*
        }
    };
}

backend_tests!(
    caching::changes_drop_exactly_the_pages_that_show_them,
    caching::one_render_serves_readers_who_ask_at_once,
    caching::two_readers_share_every_page_and_see_only_their_own,
    caching::a_proxy_in_front_drops_exactly_what_changed,
    caching::the_reader_hint_comes_and_goes_with_the_session,
    chats::readers_talk_and_moderators_keep_order,
    chats::bad_chat_requests_are_refused_clearly,
    newsletters::newsletter_round_trip,
    newsletters::newsletter_forms_and_links_refuse_clearly,
    newsletters::newsletter_survives_an_smtp_outage,
    syndication::feeds_parse_cleanly,
    syndication::sitemaps_list_every_story,
    syndication::ninjs_validates_against_the_iptc_schema,
    syndication::pasted_links_get_an_oembed_preview,
    syndication::websub_hub_hears_of_every_change,
    discussion::register_confirm_and_comment,
    discussion::comment_rules_refuse_clearly,
    discussion::moderation_policies_words_and_reports,
    discussion::deleting_an_account_and_exporting_data,
    discussion::comments_through_the_api,
    discussion::new_comments_arrive_live,
    discussion::hostile_comments_render_inert,
    pages::front_page_shows_the_edition,
    pages::root_redirects_by_accept_language,
    pages::article_page_has_every_element,
    pages::updated_and_corrected_article,
    pages::renamed_article_redirects,
    pages::withdrawn_article_is_gone,
    pages::latest_list_pages_by_cursor,
    pages::tag_and_author_pages,
    pages::unknown_addresses_get_a_localized_404,
    pages::malformed_query_gets_a_400_page,
    http::pages_carry_validators_and_answer_304,
    http::responses_carry_security_headers,
    http::static_assets_are_fingerprinted_and_immutable,
    api::editions_and_sections,
    api::articles_page_by_cursor_and_filter,
    api::one_article,
    api::bad_parameters_get_json_errors,
    api::openapi_document_describes_the_routes,
    cli::operations_endpoints,
    cli::first_start_fills_an_empty_store,
    cli::a_fresh_site_is_set_up_without_sql,
    cli::redirects_never_leave_the_site,
    cli::graceful_shutdown_on_sigterm,
    i18n::no_interface_string_of_another_edition,
    security::hostile_inputs_never_break_a_page,
    accounts::register_confirm_log_out_and_in,
    accounts::mail_goes_through_smtp_and_survives_an_outage,
    accounts::forms_refuse_forged_requests,
    accounts::failed_logins_are_slowed_down,
    accounts::throttling_reads_the_client_behind_a_trusted_proxy,
    accounts::password_reset_by_emailed_link,
    accounts::cli_users_and_api_tokens,
    accounts::two_factor_codes_after_the_password,
    accounts::admins_require_and_reset_two_factor,
    newsroom::editor_writes_publishes_updates_and_withdraws,
    newsroom::permissions_by_role,
    newsroom::mistakes_keep_the_typed_text,
    newsroom::scheduled_publishing_fires_once,
    newsroom::admins_set_roles,
    newsroom::admins_manage_sections,
    newsroom::admins_manage_editions,
    newsroom::autosave_keeps_typed_text_apart,
    newsroom::staff_read_only_what_their_role_covers,
    matrix::every_state_changing_route_by_role,
    media::upload_use_and_credit_a_photo,
    media::bad_files_are_refused_and_leave_nothing,
    media::upload_use_and_credit_a_photo_in_s3,
    media::bad_files_leave_nothing_in_s3,
    media::api_uploads_edits_and_reads_photos,
    media::focal_point_drives_card_crops,
    live::events_stream_filter_and_resume,
    live::bad_event_requests_are_refused,
    live::live_blog_entries_arrive_and_stay,
    api_write::tokens_write_and_publish_articles,
    editing::the_same_headline_gets_a_numbered_address,
    editing::concurrent_edits_are_merged_not_lost,
    editing::original_time_and_public_versions,
    editing::the_article_page_gets_the_details_right,
    transactions::a_story_stopped_at_any_step_leaves_nothing,
    transactions::a_moderation_decision_stopped_at_any_step_leaves_nothing,
    transactions::killed_while_writing_no_action_is_half_done,
    transactions::a_chat_room_change_stopped_at_any_step_leaves_nothing,
    transactions::a_newsletter_signup_stopped_at_any_step_leaves_nothing,
    transactions::a_comment_stopped_at_any_step_leaves_nothing,
    transactions::a_photo_upload_or_edit_stopped_at_any_step_leaves_nothing,
    search::search_finds_stories_in_each_language,
    search::search_refuses_bad_input_clearly,
);
