# Interface strings of the English edition. Every key here must exist in
# every other locale (a test checks); content (headlines, section names)
# never lives here.

skip-to-content = Skip to content
sections-nav = Sections
edition-switcher = Editions
front-page = Front page
top-story = Top story
breaking = Breaking
latest-news = Latest news
more-from-section = More from { $section }
older-stories = Older stories
newest-stories = Back to the latest stories
more-stories = More stories
no-stories = No stories here yet.
published = Published
updated = Updated
byline = By { $names }
byline-and = and
tags = Tags
share = Share this story
share-email = Email
share-x = X
share-facebook = Facebook
share-telegram = Telegram
photo-credit = Photo: { $credit }
correction = Correction
subscribe = Subscribe
subscribe-pitch = The day's top stories, in your inbox every morning.
newsfeed = Newsfeed
newsfeed-all = All the latest news
newsfeed-new-label = New since your last visit:
discussion = Discussion
comments-count = { $count ->
    [0] No comments yet
    [one] { $count } comment
   *[other] { $count } comments
}
discussion-guest = Log in or register to join the discussion.
log-in = Log in
register = Register
chats = Chats
chats-pitch = Talk about the news with other readers, live.
chats-open = Open the chats
topic = Topic
author = Author
articles-by = Stories by { $name }
photo = Photo
photo-caption = Caption
photo-credit-label = Credit
photo-copyright = Copyright
photo-size = Original size
photo-size-value = { $width } × { $height } pixels
photo-usage = Usage terms
photo-usage-text = Editorial use only, with the credit shown. For licensing, contact the agency's media desk.
photo-used-in = Published with
photo-not-used = Not used in a published story yet.
coming-soon = Coming soon
coming-soon-text = This part of the site is being built and will open soon.
not-found = Page not found
not-found-text = There is no page at this address. It may have moved, or the address may be mistyped.
gone = This story has been withdrawn
gone-text = The story that was published at this address has been withdrawn by the editors.
bad-request = This request could not be understood
server-error = Something went wrong on our side
server-error-text = Please try again in a moment.
go-front-page = Go to the front page
footer-tagline = Independent news, in several languages.
footer-api = API for developers
footer-feeds = Feeds
footer-powered = Published with Dateline
date-long = { $month } { $day }, { $year }
dateline = { $place }, { $month } { $day } ({ $agency }) -
time-utc = { $time } UTC
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
page-of = Page of older stories

## Accounts
email = Email address
password = Password
password-hint = At least 10 characters.
display-name = Your name
forgot-link = Forgot your password?
no-account = No account yet?
register-link = Create one
register-title = Create an account
register-submit = Create the account
have-account = Already registered?
form-has-errors = Please correct the fields marked below.
login-failed = That email address and password do not match an account.
too-many-attempts = Too many failed attempts. Please wait { $seconds } seconds and try again.
account-title = Your account
account-role = Role
account-verified = Your email address is confirmed.
account-unverified = Your email address is not confirmed yet: we sent you a link.
resend-verification = Send the link again
verification-sent = We sent a new confirmation link to { $email }.
welcome = Welcome, { $name }. We sent a link to { $email } to confirm your address.
logged-in = You are logged in.
log-out = Log out
logged-out = You are logged out.
verify-done = Thank you: your email address is confirmed.
link-invalid = This link has expired or was already used.
forgot-title = Reset your password
forgot-text = Enter your email address and we will send you a link to choose a new password.
forgot-submit = Send the link
forgot-sent = If an account exists for that address, we sent it a link to choose a new password. The link works for one hour.
reset-title = Choose a new password
new-password = New password
reset-submit = Save the new password
reset-done = Your password is changed. Log in with the new one.
email-taken = An account with this email address already exists.
error-email = Enter an email address such as name@example.com.
error-name = Enter a name of 1 to 80 characters.
error-password-short = The password needs at least 10 characters.
error-password-long = The password can have at most 1000 characters.
forbidden = This action is not allowed
form-expired = This form has expired. Please go back, reload the page and send it again.
role-reader = Reader
role-contributor = Contributor
role-editor = Editor
role-admin = Administrator
mail-verify-subject = Confirm your email address
mail-verify-body = Hello { $name },

    please confirm your email address by opening this link:

    { $link }

    The link works for 48 hours. If you did not create an account, ignore this message.
mail-reset-subject = Choose a new password
mail-reset-body = Hello { $name },

    someone asked to reset the password of your account. To choose a new password, open this link:

    { $link }

    The link works for one hour. If you did not ask for it, ignore this message: your password stays as it is.
account-link = Your account

## Newsroom
newsroom = Newsroom
articles = Articles
audit-log = Audit log
public-site = Public site
new-article-in = New article in { $edition }
new-article = New article
edit-article = Edit article
search-headlines = Search headlines
status = Status
any = Any
edition = Edition
section = Section
only-mine = Only mine
filter = Filter
no-articles = No articles match.
headline = Headline
last-change = Last change
created-by = Created by
more-articles = More articles
when = When
who = Who
what = Action
subject = Subject
details = Details
status-draft = Draft
status-in_review = In review
status-scheduled = Scheduled
status-published = Published
status-unpublished = Unpublished
view-public = View on the site
placement = Placement
story = Story
slug = Address (slug)
slug-hint = Lowercase letters, digits and hyphens; left empty, it is made from the headline.
lead = Lead
dateline-place = Dateline place
dateline-agency = Dateline agency
body-markdown = Body (Markdown)
body-hint = Paragraphs separated by a blank line; ## for a subheading, > for a quote. The dateline is added in front of the first paragraph.
metadata = Tags, byline and search engines
tags-hint = Separated by commas, at most 10.
authors = Authors
translation-of = Translation of article number
translation-hint = The number of the same story in another edition, to link the two.
seo-title = Title for search engines
seo-description = Description for search engines
correction-hint = Shown on the page as a correction note.
action-save = Save
action-submit = Submit for review
action-draft = Back to draft
action-publish = Publish
action-update = Publish the update
action-unpublish = Unpublish
revisions = Revisions
done-save = Saved.
done-submit = Submitted for review.
done-draft = Moved back to draft.
done-publish = Published.
done-update = The update is published.
done-unpublish = Unpublished: the page now answers that the story was withdrawn.
error-too-long = At most { $max } characters.
error-edition = Choose an edition you work in.
error-section = Choose a section of the chosen edition.
error-headline = A headline is needed.
error-slug = Use lowercase letters, digits and single hyphens.
error-slug-taken = Another article in this edition already has this address.
error-tags = At most 10 tags of at most 60 characters each.
error-authors = Choose authors of the chosen edition.
error-translation = There is no article with this number.
not-allowed-text = Your account may not do this. Ask an editor or an administrator.
scheduling = Scheduling and embargo
publish-at = Publish at (UTC)
publish-at-hint = The story stays hidden until this time, then appears by itself.
action-schedule = Schedule
done-schedule = Scheduled: the story will be published by itself at the chosen time.
error-publish-at = Choose a date and time in the future (UTC).
revision = Revision
compare-from = From
compare-to = To
compare-revisions = Compare revisions
restore = Load into the editor
revision-loaded = Revision { $revision } is loaded below. Save it to make it the current version.
no-differences = These revisions do not differ.
back-to-editor = Back to the editor
backup-found = Unsaved text from an earlier visit was found, typed at
backup-restore = Restore it
backup-discard = Discard it
