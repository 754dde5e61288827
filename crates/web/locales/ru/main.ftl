# Строки интерфейса русской редакции. Ключи совпадают с en/main.ftl.

skip-to-content = Перейти к содержанию
sections-nav = Разделы
edition-switcher = Редакции
front-page = Главная
top-story = Главная новость
breaking = Срочно
latest-news = Последние новости
more-from-section = Ещё в разделе «{ $section }»
older-stories = Более ранние материалы
newest-stories = К свежим материалам
more-stories = Другие материалы
no-stories = Материалов пока нет.
published = Опубликовано
updated = Обновлено
byline = Автор: { $names }
byline-and = и
tags = Темы
share = Поделиться
share-email = Почта
share-x = X
share-facebook = Facebook
share-telegram = Telegram
photo-credit = Фото: { $credit }
correction = Исправление
subscribe = Подписаться
subscribe-pitch = Главные новости дня каждое утро в вашей почте.
newsfeed = Лента новостей
newsfeed-all = Все последние новости
newsfeed-new-label = Новых с вашего прошлого визита:
newsfeed-all-sections = Все разделы
newsfeed-filter = Показать один раздел
breaking-news = Срочно
dismiss = Закрыть
discussion = Обсуждение
comments-count = { $count ->
    [0] Комментариев пока нет
    [one] { $count } комментарий
    [few] { $count } комментария
    [many] { $count } комментариев
   *[other] { $count } комментария
}
discussion-guest = Войдите или зарегистрируйтесь, чтобы участвовать в обсуждении.
discussion-logged-in-noscript = Уже вошли?
discussion-page-link = Написать на странице обсуждения
log-in = Войти
register = Зарегистрироваться
chats = Чаты
chats-pitch = Обсуждайте новости с другими читателями в прямом эфире.
chats-open = Перейти в чаты
topic = Тема
author = Автор
articles-by = Материалы автора: { $name }
photo = Фотография
photo-caption = Подпись
photo-credit-label = Автор снимка
photo-copyright = Авторские права
photo-size = Исходный размер
photo-size-value = { $width } × { $height } пикселей
photo-usage = Условия использования
photo-usage-text = Только для редакционного использования с указанием автора. По вопросам лицензирования обращайтесь в фотослужбу агентства.
photo-used-in = Опубликовано в материалах
photo-not-used = Пока не используется в опубликованных материалах.
not-found = Страница не найдена
not-found-text = По этому адресу ничего нет. Возможно, страница переехала или в адресе опечатка.
gone = Материал отозван
gone-text = Материал, опубликованный по этому адресу, отозван редакцией.
bad-request = Не удалось разобрать запрос
server-error = На нашей стороне произошла ошибка
server-error-text = Пожалуйста, повторите попытку через минуту.
go-front-page = На главную
footer-tagline = Независимые новости на нескольких языках.
footer-api = API для разработчиков
footer-feeds = Ленты
footer-powered = Работает на Dateline
date-long = { $day } { $month } { $year }
dateline = { $place }, { $day } { $month } ({ $agency }) -
time-utc = { $time } UTC
month-1 = января
month-2 = февраля
month-3 = марта
month-4 = апреля
month-5 = мая
month-6 = июня
month-7 = июля
month-8 = августа
month-9 = сентября
month-10 = октября
month-11 = ноября
month-12 = декабря
page-of = Страница более ранних материалов

## Учётные записи
email = Электронная почта
password = Пароль
password-hint = Не короче 10 символов.
display-name = Ваше имя
forgot-link = Забыли пароль?
no-account = Ещё нет учётной записи?
register-link = Создайте её
register-title = Регистрация
register-submit = Зарегистрироваться
have-account = Уже зарегистрированы?
form-has-errors = Исправьте, пожалуйста, отмеченные поля.
login-failed = Адрес почты и пароль не подходят ни к одной учётной записи.
too-many-attempts = Слишком много неудачных попыток. Подождите { $seconds } с и попробуйте снова.
account-title = Ваша учётная запись
account-role = Роль
account-verified = Ваш адрес почты подтверждён.
account-unverified = Ваш адрес почты ещё не подтверждён: мы отправили вам ссылку.
resend-verification = Отправить ссылку ещё раз
verification-sent = Мы отправили новую ссылку для подтверждения на { $email }.
welcome = Добро пожаловать, { $name }! Мы отправили на { $email } ссылку для подтверждения адреса.
logged-in = Вы вошли в систему.
log-out = Выйти
logged-out = Вы вышли из системы.
verify-done = Спасибо: ваш адрес почты подтверждён.
link-invalid = Срок действия ссылки истёк, или она уже была использована.
forgot-title = Восстановление пароля
forgot-text = Укажите адрес почты, и мы пришлём ссылку для выбора нового пароля.
forgot-submit = Прислать ссылку
forgot-sent = Если для этого адреса есть учётная запись, мы отправили на него ссылку для выбора нового пароля. Ссылка действует один час.
reset-title = Новый пароль
new-password = Новый пароль
reset-submit = Сохранить новый пароль
reset-done = Пароль изменён. Войдите с новым паролем.
email-taken = Учётная запись с этим адресом почты уже существует.
error-email = Укажите адрес почты, например name@example.com.
error-name = Укажите имя длиной от 1 до 80 символов.
error-password-short = Пароль должен быть не короче 10 символов.
error-password-long = Пароль должен быть не длиннее 1000 символов.
forbidden = Это действие недоступно
form-expired = Срок действия формы истёк. Вернитесь назад, обновите страницу и отправьте форму снова.
role-reader = Читатель
role-contributor = Автор
role-editor = Редактор
role-admin = Администратор
mail-verify-subject = Подтвердите адрес почты
mail-verify-body = Здравствуйте, { $name }!

    Подтвердите, пожалуйста, адрес почты, открыв эту ссылку:

    { $link }

    Ссылка действует 48 часов. Если вы не регистрировались, просто проигнорируйте это письмо.
mail-reset-subject = Выбор нового пароля
mail-reset-body = Здравствуйте, { $name }!

    Кто-то запросил сброс пароля вашей учётной записи. Чтобы выбрать новый пароль, откройте ссылку:

    { $link }

    Ссылка действует один час. Если вы не запрашивали сброс, проигнорируйте это письмо: пароль останется прежним.
account-link = Личный кабинет

## Редакция
newsroom = Редакция
articles = Материалы
audit-log = Журнал действий
public-site = Сайт
new-article-in = Новый материал: { $edition }
new-article = Новый материал
edit-article = Редактирование материала
search-headlines = Поиск по заголовкам
status = Статус
any = Любой
edition = Редакция сайта
section = Раздел
only-mine = Только мои
filter = Показать
no-articles = Подходящих материалов нет.
headline = Заголовок
last-change = Последнее изменение
created-by = Создал
more-articles = Ещё материалы
when = Когда
who = Кто
what = Действие
subject = Объект
details = Подробности
status-draft = Черновик
status-in_review = На проверке
status-scheduled = Запланирован
status-published = Опубликован
status-unpublished = Снят с публикации
view-public = Открыть на сайте
placement = Размещение
story = Материал
slug = Адрес (slug)
slug-hint = Строчные латинские буквы, цифры и дефисы; если оставить пустым, адрес получится из заголовка.
lead = Лид
dateline-place = Место в дейтлайне
dateline-agency = Агентство в дейтлайне
body-markdown = Текст (Markdown)
body-hint = Абзацы разделяются пустой строкой; ## — подзаголовок, > — цитата. Дейтлайн добавляется перед первым абзацем.
metadata = Темы, авторы и поисковые системы
tags-hint = Через запятую, не больше 10.
authors = Авторы
translation-of = Перевод материала номер
translation-hint = Номер того же материала в другой редакции, чтобы связать их.
seo-title = Заголовок для поисковых систем
seo-description = Описание для поисковых систем
correction-hint = Показывается на странице как примечание об исправлении.
action-save = Сохранить
action-submit = Отправить на проверку
action-draft = Вернуть в черновики
action-publish = Опубликовать
action-update = Опубликовать обновление
action-unpublish = Снять с публикации
revisions = Версии
done-save = Сохранено.
done-submit = Отправлено на проверку.
done-draft = Возвращено в черновики.
done-publish = Опубликовано.
done-update = Обновление опубликовано.
done-unpublish = Снято с публикации: страница сообщает, что материал отозван.
error-too-long = Не больше { $max } символов.
error-edition = Выберите редакцию, в которой вы работаете.
error-section = Выберите раздел выбранной редакции.
error-headline = Нужен заголовок.
error-slug = Используйте строчные латинские буквы, цифры и одиночные дефисы.
error-slug-taken = У другого материала этой редакции уже есть такой адрес.
error-tags = Не больше 10 тем, каждая не длиннее 60 символов.
error-authors = Выберите авторов выбранной редакции.
error-translation = Материала с таким номером нет.
not-allowed-text = Вашей учётной записи это действие недоступно. Обратитесь к редактору или администратору.
scheduling = Отложенная публикация и эмбарго
publish-at = Опубликовать в (UTC)
publish-at-hint = До этого времени материал скрыт, затем появится сам.
action-schedule = Запланировать
done-schedule = Запланировано: материал опубликуется сам в выбранное время.
error-publish-at = Выберите дату и время в будущем (UTC).
revision = Версия
compare-from = Было
compare-to = Стало
compare-revisions = Сравнить версии
restore = Загрузить в редактор
revision-loaded = Версия { $revision } загружена ниже. Сохраните её, чтобы она стала текущей.
no-differences = Эти версии не различаются.
back-to-editor = Вернуться в редактор
backup-found = Найден несохранённый текст из прошлого визита, набранный
backup-restore = Восстановить
backup-discard = Удалить
two-factor = Двухфакторная аутентификация
two-factor-code = Введите код
two-factor-code-text = Откройте приложение-аутентификатор и введите шестизначный код, который оно показывает для этого сайта.
code = Код
code-wrong = Код неверен. Коды меняются каждые 30 секунд и действуют один раз.
two-factor-is-on = Двухфакторная аутентификация включена: при входе нужен код из приложения-аутентификатора.
two-factor-disable = Выключить
two-factor-setup-text = Отсканируйте QR-код приложением-аутентификатором (или введите в него секрет), затем введите показанный код.
two-factor-qr = QR-код для приложения-аутентификатора
two-factor-secret = Секрет:
two-factor-enable = Включить
two-factor-on = Двухфакторная аутентификация включена.
two-factor-off = Двухфакторная аутентификация выключена.
action-preview = Предпросмотр
preview = Предпросмотр (не сохранено)
users = Пользователи и роли
limit-editions = Только редакции (ни одной: все)
done-role = Роль сохранена.
sections = Разделы
add-section = Добавить раздел
section-name = Название
section-description = Описание в одну строку
section-position = Порядок
done-section = Раздел сохранён.
error-section-name = Название раздела — от 1 до 80 символов.
error-section-slug = Выберите редакцию и адрес из строчных латинских букв, цифр и дефисов (не зарезервированное слово вроде «tag» или «latest»).
error-section-taken = В этой редакции уже есть раздел с таким адресом.
editions = Выпуски
add-edition = Добавить выпуск
edition-code = Код
edition-code-hint = Код начинает каждый адрес выпуска (/en/, /pt-br/), позже его не изменить. Рубрики добавляются на странице «Разделы».
edition-name = Название (на языке выпуска)
edition-language = Язык (BCP 47)
edition-direction = Направление текста
direction-ltr = Слева направо
direction-rtl = Справа налево
edition-is-default = основной
edition-make-default = Сделать основным выпуском
edition-no-strings = Перевода интерфейса на этот язык пока нет: читатели видят английский интерфейс вокруг материалов выпуска.
done-edition = Выпуск сохранён.
error-edition-code = Код выпуска — код языка, например en, ru или pt-br (строчными буквами).
error-edition-taken = Выпуск с таким кодом уже есть.
error-edition-language = Укажите языковой тег, например en, ru, pt-BR или ar.
error-edition-name = Название выпуска — от 1 до 80 символов.
autosave-found = Сохранилась автосохранённая версия этой формы, отличная от записанной, от
autosave-restored = Автосохранённый текст возвращён в форму. Сохраните, чтобы оставить его.
autosave-saved = Черновик автосохранён в
autosave-failed = Автосохранение на сервер не удалось (сеанс ещё открыт?). Текст сохранён в этом браузере.
error-main-media = В фотобанке нет снимка с таким номером.
media-bank = Фотобанк
media-edit = Снимок
media-upload = Снимки для загрузки
media-upload-hint = JPEG, PNG, WebP или GIF, до { $max } МБ каждый; можно несколько сразу. Подпись, автор и права читаются из файлов.
media-upload-button = Загрузить
media-search = Поиск по подписи, автору, ключевым словам
media-none = Снимков не найдено.
media-no-caption = (подписи пока нет)
media-copyright = Авторские права
media-licence = Лицензия и условия использования
media-alt = Текст для экранных чтецов (alt)
media-keywords = Ключевые слова (через запятую)
media-focal-point = Точка фокуса
media-focal-hint = Щёлкните по главному на снимке или введите, где оно (в процентах слева и сверху). Миниатюры в карточках вырезаются вокруг этой точки.
media-focal-x = Слева (%)
media-focal-y = Сверху (%)
media-crop-preview = Миниатюра в карточке
error-focal-point = Точка фокуса — два числа от 0 до 100.
media-usage = Используется в материалах: { $count }
media-delete = Удалить снимок
media-in-use = Снимок используется в материале, поэтому его нельзя просто удалить: сначала выберите для этих материалов другой снимок или укажите ниже замену — она встанет во все материалы, а этот снимок будет удалён.
upload-done = Загружено:
upload-progress = Загрузка…
upload-no-file = Выберите один или несколько снимков.
upload-empty = Файл пуст.
upload-too-large = Файл больше предела в { $max } МБ.
upload-unsupported = Файлы типа { $found } не принимаются: загрузите снимок JPEG, PNG, WebP или GIF. Тип определяется по содержимому файла, а не по имени.
upload-too-many-pixels = Изображение { $width }×{ $height } пикселей — больше предела в { $max } мегапикселей.
upload-corrupt = Файл не читается как изображение { $format }; возможно, он обрезан или повреждён.
main-media = Номер снимка в фотобанке
main-media-hint = Оставьте пустым, если снимка нет. Найти снимок в фотобанке:
main-media-upload = Или загрузите новый снимок
media-bank-intro = Все снимки, опубликованные с нашими материалами, — с подписями, авторами и условиями использования.
media-search-button = Найти
media-more = Ещё снимки
media-added-from = Добавлены с
media-added-to = по
media-replacement = Номер снимка для замены
media-replace = Заменить во всех материалах и удалить
live-blog = Прямая трансляция
live-blog-hint = Записи появляются сразу, новые сверху, под материалом на его странице; первая запись превращает материал в трансляцию.
live-entry = Запись (Markdown)
live-post = Опубликовать запись
live-correct = Исправить
live-delete = Удалить запись
live-corrected = Исправлено
live-updates = Хроника событий
live-now = В эфире
error-entry-empty = Запись пуста.
error-entry-unknown = В этой трансляции нет такой записи.

## Discussion
not-possible = Не получилось
comments-closed = Комментарии к этому материалу закрыты.
comments-premoderated = Комментарии к этому материалу появляются после проверки модератором.
comments-sort = Порядок комментариев
sort-newest = Новые
sort-oldest = Старые
sort-top = Больше реакций
comments-pages = Страницы комментариев
comments-newer-page = К первым комментариям
comments-more = Ещё комментарии
comment-as = Комментарий от имени { $name }
comment-format-hint = Работают *курсив*, **жирный**, > цитаты и ссылки; остальное показывается как написано.
comment-send = Отправить
comment-verify-link = Подтвердить адрес
comment-unverified = Подтвердите адрес электронной почты, чтобы участвовать в обсуждении: перейдите по ссылке из письма.
comment-banned = Вашей учётной записи запрещено комментировать до { $until }.
comment-banned-forever = Вашей учётной записи больше нельзя комментировать.
comment-empty = Сначала напишите что-нибудь.
comment-too-long = Комментарий — не длиннее { $max } знаков; в этом { $count }.
comment-missing = Этого комментария здесь больше нет.
comment-parent-gone = Комментарий, на который вы отвечаете, удалён. Ваш текст сохранён ниже.
comment-not-yours = Изменить комментарий может только его автор.
comment-edit-window = Комментарий можно править 15 минут после отправки.
comment-too-many = { $count ->
    [one] Вы комментируете слишком часто. Попробуйте через { $count } секунду.
    [few] Вы комментируете слишком часто. Попробуйте через { $count } секунды.
   *[other] Вы комментируете слишком часто. Попробуйте через { $count } секунд.
}
comment-former-reader = Бывший читатель
comment-deleted-author = Удалено
comment-deleted = Комментарий удалён.
comment-in-reply-to = в ответ { $name }
comment-edited = (изменён)
comment-pending = Этот комментарий видите только вы, пока его не проверит модератор.
comment-reply = Ответить
comment-reply-to = Ответ для { $name }
comment-send-reply = Отправить ответ
comment-edit = Изменить
comment-edit-label = Ваш комментарий
comment-save = Сохранить
comment-delete = Удалить
comment-delete-confirm = Удалить комментарий? Ответы на него останутся.
comment-delete-yes = Удалить
comment-report = Пожаловаться
report-why = Почему модератору стоит посмотреть?
report-spam = Спам или реклама
report-abuse = Оскорбления, травля или ненависть
report-off-topic = Не по теме
report-other = Другое
report-note = Пояснение (необязательно)
report-send = Отправить жалобу
report-title = Жалоба отправлена
report-thanks = Спасибо. Модератор посмотрит этот комментарий, и мы сообщим вам о решении.
report-note-long = Пояснение к жалобе — не длиннее 500 знаков.
report-own = Нельзя пожаловаться на свой комментарий.
report-twice = Вы уже пожаловались на этот комментарий; модератор его посмотрит.
reaction-like = Нравится
reaction-insightful = Полезно
reaction-funny = Смешно
reaction-sad = Грустно

## Moderation (newsroom)
moderation = Комментарии
moderation-settings = Настройки комментариев
queue-pending = Ждут проверки
queue-reported = Жалобы
queue-recent = Недавно одобренные
queue-rejected = Отклонённые
queue-keys = Клавиши: j и k — переход между комментариями, a — одобрить, r — отклонить, b — отклонить и заблокировать.
queue-empty = Здесь пусто. Отлично.
author-since = читатель с { $date }
author-approved = { $count ->
    [one] { $count } одобренный комментарий
    [few] { $count } одобренных комментария
   *[other] { $count } одобренных комментариев
}
banned-until = заблокирован до { $until }
held-because = Задержан, потому что:
held-premoderated = в разделе премодерация
held-new-account = первый комментарий новой учётной записи
held-banned-words = в нём запрещённое слово
held-links = ссылка от новой учётной записи
reports = Жалобы
approve = Одобрить
reject = Отклонить
ban-for = Блокировка на
reject-and-ban = Отклонить и заблокировать
ban-1d = день
ban-7d = неделю
ban-30d = месяц
ban-forever = навсегда
moderated-approved = Комментарий одобрен и показан.
moderated-rejected = Комментарий отклонён.
moderated-banned = Комментарий отклонён, автор заблокирован.
banned-words = Запрещённые слова
banned-words-label = Слова и выражения, по одному в строке
banned-words-hint = Комментарий с любым из них ждёт проверки. Целые слова, любой регистр; * в конце строки — все слова с таким началом.
comment-policies = Комментарии по разделам
comments-close-after = { $count ->
    [0] Комментарии не закрываются сами.
    [one] Комментарии закрываются через { $count } день после публикации.
    [few] Комментарии закрываются через { $count } дня после публикации.
   *[other] Комментарии закрываются через { $count } дней после публикации (настройка comments_close_after_days).
}
comment-policy = Комментарии
policy-open = Открыты
policy-premoderated = Премодерация
policy-closed = Закрыты
bans = Заблокированные
bans-none = Никто не заблокирован.
banned-until-column = До
lift-ban = Снять блокировку
mail-report-subject = Ваша жалоба на комментарий
mail-report-kept = Здравствуйте, { $name }!

    Спасибо за жалобу на комментарий к материалу «{ $headline }». Модератор прочитал его и оставил: правил обсуждения он не нарушает.

    { $link }
mail-report-removed = Здравствуйте, { $name }!

    Спасибо за жалобу на комментарий к материалу «{ $headline }». Модератор прочитал его и удалил.

    { $link }

## Profile and account deletion
profile = Профиль
profile-public = Ваш публичный профиль
profile-bio = О себе
profile-bio-hint = Видно в вашем публичном профиле, не больше 500 знаков.
profile-saved = Профиль сохранён.
error-bio = «О себе» — не больше 500 знаков.
reader-since = Читатель с { $date }
export-data = Скачать свои данные (профиль и комментарии, JSON)
delete-account = Удалить учётную запись
delete-intro = Учётная запись будет удалена сразу: вы выйдете, ваше имя, адрес и реакции исчезнут. Отменить это нельзя.
delete-comments = Ваши комментарии
delete-keep = Оставить, без моего имени
delete-remove = Удалить (ответы других останутся)
delete-confirm = Удалить учётную запись
delete-choose = Выберите, что будет с вашими комментариями.
delete-wrong-password = Пароль неверен.
delete-staff = Учётные записи редакции закрывает администратор.
delete-done = Учётная запись удалена. Спасибо, что читали нас.
comment-kept = Ваш текст — чтобы его можно было скопировать
comment-reply-cancel = Отмена
feed-edition-description = Последние материалы, по мере публикации.

## Newsletters
newsletters = Рассылки
newsletter-title = Рассылки
newsletter-intro = Главные новости дня каждое утро и срочные новости сразу — обо всём или только о выбранных разделах и темах.
newsletter-rhythm = Что присылать
newsletter-daily = Ежедневный дайджест
newsletter-breaking = Срочные новости
newsletter-sections = Разделы
newsletter-sections-hint = Не отмечайте ничего, чтобы получать все разделы.
newsletter-tags = Темы
newsletter-tags-hint = Теги через запятую (например: Климат, Порты). Присылаются материалы отмеченных разделов и материалы с этими тегами.
newsletter-error-rhythm = Отметьте ежедневный дайджест, срочные новости или оба.
newsletter-error-section = Такого раздела нет в этой версии сайта.
newsletter-error-too-many-tags = { $count ->
    [one] Выберите не больше { $count } темы.
    [few] Выберите не больше { $count } тем.
   *[other] Выберите не больше { $count } тем.
}
newsletter-error-tags = Таких тем нет: { $tags }.
newsletter-check-inbox = Проверьте почту
newsletter-check-inbox-text = Если на адрес { $email } можно отправлять наши рассылки, письмо уже в пути. Откройте ссылку в нём, чтобы подтвердить подписку.
newsletter-confirm-subject = Подтвердите подписку на рассылки { $site }
newsletter-confirm-mail = Здравствуйте!

    Кто-то — надеемся, вы — подписал этот адрес на рассылки { $site } ({ $edition }). Чтобы подтвердить, откройте ссылку в течение 7 дней и нажмите кнопку:

    { $link }

    Если это были не вы, просто не отвечайте: писем не будет.
newsletter-already-subject = Ваша подписка на рассылки { $site }
newsletter-already-mail = Здравствуйте!

    Кто-то попросил подписать этот адрес на рассылки { $site } ({ $edition }). Вы уже подписаны. Изменить подписку или отписаться:

    { $link }
newsletter-link-invalid = Ссылка недействительна: возможно, ею уже воспользовались или срок её действия истёк. Подписаться заново можно с любой страницы.
newsletter-confirm-title = Подтвердите подписку
newsletter-confirm-text = Подтвердите, что на адрес { $email } нужно присылать наши рассылки.
newsletter-confirm-button = Подтвердить подписку
newsletter-confirmed = Вы подписаны
newsletter-confirmed-text = Добро пожаловать! Рассылки ({ $edition }) будут приходить вам на почту; в каждом письме есть ссылка, чтобы изменить или отменить подписку.
newsletter-manage = Управление подпиской
newsletter-manage-title = Ваша подписка на рассылки
newsletter-manage-intro = Рассылки ({ $edition }): выберите, что получать.
newsletter-status-pending = ждёт подтверждения
newsletter-status-active = подписка действует
newsletter-status-unsubscribed = подписка отменена
newsletter-waiting-confirmation = Откройте ссылку из письма с подтверждением, чтобы начать получать рассылки.
newsletter-welcome-back = С возвращением: вы снова подписаны.
newsletter-saved = Настройки сохранены.
newsletter-resubscribe = Подписаться снова
newsletter-unsubscribe = Отписаться
newsletter-unsubscribe-title = Отписаться?
newsletter-unsubscribe-text = На адрес { $email } больше не будут приходить наши рассылки.
newsletter-unsubscribed = Вы отписались
newsletter-unsubscribed-text = На адрес { $email } больше не будут приходить наши рассылки.
newsletter-changed-mind = Передумали? Подпишитесь снова
newsletter-digest-subject = { $site }: новости за { $date }
newsletter-digest-intro = Что мы опубликовали после предыдущего дайджеста.
newsletter-why = Вы получили это письмо, потому что подписались на рассылки { $site }.
newsletter-footer-label = Ваш адрес электронной почты
newsletter-counts = Подписчики
newsletter-active = Подписаны
newsletter-pending = Ждут подтверждения
newsletter-left = Отписались
newsletter-daily-count = Дайджест
newsletter-breaking-count = Срочные новости
newsletter-history = Отправки
newsletter-no-sends = Пока ничего не отправлено.
newsletter-kind = Вид
newsletter-kind-digest = Дайджест
newsletter-kind-breaking = Срочная новость
newsletter-subject = Тема
newsletter-started = Начало
newsletter-stories = Материалы
newsletter-sent = Отправлено
newsletter-skipped = Нечего отправлять
newsletter-waiting = Ожидают
newsletter-failed = Не доставлено
newsletter-last-error = Последняя ошибка
newsletter-send-digest = Отправить дайджест сейчас
newsletter-send-digest-hint = Отправляет подписчикам дайджеста всё, что опубликовано после предыдущего дайджеста. Плановый дайджест продолжит с этого момента.
newsletter-digest-started = Дайджест отправляется.
newsletter-digest-exists = Дайджест уже запущен и отправляется.
newsletter-too-many = С вашего адреса за последний час было слишком много подписок. Попробуйте позже.

## Search
search = Поиск
search-label = Поиск по материалам
search-placeholder = Имена, места, события…
search-button = Найти
search-dates = Между датами
search-from = С
search-to = По
search-not-ready = Поиск готовится. Попробуйте ещё раз через минуту.
search-tips = Введите слова, чтобы найти материалы, где есть все они. Возьмите фразу в "кавычки", поставьте * в конце слова, чтобы искать по началу слова, и - перед словом, чтобы исключить его.
search-count = { $count ->
    [0] Материалов нет
    [one] { $count } материал
    [few] { $count } материала
   *[many] { $count } материалов
}
search-count-for = { $count ->
    [0] По запросу «{ $query }» ничего нет
    [one] По запросу «{ $query }» { $count } материал
    [few] По запросу «{ $query }» { $count } материала
   *[many] По запросу «{ $query }» { $count } материалов
}
search-page-of = Страница { $page } из { $pages }
search-active-filters = Выбранные фильтры
search-remove-filter = убрать этот фильтр
search-sort = Сортировка
search-sort-relevance = по релевантности
search-sort-newest = сначала новые
search-past-end = На этой странице результатов больше нет.
search-none = Ничего не найдено.
search-none-spelling = Проверьте написание или попробуйте другое слово.
search-none-fewer = Уберите лишние слова: в материале должно быть каждое из них.
search-none-filters = Уберите фильтр, чтобы искать шире.
search-previous = Назад
search-next = Дальше
search-narrow = Уточнить результаты
search-tags = Темы
search-when = Опубликовано
search-when-day = За сутки
search-when-week = За неделю
search-when-month = За месяц
search-when-year = За год
newsroom-search = Поиск по всем материалам
newsroom-search-intro = Заголовки, лиды и тексты всех доступных вам материалов, включая черновики.

## Chats
chat-no-rooms = В этой редакции пока нет чатов.
chat-no-room = По этому адресу нет чата.
chat-socket-only = Это адрес живого соединения чата; откройте страницу чата
chat-other-origin = Чат открывается только со страниц этого сайта.
chat-bad-after = Точка возобновления должна быть целым числом (номер последнего события).
chat-bad-before = Точка листания должна быть номером сообщения.
chat-people = { $count ->
    [one] { $count } человек в чате
    [few] { $count } человека в чате
   *[other] { $count } человек в чате
}
chat-people-here = Сейчас в чате:
chat-members-only = Только для участников
chat-closed = Закрыт
chat-about = О материале:
chat-slow-mode = { $count ->
    [one] Медленный режим: одно сообщение в { $count } секунду
    [few] Медленный режим: одно сообщение в { $count } секунды
   *[other] Медленный режим: одно сообщение в { $count } секунд
}
chat-pinned = Закреплено
chat-older = Более ранние сообщения
chat-newest = Последние сообщения
chat-messages = Сообщения
chat-empty = Сообщений пока нет. Поздоровайтесь!
chat-cancel = Отмена
chat-write = Напишите сообщение
chat-send = Отправить
chat-needs-script = Читать можно без JavaScript; чтобы писать и видеть новые сообщения сразу, он нужен.
chat-staff = Редакция
chat-deleted = Сообщение удалено
chat-edit = Изменить
chat-delete = Удалить
chat-report = Пожаловаться
chat-pin = Закрепить
chat-unpin = Открепить
chat-mute = Заглушить на час
chat-ban = Заблокировать в этом чате
chat-replying = Ответ для
chat-connecting = Подключение…
chat-reconnecting = Связь потеряна; переподключаемся…
chat-confirm-delete = Удалить это сообщение для всех?
chat-confirm-ban = Заблокировать этого читателя в чате?
chat-report-reason = Почему вы жалуетесь? (spam, abuse, off-topic, other)
chat-reported = Спасибо: модераторы посмотрят.
chat-save = Сохранить
chat-react = Реакция
chat-error-login-needed = Войдите или зарегистрируйтесь, чтобы писать в чате.
chat-error-session-expired = Сеанс завершён; войдите снова, чтобы писать.
chat-error-unverified = Подтвердите адрес электронной почты, чтобы писать: перейдите по ссылке из письма.
chat-error-banned = Вам больше нельзя писать в этом чате.
chat-error-banned-until = Вам нельзя писать в этом чате до { $until }.
chat-error-muted-until = Вы не можете писать до { $until }.
chat-error-closed = Этот чат закрыт; его история доступна для чтения.
chat-error-members-only = Этот чат только для участников.
chat-error-empty = Сначала напишите что-нибудь.
chat-error-too-long = Сообщение может быть длиной до { $max } знаков; в этом { $count }.
chat-error-banned-words = В сообщении есть слова, запрещённые на сайте. Оно не отправлено.
chat-error-slow-mode = { $count ->
    [one] Включён медленный режим: писать можно будет через { $count } секунду.
    [few] Включён медленный режим: писать можно будет через { $count } секунды.
   *[other] Включён медленный режим: писать можно будет через { $count } секунд.
}
chat-error-too-many = { $count ->
    [one] Вы пишете слишком быстро. Попробуйте через { $count } секунду.
    [few] Вы пишете слишком быстро. Попробуйте через { $count } секунды.
   *[other] Вы пишете слишком быстро. Попробуйте через { $count } секунд.
}
chat-error-repeated = Вы только что отправили это сообщение.
chat-error-no-message = Этого сообщения больше нет.
chat-error-not-yours = Изменить сообщение может только его автор (или модератор).
chat-error-edit-window = Сообщение можно изменить в течение 15 минут после отправки.
chat-error-own-message = Нельзя пожаловаться на собственное сообщение.
chat-error-already-reported = Вы уже пожаловались на это сообщение.
chat-error-note-too-long = Пояснение к жалобе — не длиннее 500 знаков.
chat-error-not-moderator = Это могут только модераторы.
chat-error-no-user = Нет читателя с таким номером (сотрудников редакции заглушить или заблокировать нельзя).
chat-error-bad-duration = Заглушить можно на срок от минуты до 30 дней; заблокировать — так же или навсегда.
chat-error-bad-frame = Чат не понял запрос ({ $detail }).
chat-error-too-large = Запрос слишком велик (не больше 8 КБ).
chat-error-binary = Чат понимает только текстовые кадры.
chat-error-unavailable = Чат на минуту недоступен. Попробуйте чуть позже.
chat-rooms = Чаты
chat-room = Чат
chat-state = Состояние
chat-open = Открыт
chat-view = Открыть на сайте
chat-new-room = Открыть новый чат
chat-title = Название
chat-slug = Адрес
chat-slug-hint = Последняя часть адреса чата; если оставить пустой, будет составлена из названия.
chat-topic = Тема
chat-story = Материал
chat-story-hint = Материал, которому посвящён чат: его номер в редакции или адрес на сайте. Оставьте пустым, если такого нет.
chat-retention = Хранить сообщения (дней)
chat-retention-hint = Более старые сообщения удаляются; 0 — хранить всегда.
chat-slow = Медленный режим (секунд)
chat-slow-hint = Сколько читатель ждёт между двумя сообщениями; 0 выключает медленный режим.
chat-close = Закрыт (история доступна, писать нельзя)
chat-create = Открыть чат
chat-reports = Жалобы на сообщения
chat-no-reports = Жалоб нет.
chat-reported-by = Пожаловался
chat-dismiss = Оставить сообщение
chat-sanctions = Действующие ограничения
chat-no-sanctions = Ограничений нет.
chat-sanction = Ограничение
chat-sanction-mute = Заглушён
chat-sanction-ban = Заблокирован
chat-everywhere = Все чаты
chat-members = Участники
chat-members-hint = Чат «только для участников» читают и пишут только его участники (и редакторы).
chat-remove-member = Убрать
chat-add-member = Добавить участника по адресу электронной почты
chat-add = Добавить
chat-done-created = Чат открыт.
chat-done-saved = Сохранено.
chat-done-deleted = Сообщение удалено.
chat-done-dismissed = Жалоба отклонена; сообщение остаётся.
chat-done-lifted = Снято.
chat-about-story = Читатели обсуждают этот материал в чате:

## The newsroom's own door and a fresh site's first steps
newsroom-log-in = Вход в редакцию
newsroom-login-hint = Для сотрудников редакции. Читатели входят на самом сайте.
newsroom-not-staff = У этой учётной записи нет доступа в редакцию.
two-factor-required = Для вашей роли обязательна двухфакторная аутентификация: включите её, чтобы продолжить.
setup-title = Настройка сайта
setup-edition = Добавьте первый выпуск: его язык и адрес, например /ru/
setup-section = Создайте хотя бы один раздел в каждом выпуске
setup-story = Напишите и опубликуйте первый материал
setup-ask-admin = Прежде чем писать материалы, администратор должен добавить выпуск и его разделы.
welcome-title = Dateline работает
welcome-text = У сайта ещё нет ни одного выпуска. Тот, кто его запускает, сначала делает три шага:
welcome-admin = Создайте администратора на сервере:
welcome-edition = Войдите в редакцию и добавьте первый выпуск в разделе «Выпуски» или на сервере:
welcome-section = Создайте в нём раздел в пункте «Разделы» и напишите первый материал.
welcome-home = Главная

## Saving over someone else's save; addresses; the original time of publication
yes = Да
no = Нет
merge-title = Материал изменили, пока вы его редактировали
merge-saved-by = { $name } сохранил(а) его { $time }.
merge-text = Ничего из набранного вами не потеряно. Где поле изменил только один из вас, его изменение уже выбрано; выберите остальное и сохраните снова.
merge-conflicts = { $count ->
    [one] { $count } поле изменили вы оба: выберите, какую версию оставить.
    [few] { $count } поля изменили вы оба: выберите, какие версии оставить.
   *[many] { $count } полей изменили вы оба: выберите, какие версии оставить.
}
merge-yours = Ваша версия
merge-theirs = Сохранённая версия
merge-save = Сохранить выбранное
merge-discard = Отказаться от своей версии и открыть сохранённую
slug-suffixed = Адрес «{ $wanted }» уже занят другим материалом этого выпуска, поэтому этот получил «{ $given }».
published-at = Исходное время публикации (UTC)
published-at-hint = Оставьте пустым, чтобы использовать момент публикации; укажите для архивного или полученного от партнёров материала. Изменения записываются в журнал.
error-published-at = Укажите дату и время в виде ГГГГ-ММ-ДД ЧЧ:ММ (UTC).
error-published-at-role = Время публикации могут задавать только редакторы и администраторы.
error-published-at-future = Время публикации не может быть в будущем: запланируйте публикацию.
media-read-only = Этот снимок используется в опубликованных материалах, которые вы не можете редактировать, и изменение его описания изменило бы и их: это может сделать редактор этих материалов.
photo-credit-prefix = Фото:
related-stories = По теме
latest-stories = Последние материалы
two-factor-required-for = Обязательна для
two-factor-required-hint = Сотрудники отмеченных ролей должны включить двухфакторную аутентификацию, прежде чем работать в редакции. Сбросьте её тому, кто потерял приложение-аутентификатор: он настроит её заново при следующем входе.
two-factor-reset = Сбросить
done-two-factor-policy = Требование двухфакторной аутентификации сохранено.
done-two-factor-reset = Двухфакторная аутентификация сброшена: сеансы учётной записи завершены, при следующем входе её нужно будет настроить заново.
