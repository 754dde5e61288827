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
