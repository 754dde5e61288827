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
newsfeed-all-sections = All sections
newsfeed-filter = Show one section
breaking-news = Breaking news
dismiss = Dismiss
discussion = Discussion
comments-count = { $count ->
    [0] No comments yet
    [one] { $count } comment
   *[other] { $count } comments
}
discussion-guest = Log in or register to join the discussion.
discussion-logged-in-noscript = Already logged in?
discussion-page-link = Write on the discussion page
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
two-factor = Two-factor authentication
two-factor-code = Enter your code
two-factor-code-text = Open your authenticator app and enter the six-digit code it shows for this site.
code = Code
code-wrong = That code is not right. Codes change every 30 seconds and work once.
two-factor-is-on = Two-factor authentication is on: logging in asks for a code from your authenticator app.
two-factor-disable = Turn it off
two-factor-setup-text = Scan the QR code with an authenticator app (or type the secret into it), then enter the code it shows.
two-factor-qr = QR code for your authenticator app
two-factor-secret = Secret:
two-factor-enable = Turn it on
two-factor-on = Two-factor authentication is on.
two-factor-off = Two-factor authentication is off.
action-preview = Preview
preview = Preview (not saved)
users = Users and roles
limit-editions = Limited to editions (none: all)
done-role = The role is saved.
sections = Sections
add-section = Add a section
section-name = Name
section-description = One-line description
section-position = Order
done-section = The section is saved.
error-section-name = A section name has 1 to 80 characters.
error-section-slug = Choose an edition and an address of lowercase letters, digits and hyphens (not a reserved word such as "tag" or "latest").
error-section-taken = This edition already has a section with this address.
editions = Editions
add-edition = Add an edition
edition-code = Code
edition-code-hint = The code starts every address of the edition (/en/, /pt-br/) and cannot be changed later. Sections are added under Sections.
edition-name = Name (in its own language)
edition-language = Language (BCP 47)
edition-direction = Text direction
direction-ltr = Left to right
direction-rtl = Right to left
edition-is-default = default
edition-make-default = Make this the default edition
edition-no-strings = No interface translation exists for this language yet: readers see the English interface around this edition's stories.
done-edition = The edition is saved.
error-edition-code = An edition code is a language code such as en, ru or pt-br (lowercase).
error-edition-taken = An edition with this code already exists.
error-edition-language = Enter a language tag such as en, ru, pt-BR or ar.
error-edition-name = An edition name has 1 to 80 characters.
autosave-found = An autosaved version of this form, newer than what is stored, was kept from
autosave-restored = The autosaved text is back in the form. Save to keep it.
autosave-saved = Draft autosaved at
autosave-failed = Not autosaved to the server (is the session still open?). Your text is kept in this browser.
error-main-media = There is no photo with this number in the media bank.
media-bank = Media bank
media-edit = Photo
media-upload = Photos to upload
media-upload-hint = JPEG, PNG, WebP or GIF, up to { $max } MB each; several at once. Caption, credit and copyright are read from the files.
media-upload-button = Upload
media-search = Search caption, credit, keywords
media-none = No photos found.
media-no-caption = (no caption yet)
media-copyright = Copyright
media-licence = Licence and usage terms
media-alt = Text for screen readers (alt)
media-keywords = Keywords (comma-separated)
media-focal-point = Focal point
media-focal-hint = Click the photo on its subject, or type where it is (percent from the left and from the top). Card thumbnails are cut around it.
media-focal-x = From the left (%)
media-focal-y = From the top (%)
media-crop-preview = Card thumbnail
error-focal-point = The focal point must be two numbers from 0 to 100.
media-usage = Used by { $count } articles
media-delete = Delete this photo
media-in-use = An article uses this photo, so it cannot simply be deleted: give those articles another photo first, or name one below to replace it everywhere and delete this one.
upload-done = Uploaded:
upload-progress = Uploading…
upload-no-file = Choose one or more photos to upload.
upload-empty = The file is empty.
upload-too-large = The file is larger than the limit of { $max } MB.
upload-unsupported = { $found } files are not accepted: upload a JPEG, PNG, WebP or GIF photo. The type is read from the file's content, not its name.
upload-too-many-pixels = The picture is { $width }×{ $height } pixels, more than the limit of { $max } megapixels.
upload-corrupt = The file could not be read as a { $format } picture; it may be cut off or damaged.
main-media = Photo number in the media bank
main-media-hint = Leave empty for no photo. Find one in the media bank:
main-media-upload = Or upload a new photo
media-bank-intro = Every photo published with our stories, with its caption, credit and usage terms.
media-search-button = Search
media-more = More photos
media-added-from = Added from
media-added-to = to
media-replacement = Photo number to use instead
media-replace = Replace in every article and delete
live-blog = Live blog
live-blog-hint = Entries appear at once, newest first, under the story on its page; the first one makes this story a live blog.
live-entry = Entry (Markdown)
live-post = Post entry
live-correct = Correct
live-delete = Delete entry
live-corrected = Corrected
live-updates = Live updates
live-now = Live
error-entry-empty = The entry is empty.
error-entry-unknown = There is no such entry in this live blog.

## Discussion
not-possible = That did not work
comments-closed = Comments on this story are closed.
comments-premoderated = Comments on this story appear after a moderator has read them.
comments-sort = Sort comments
sort-newest = Newest
sort-oldest = Oldest
sort-top = Most reactions
comments-pages = Pages of comments
comments-newer-page = Back to the first comments
comments-more = More comments
comment-as = Comment as { $name }
comment-format-hint = *emphasis*, **bold**, > quotes and links work; everything else shows as typed.
comment-send = Post comment
comment-verify-link = Confirm your address
comment-unverified = Confirm your email address to join the discussion: follow the link we sent you.
comment-banned = Your account may not comment until { $until }.
comment-banned-forever = Your account may no longer comment.
comment-empty = Write something first.
comment-too-long = A comment is at most { $max } characters long; this one has { $count }.
comment-missing = That comment is not here any more.
comment-parent-gone = The comment you reply to was removed. Your text is kept below.
comment-not-yours = Only its author can change a comment.
comment-edit-window = Comments can be edited for 15 minutes after posting.
comment-too-many = { $count ->
    [one] You are commenting very fast. Try again in { $count } second.
   *[other] You are commenting very fast. Try again in { $count } seconds.
}
comment-former-reader = Former reader
comment-deleted-author = Deleted
comment-deleted = This comment was deleted.
comment-in-reply-to = in reply to { $name }
comment-edited = (edited)
comment-pending = Only you can see this comment until a moderator has read it.
comment-reply = Reply
comment-reply-to = Reply to { $name }
comment-send-reply = Post reply
comment-edit = Edit
comment-edit-label = Your comment
comment-save = Save
comment-delete = Delete
comment-delete-confirm = Delete this comment? Replies to it stay.
comment-delete-yes = Delete it
comment-report = Report
report-why = Why should a moderator look at it?
report-spam = Spam or advertising
report-abuse = Abuse, harassment or hate
report-off-topic = Off topic
report-other = Something else
report-note = Anything to add (optional)
report-send = Send report
report-title = Report sent
report-thanks = Thank you. A moderator will look at this comment, and we will tell you what they decided.
report-note-long = A report's note is at most 500 characters long.
report-own = You cannot report your own comment.
report-twice = You already reported this comment; a moderator will look at it.
reaction-like = Like
reaction-insightful = Insightful
reaction-funny = Funny
reaction-sad = Sad

## Moderation (newsroom)
moderation = Comments
moderation-settings = Comment settings
queue-pending = Waiting for review
queue-reported = Reported
queue-recent = Recently approved
queue-rejected = Rejected
queue-keys = Keys: j and k move between comments, a approves, r rejects, b rejects and bans.
queue-empty = Nothing here. Well done.
author-since = reader since { $date }
author-approved = { $count ->
    [one] { $count } approved comment
   *[other] { $count } approved comments
}
banned-until = banned until { $until }
held-because = Held because:
held-premoderated = the section is premoderated
held-new-account = a new account's first comment
held-banned-words = it contains a banned word
held-links = a link from a new account
reports = Reports
approve = Approve
reject = Reject
ban-for = Ban for
reject-and-ban = Reject and ban
ban-1d = a day
ban-7d = a week
ban-30d = a month
ban-forever = for good
moderated-approved = The comment is approved and shown.
moderated-rejected = The comment is rejected.
moderated-banned = The comment is rejected and its author banned.
banned-words = Banned words
banned-words-label = Words and phrases, one per line
banned-words-hint = A comment with any of them waits for review. Whole words, any case; end a line with * to match every word that starts with it.
comment-policies = Comments by section
comments-close-after = { $count ->
    [0] Comments never close by themselves.
    [one] Comments close { $count } day after publication.
   *[other] Comments close { $count } days after publication (setting comments_close_after_days).
}
comment-policy = Comments
policy-open = Open
policy-premoderated = Premoderated
policy-closed = Closed
bans = Banned accounts
bans-none = Nobody is banned.
banned-until-column = Banned until
lift-ban = Lift the ban
mail-report-subject = Your report about a comment
mail-report-kept = Hello { $name },

    thank you for reporting a comment under "{ $headline }". A moderator read it and decided it stays: it does not break the rules of the discussion.

    { $link }
mail-report-removed = Hello { $name },

    thank you for reporting a comment under "{ $headline }". A moderator read it and removed it.

    { $link }

## Profile and account deletion
profile = Profile
profile-public = See your public profile
profile-bio = About you
profile-bio-hint = Shown on your public profile, at most 500 characters.
profile-saved = Your profile is saved.
error-bio = Keep "About you" to 500 characters at most.
reader-since = Reader since { $date }
export-data = Download your data (profile and comments, as JSON)
delete-account = Delete your account
delete-intro = This ends your account at once: you are logged out, and your name, address and reactions are gone. It cannot be undone.
delete-comments = Your comments
delete-keep = Keep them, without my name
delete-remove = Remove them (replies of others stay)
delete-confirm = Delete my account
delete-choose = Choose what happens to your comments.
delete-wrong-password = That password is not right.
delete-staff = Newsroom accounts are closed by an administrator.
delete-done = Your account is deleted. Thank you for reading.
comment-kept = Your text, kept so you can copy it
comment-reply-cancel = Cancel
feed-edition-description = The latest stories, as they are published.

## Newsletters
newsletters = Newsletters
newsletter-title = Newsletters
newsletter-intro = The day's top stories every morning, and breaking news the moment it happens — for every story, or only the sections and topics you pick.
newsletter-rhythm = What to send
newsletter-daily = The daily digest
newsletter-breaking = Breaking-news alerts
newsletter-sections = Sections
newsletter-sections-hint = Leave all unticked for every section.
newsletter-tags = Topics
newsletter-tags-hint = Tags, separated by commas (for example: Climate, Ports). Stories in a ticked section or with one of these tags are sent.
newsletter-error-rhythm = Tick the daily digest, breaking-news alerts, or both.
newsletter-error-section = That section is not part of this edition.
newsletter-error-too-many-tags = { $count ->
    [one] Pick at most { $count } topic.
   *[other] Pick at most { $count } topics.
}
newsletter-error-tags = These topics do not exist: { $tags }.
newsletter-check-inbox = Check your inbox
newsletter-check-inbox-text = If { $email } can receive our newsletters, a message is on its way to it. Open the link in it to confirm.
newsletter-confirm-subject = Confirm your { $site } newsletter subscription
newsletter-confirm-mail = Hello,

    Someone — we hope you — asked for the { $site } newsletters ({ $edition }) at this address. To confirm, open this link within 7 days and press the button:

    { $link }

    If it was not you, ignore this message: nothing will be sent.
newsletter-already-subject = Your { $site } newsletter subscription
newsletter-already-mail = Hello,

    Someone asked to subscribe this address to the { $site } newsletters ({ $edition }). You are already subscribed. To change what you receive, or to unsubscribe:

    { $link }
newsletter-link-invalid = This link is not valid: it may have been used already, or it has expired. You can subscribe again from any page.
newsletter-confirm-title = Confirm your subscription
newsletter-confirm-text = Confirm that { $email } should receive our newsletters.
newsletter-confirm-button = Confirm my subscription
newsletter-confirmed = You are subscribed
newsletter-confirmed-text = Welcome. The { $edition } newsletters will come to your inbox; every mail has a link to change or stop them.
newsletter-manage = Manage your subscription
newsletter-manage-title = Your newsletter subscription
newsletter-manage-intro = The { $edition } newsletters: choose what you receive.
newsletter-status-pending = waiting for confirmation
newsletter-status-active = subscribed
newsletter-status-unsubscribed = unsubscribed
newsletter-waiting-confirmation = Open the link in the confirmation mail to start receiving newsletters.
newsletter-welcome-back = Welcome back: you are subscribed again.
newsletter-saved = Your choices are saved.
newsletter-resubscribe = Subscribe again
newsletter-unsubscribe = Unsubscribe
newsletter-unsubscribe-title = Unsubscribe?
newsletter-unsubscribe-text = { $email } will receive no more newsletters from us.
newsletter-unsubscribed = You have unsubscribed
newsletter-unsubscribed-text = { $email } will receive no more newsletters from us.
newsletter-changed-mind = Changed your mind? Subscribe again
newsletter-digest-subject = { $site }: the news of { $date }
newsletter-digest-intro = What we published since the last digest.
newsletter-why = You receive this because you subscribed to the { $site } newsletters.
newsletter-footer-label = Your e-mail address
newsletter-counts = Subscribers
newsletter-active = Subscribed
newsletter-pending = Awaiting confirmation
newsletter-left = Unsubscribed
newsletter-daily-count = Daily digest
newsletter-breaking-count = Breaking alerts
newsletter-history = Sends
newsletter-no-sends = Nothing has been sent yet.
newsletter-kind = Kind
newsletter-kind-digest = Digest
newsletter-kind-breaking = Breaking alert
newsletter-subject = Subject
newsletter-started = Started
newsletter-stories = Stories
newsletter-sent = Sent
newsletter-skipped = Nothing to send
newsletter-waiting = Waiting
newsletter-failed = Failed
newsletter-last-error = Last error
newsletter-send-digest = Send a digest now
newsletter-send-digest-hint = Sends what the edition published since its last digest to its daily subscribers, now. The scheduled digest then continues from here.
newsletter-digest-started = The digest is being sent.
newsletter-digest-exists = A digest was started a moment ago; it is being sent.
newsletter-too-many = Too many sign-ups came from your network in the last hour. Please try again later.

## Search
search = Search
search-label = Search the stories
search-placeholder = Names, places, events…
search-button = Search
search-dates = Between dates
search-from = From
search-to = To
search-not-ready = Search is being prepared. Please try again in a moment.
search-tips = Type words to find stories that contain them all. Put "quotes" around a phrase, end a word with * to match its beginning, and put - before a word to leave it out.
search-count = { $count ->
    [0] No stories
    [one] One story
   *[other] { $count } stories
}
search-count-for = { $count ->
    [0] No stories match “{ $query }”
    [one] One story matches “{ $query }”
   *[other] { $count } stories match “{ $query }”
}
search-page-of = Page { $page } of { $pages }
search-active-filters = Filters in use
search-remove-filter = remove this filter
search-sort = Sort by
search-sort-relevance = relevance
search-sort-newest = newest first
search-past-end = There are no more results on this page.
search-none = Nothing was found.
search-none-spelling = Check the spelling, or try another word for the same thing.
search-none-fewer = Use fewer words: every word must appear in a story.
search-none-filters = Remove a filter to search more widely.
search-previous = Previous
search-next = Next
search-narrow = Narrow the results
search-tags = Topics
search-when = Published
search-when-day = In the last day
search-when-week = In the last week
search-when-month = In the last month
search-when-year = In the last year
newsroom-search = Search all articles
newsroom-search-intro = Headlines, leads and text of every article you can see, drafts included.

## Chats
chat-no-rooms = There are no chat rooms in this edition yet.
chat-no-room = There is no chat room at this address.
chat-socket-only = This address is a chat room's live connection; open the room's page instead
chat-other-origin = A chat room opens only from this site's own pages.
chat-bad-after = The resume point must be a whole number (the last event id seen).
chat-bad-before = The page point must be a message number.
chat-people = { $count ->
    [one] { $count } person here
   *[other] { $count } people here
}
chat-people-here = People here:
chat-members-only = Members only
chat-closed = Closed
chat-about = About the story:
chat-slow-mode = { $count ->
    [one] Slow mode: one message every { $count } second
   *[other] Slow mode: one message every { $count } seconds
}
chat-pinned = Pinned
chat-older = Earlier messages
chat-newest = Latest messages
chat-messages = Messages
chat-empty = No messages yet. Say hello!
chat-cancel = Cancel
chat-write = Write a message
chat-send = Send
chat-needs-script = Reading works without JavaScript; writing and live updates need it.
chat-staff = Staff
chat-deleted = Message deleted
chat-edit = Edit
chat-delete = Delete
chat-report = Report
chat-pin = Pin
chat-unpin = Unpin
chat-mute = Mute for an hour
chat-ban = Ban from this room
chat-replying = Replying to
chat-connecting = Connecting…
chat-reconnecting = Connection lost; reconnecting…
chat-confirm-delete = Delete this message for everyone?
chat-confirm-ban = Ban this reader from the room?
chat-report-reason = Why report it? (spam, abuse, off-topic, other)
chat-reported = Thank you: the moderators will look at it.
chat-save = Save
chat-react = React
chat-error-login-needed = Log in or register to write in the chat.
chat-error-session-expired = Your session has ended; log in again to write.
chat-error-unverified = Confirm your email address to write: follow the link we sent you.
chat-error-banned = You may no longer write in this chat.
chat-error-banned-until = You may not write in this chat until { $until }.
chat-error-muted-until = You are muted until { $until }.
chat-error-closed = This room is closed; its history stays readable.
chat-error-members-only = This room is for its members only.
chat-error-empty = Write something first.
chat-error-too-long = A message is at most { $max } characters long; this one has { $count }.
chat-error-banned-words = Your message has words this site does not allow. It was not sent.
chat-error-slow-mode = { $count ->
    [one] Slow mode is on: you can write again in { $count } second.
   *[other] Slow mode is on: you can write again in { $count } seconds.
}
chat-error-too-many = { $count ->
    [one] You are writing very fast. Try again in { $count } second.
   *[other] You are writing very fast. Try again in { $count } seconds.
}
chat-error-repeated = You just sent that message.
chat-error-no-message = That message is not here any more.
chat-error-not-yours = Only its author (or a moderator) can change a message.
chat-error-edit-window = Messages can be edited for 15 minutes after sending.
chat-error-own-message = You cannot report your own message.
chat-error-already-reported = You already reported this message.
chat-error-note-too-long = A report's note is at most 500 characters long.
chat-error-not-moderator = Only moderators can do that.
chat-error-no-user = There is no reader by that number (staff cannot be muted or banned).
chat-error-bad-duration = A mute lasts from 1 minute to 30 days; a ban as long, or for ever.
chat-error-bad-frame = The chat could not understand that request ({ $detail }).
chat-error-too-large = That request is too large (at most 8 KB).
chat-error-binary = The chat understands text frames only.
chat-error-unavailable = The chat is unavailable for a moment. Try again shortly.
chat-rooms = Rooms
chat-room = Room
chat-state = State
chat-open = Open
chat-view = Open on the site
chat-new-room = Open a new room
chat-title = Title
chat-slug = Address
chat-slug-hint = The last part of the room's address; made from the title when left empty.
chat-topic = Topic
chat-story = Story
chat-story-hint = The story the room is about: its number in the newsroom or its address on the site. Leave empty for none.
chat-retention = Keep messages (days)
chat-retention-hint = Older messages are deleted; 0 keeps them for good.
chat-slow = Slow mode (seconds)
chat-slow-hint = How long a reader waits between two messages; 0 turns slow mode off.
chat-close = Closed (history stays readable, nobody writes)
chat-create = Open the room
chat-reports = Reported messages
chat-no-reports = No message is waiting for a look.
chat-reported-by = Reported by
chat-dismiss = Keep the message
chat-sanctions = Mutes and bans in force
chat-no-sanctions = Nobody is muted or banned.
chat-sanction = Sanction
chat-sanction-mute = Muted
chat-sanction-ban = Banned
chat-everywhere = Every chat
chat-members = Members
chat-members-hint = A members-only room is read and written only by its members (and by editors).
chat-remove-member = Remove
chat-add-member = Add a member by e-mail address
chat-add = Add
chat-done-created = The room is open.
chat-done-saved = Saved.
chat-done-deleted = The message was deleted.
chat-done-dismissed = The report was dismissed; the message stays.
chat-done-lifted = Lifted.
chat-about-story = Readers are talking about this story live:

## The newsroom's own door and a fresh site's first steps
newsroom-log-in = Log in to the newsroom
newsroom-login-hint = For the staff of this site. Readers log in on the site itself.
newsroom-not-staff = This account has no access to the newsroom.
two-factor-required = Your role requires two-factor authentication: turn it on to continue.
setup-title = Setting up the site
setup-edition = Add the first edition: its language and its address, such as /en/
setup-section = Give every edition at least one section
setup-story = Write and publish the first story
setup-ask-admin = An administrator has to add an edition and its sections before stories can be written.
welcome-title = Dateline is running
welcome-text = This site has no edition yet. Whoever runs it does three things first:
welcome-admin = Create an administrator on the server:
welcome-edition = Log in to the newsroom and add the first edition under Editions, or on the server:
welcome-section = Give the edition a section under Sections, then write the first story.
welcome-home = Home

## Saving over someone else's save; addresses; the original time of publication
yes = Yes
no = No
merge-title = This story changed while you were editing it
merge-saved-by = { $name } saved it at { $time }.
merge-text = Nothing you typed is lost. Where only one of you changed a field, that change is already chosen; choose the rest, then save again.
merge-conflicts = { $count ->
    [one] One field was changed by both of you: choose which version to keep.
   *[other] { $count } fields were changed by both of you: choose which version to keep.
}
merge-yours = Yours
merge-theirs = Saved meanwhile
merge-save = Save the chosen versions
merge-discard = Discard mine and open the saved story
slug-suffixed = Another story in this edition already had the address “{ $wanted }”, so this one got “{ $given }”.
published-at = Original time of publication (UTC)
published-at-hint = Leave empty to use the moment of publishing; give it for an archived or syndicated story. Changes are recorded in the audit log.
error-published-at = Give a date and time as YYYY-MM-DD HH:MM (UTC).
error-published-at-role = Only editors and administrators may set the time of publication.
error-published-at-future = The time of publication cannot be in the future: schedule the story instead.
media-read-only = Published stories you may not edit use this photo, and a change to its record would change them too: an editor of those stories can make it.
photo-credit-prefix = Photo:
related-stories = Related stories
latest-stories = Latest stories
two-factor-required-for = Required of
two-factor-required-hint = Staff of a ticked role must turn two-factor authentication on before they can use the newsroom. Reset it for someone who lost their authenticator: they set it up again at their next visit.
two-factor-reset = Reset
done-two-factor-policy = The two-factor requirement is saved.
done-two-factor-reset = Two-factor authentication is reset: the account was logged out and sets it up again at its next login.
