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
discussion = Обсуждение
comments-count = { $count ->
    [0] Комментариев пока нет
    [one] { $count } комментарий
    [few] { $count } комментария
    [many] { $count } комментариев
   *[other] { $count } комментария
}
discussion-guest = Войдите или зарегистрируйтесь, чтобы участвовать в обсуждении.
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
coming-soon = Скоро
coming-soon-text = Этот раздел сайта ещё создаётся и скоро откроется.
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
