"""Settings shared by every environment. Values come from the environment (django-environ)."""

from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

SECRET_KEY = env("SECRET_KEY", default="")
DEBUG = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_celery_beat",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Project apps: the foundation first, then the domain.
    "core",
    "accounts",
    "areas",
    "units",
    "deputies",
    "groups",
    "petitions",
    "notifications",
    "dashboards",
    "ledger",
    "activities",
    "assessments",
    "holidays",
    "suggestions",
    "residents",
    "projects",
    "points",
    "publicity",
    "liaison",
    "audit",
    "jobs",
    "api",
    "open311",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.StripNulQueryMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.NavBadgeMiddleware",
    # request.user.is_verified() for every middleware below (sessions, 2FA enforcement).
    "django_otp.middleware.OTPMiddleware",
    "audit.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "accounts.middleware.SessionLimitsMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "accounts.middleware.TwoFactorRequiredMiddleware",
    # Last, as django-axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "xiangshan.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
                "core.context_processors.care_mode",
                "accounts.context_processors.session_limits",
            ],
        },
    },
]

WSGI_APPLICATION = "xiangshan.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/xiangshan")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# PostgreSQL's JIT compiles a plan whose estimated cost passes jit_above_cost; on the report and badge
# aggregates that compilation took longer (~250 ms) than the query itself (bench/RESULTS.md). Off for
# this application's connections; PG_CONNECTION_OPTIONS="" leaves it to the server.
if env.str("PG_CONNECTION_OPTIONS", default="-c jit=off"):
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", env.str("PG_CONNECTION_OPTIONS",
                                                                                 default="-c jit=off"))
# Security headers on every response (SecurityMiddleware, XFrameOptionsMiddleware and django-csp's
# CSPMiddleware), set here rather than left to Django's defaults.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A strict Content-Security-Policy on every page (django-csp): scripts and styles only from our own
# static files, so no template may carry an inline <script>, <style>, style="..." or on*= handler
# (tests/core/test_csp.py scans the pages). Styles set from script through the CSSOM (Bootstrap,
# ECharts) are not governed by style-src. A response that sets its own policy keeps it (attachments).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Services own their transactions (STYLE.md): no ATOMIC_REQUESTS.
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "accounts.validators.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "accounts.validators.NoReuseValidator", "OPTIONS": {"history": 5}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions (issue 17): signed out after SESSION_IDLE_MINUTES without a request (accounts.middleware.
# SessionLimitsMiddleware; the page warns SESSION_WARNING_SECONDS before), and after SESSION_ABSOLUTE_HOURS
# from sign-in whatever the activity.
SESSION_IDLE_MINUTES = env.float("SESSION_IDLE_MINUTES", default=30)
SESSION_WARNING_SECONDS = env.int("SESSION_WARNING_SECONDS", default=60)
SESSION_ABSOLUTE_HOURS = env.float("SESSION_ABSOLUTE_HOURS", default=12)
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_HOURS * 3600)

# Two-factor sign-in (issue 17, accounts/twofactor.py): TOTP through django-otp, 10 recovery codes. Users
# of these roles without a confirmed authenticator are sent to enrolment after sign-in; everyone else may
# opt in. Production settings enforce it for staff (district/area staff, units, leaders, admins).
OTP_REQUIRED_ROLES = env.list("OTP_REQUIRED_ROLES", default=[])
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", default="相山区人大")
# Seconds between the password step and the code step before the password must be entered again.
OTP_PENDING_SECONDS = env.int("OTP_PENDING_SECONDS", default=120)

# django-axes: lock an account (not the whole office's NAT address) after 5 failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Locking by username is the point (an account, not a whole office behind one NAT address).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Security audit log (audit/): events are kept at least this many days (等保 2.0 asks for 180); the
# nightly job purge_security_events removes only older rows, the database trigger refuses the rest.
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=180)
# Roles that may see ID numbers and phones in full — on request (显示, logged) and in exports when the
# exporter ticks 导出完整证件号码和电话 (audit.privacy.may_see_full_personal_data).
PERSONAL_DATA_FULL_ROLES = env.list("PERSONAL_DATA_FULL_ROLES", default=["admin", "district_staff"])
# Residents' personal data (issue 13, no model yet): kept this many days after its report is concluded.
RESIDENT_DATA_RETENTION_DAYS = env.int("RESIDENT_DATA_RETENTION_DAYS", default=3 * 365)
# Resident reports (residents/): the SMS gateway's base URL (empty: codes go to the log), and the
# working days a deputy has to accept (受理) a report before it is overdue.
RESIDENT_SMS_BASE_URL = env("RESIDENT_SMS_BASE_URL", default="")
RESIDENT_ACCEPT_WORKDAYS = env.int("RESIDENT_ACCEPT_WORKDAYS", default=2)
# Open311 (open311/): our jurisdiction_id, and the 联络站码 token of the station that receives a partner's
# report naming no station (empty: such a report is refused with a message).
OPEN311_JURISDICTION_ID = env("OPEN311_JURISDICTION_ID", default="xiangshan")
OPEN311_DEFAULT_STATION = env("OPEN311_DEFAULT_STATION", default="")
# Calendar days a resident has to rate an answer (or a converted item's conclusion); then the nightly job
# residents.close_unrated closes the report as 未评价 (not counted as satisfied).
RESIDENT_RATING_DAYS = env.int("RESIDENT_RATING_DAYS", default=15)
# Points (履职积分): a deputy may ask for a correction within this many working days of publication.
POINTS_CORRECTION_WORKDAYS = env.int("POINTS_CORRECTION_WORKDAYS", default=10)

# One language for every user, whatever the browser asks for (no LocaleMiddleware); the English
# catalogue can follow through the same gettext machinery.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# Front-end packages installed by npm from package-lock.json, served by whitenoise.
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded attachments live outside the web root and are served only through views that check scope.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "/media-not-served/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=20 * 1024 * 1024)
# Every .xlsx import opens its file through core/xlsx.py: zip-bomb caps checked before reading, rows
# read one at a time up to a limit.
XLSX_MAX_UNCOMPRESSED_BYTES = env.int("XLSX_MAX_UNCOMPRESSED_BYTES", default=50 * 1024 * 1024)
XLSX_MAX_COMPRESSION_RATIO = env.int("XLSX_MAX_COMPRESSION_RATIO", default=200)
XLSX_MAX_ROWS = env.int("XLSX_MAX_ROWS", default=100_000)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_TAGS = {40: "danger"}

REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A worker killed mid-task must not lose the task: acknowledge only after it ran.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 3}
# A crontab job whose time passed this many seconds ago with no run is run now (the broker was down when
# beat tried to send it; notifications/periodic.py).
SCHEDULE_CATCH_UP_GRACE = env.int("SCHEDULE_CATCH_UP_GRACE", default=120)
# Background jobs (jobs/, issue 16/17): exports above JOB_EXPORT_ROWS rows and ledger imports above
# JOB_IMPORT_ROWS rows run in the worker with a progress page; their files are kept JOB_KEEP_HOURS.
JOB_EXPORT_ROWS = env.int("JOB_EXPORT_ROWS", default=20_000)
JOB_IMPORT_ROWS = env.int("JOB_IMPORT_ROWS", default=5_000)
# A ledger upload larger than this is checked (试运行) in the worker too: 100,000 rows take about 50 s,
# near the web worker's timeout. By size, since the rows are known only once read: 10,000 rows of short
# repeated text make 0.5 MB, ledgers with long distinct contents fewer rows per MB.
JOB_DRY_RUN_BYTES = env.int("JOB_DRY_RUN_BYTES", default=1024 * 1024)
JOB_KEEP_HOURS = env.int("JOB_KEEP_HOURS", default=24)

EMAIL_CONFIG = env.email("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="xiangshan@localhost")
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=15)

# Notifications (notifications/): one sender class per channel, console/log unless configured.
NOTIFY_EMAIL_BACKEND = env("NOTIFY_EMAIL_BACKEND", default="notifications.senders.EmailSender")
NOTIFY_SMS_BACKEND = env("NOTIFY_SMS_BACKEND", default="notifications.senders.ConsoleSender")
NOTIFY_WECOM_BACKEND = env("NOTIFY_WECOM_BACKEND", default="notifications.senders.ConsoleSender")
NOTIFY_DINGTALK_BACKEND = env("NOTIFY_DINGTALK_BACKEND", default="notifications.senders.ConsoleSender")
NOTIFY_WECOM_WEBHOOK_URL = env("NOTIFY_WECOM_WEBHOOK_URL", default="")
NOTIFY_DINGTALK_WEBHOOK_URL = env("NOTIFY_DINGTALK_WEBHOOK_URL", default="")
# Channels of a person who has not chosen any (in-app is always on).
NOTIFY_DEFAULT_CHANNELS = env.list("NOTIFY_DEFAULT_CHANNELS", default=["sms", "email"])
NOTIFY_MAX_ATTEMPTS = env.int("NOTIFY_MAX_ATTEMPTS", default=6)
NOTIFY_RETRY_BASE_SECONDS = env.int("NOTIFY_RETRY_BASE_SECONDS", default=60)
NOTIFY_CLAIM_SECONDS = env.int("NOTIFY_CLAIM_SECONDS", default=120)
# An item overdue for more than this many working days is escalated to the leaders.
NOTIFY_ESCALATE_AFTER_WORKDAYS = env.int("NOTIFY_ESCALATE_AFTER_WORKDAYS", default=5)
# Absolute links in SMS and e-mail, e.g. https://rd.xiangshan.gov.cn
SITE_URL = env("SITE_URL", default="")

# Shown in the page title and header; a district sets its own.
SITE_NAME = env("SITE_NAME", default="相山区人大代表履职服务平台")
DEMO_ACCOUNTS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# The JSON API v1 (api/, issue 14): Django REST framework, the OpenAPI schema by drf-spectacular, the
# Swagger UI from drf-spectacular-sidecar's local files. JSON only: the browsable API's inline scripts
# would break the CSP. Rate limits count in Redis (the "api" cache); the default cache stays local memory.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "api": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
            "KEY_PREFIX": "xs-api", "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}},
    "nav": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
            "KEY_PREFIX": "xs-nav", "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}},
}
# The navigation badges' counts are kept this long (seconds; 0: count on every page). Others' changes
# show within it; the user's own at once (core.nav).
NAV_BADGE_CACHE = "nav"
NAV_BADGE_CACHE_SECONDS = env.int("NAV_BADGE_CACHE_SECONDS", default=30)
# The dashboards' figures of a period and scope are kept this long (seconds; 0: counted on every request),
# and dropped at once by any change to what they count (dashboards/cache.py).
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=120)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.DeviceTokenAuthentication",
                                       "rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttles.UserThrottle", "api.throttles.IPThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser", "rest_framework.parsers.MultiPartParser",
                               "rest_framework.parsers.FormParser"],
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "相山区人大代表履职服务平台 API",
    "DESCRIPTION": "小程序与其他系统接入的 JSON 接口(v1)。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
# Device tokens (api.models.Device): access token lifetime and idle timeout, refresh token lifetime.
API_ACCESS_TOKEN_MINUTES = env.int("API_ACCESS_TOKEN_MINUTES", default=120)
API_TOKEN_IDLE_MINUTES = env.int("API_TOKEN_IDLE_MINUTES", default=30)
API_REFRESH_TOKEN_DAYS = env.int("API_REFRESH_TOKEN_DAYS", default=30)
# Rate limits (DRF throttles): per account, per client address, and for password sign-in per address.
API_THROTTLE_RATES = {
    "user": env("API_THROTTLE_USER", default="240/min"),
    "ip": env("API_THROTTLE_IP", default="600/min"),
    "sign_in": env("API_THROTTLE_SIGN_IN", default="20/min"),
}
# Stored answers of POSTs with an Idempotency-Key are kept this long.
API_IDEMPOTENCY_HOURS = env.int("API_IDEMPOTENCY_HOURS", default=24)
# WeChat mini-program sign-in (api/wechat.py): code2Session's base URL (tests point it at a local fake),
# and the mini-program's app id and secret (empty: WeChat sign-in answers that it is not configured).
WECHAT_API_BASE_URL = env("WECHAT_API_BASE_URL", default="https://api.weixin.qq.com")
WECHAT_APP_ID = env("WECHAT_APP_ID", default="")
WECHAT_APP_SECRET = env("WECHAT_APP_SECRET", default="")
