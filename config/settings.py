"""Commonshare settings: one file, read from the environment (see .env.example).

Junk values stop start-up with a message naming the variable, rather than being half-understood.
"""

import os
import sys
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of true/false/1/0/yes/no, not {raw!r}.")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


DEBUG = env_bool("DEBUG", default=True)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY is required when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# Public address used in emails and calendar feeds (no trailing slash), e.g. https://book.example.org
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"SITE_URL must start with http:// or https://, not {SITE_URL!r}.")
# How long a member offered a freed slot from a waiting list has to claim it (never past the
# slot's start; bookings.waitlists), in minutes.
WAITLIST_OFFER_MINUTES = env_int("WAITLIST_OFFER_MINUTES", 120)
if WAITLIST_OFFER_MINUTES < 1:
    raise ImproperlyConfigured("WAITLIST_OFFER_MINUTES must be at least 1.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "django_tables2",
    "django_tasks_db",
    "schedule",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "members",
    "spaces",
    "memberships",
    "bookings",
    "feeds",
    "stats",
    "demo",
    "operations",
    "webhooks",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "members.middleware.AuditSourceMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Our templates come first: django-scheduler ships a demo base.html that would shadow ours.
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "spaces.context_processors.navigation",
                "django.template.context_processors.csp",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# Database: SQLite file by default; DATABASE_URL (postgres://...) in production.
# An empty DATABASE_URL means the default, not a broken URL.
DATABASE_URL = env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
except Exception as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a database URL I understand: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE: a writer takes the write lock when its transaction starts, so concurrent
    # bookings queue instead of failing with "database is locked" halfway through.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point at SQLite or PostgreSQL.")
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The bookings' covering indexes (INCLUDE columns) matter on PostgreSQL; SQLite builds them
# without the extra columns, which is all a development database needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]
AUTH_USER_MODEL = "members.Member"

# Django's and allauth's, reading the member with the menu's "manages a venue?" in one query.
AUTHENTICATION_BACKENDS = [
    "members.backends.MemberBackend",
    "members.backends.AllauthMemberBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Caches: allauth's login and sign-up rate limits live here, so every worker of every app server
# must share one cache: Redis when REDIS_URL is set, else a table in the database (created by
# `migrate`, see members/apps.py). Never each process's own memory: `check` warns about that.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "commonshare_cache",
        }
    }

# allauth 65: email is the login; no usernames.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
if ACCOUNT_EMAIL_VERIFICATION not in {"mandatory", "optional", "none"}:
    raise ImproperlyConfigured("ACCOUNT_EMAIL_VERIFICATION must be mandatory, optional or none.")
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Commonshare] "
# allauth's own emails are written in the request and sent by the task queue (members/mail.py).
ACCOUNT_ADAPTER = "members.adapter.AccountAdapter"
# Failed logins are limited per client address (10 a minute) and per account (5 in 5 minutes).
# A stranger guessing can lock an account only for 5 minutes at a time, and the owner is never
# shut out: a password reset by email (limited on its own) still works while it is locked, and
# setting a new password clears the account's count.
COMMONSHARE_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key", "signup": "20/h/ip"}
# False switches allauth's rate limits off (an empty dict would keep its defaults, e.g. one
# confirmation email per address per 3 minutes, which tests signing up twice would trip). A test
# of the limits turns them on with override_settings(ACCOUNT_RATE_LIMITS=COMMONSHARE_RATE_LIMITS).
ACCOUNT_RATE_LIMITS: dict[str, str] | bool = False if TESTING else COMMONSHARE_RATE_LIMITS
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# The public API (api/, docs/api.md): Django REST framework under /api/v1/. A personal token
# first, else the browser's session (with its CSRF check); every error in one JSON shape; lists
# paged; rate limits counted in the shared cache above, per client address and per member.
API_RATE_ANONYMOUS = env_str("API_RATE_ANONYMOUS", "120/min")
API_RATE_MEMBER = env_str("API_RATE_MEMBER", "600/min")
for _name, _rate in (
    ("API_RATE_ANONYMOUS", API_RATE_ANONYMOUS),
    ("API_RATE_MEMBER", API_RATE_MEMBER),
):
    _count, _, _per = _rate.partition("/")
    if not _count.isdigit() or _per[:1] not in {"s", "m", "h", "d"}:
        raise ImproperlyConfigured(f"{_name} must look like 120/min, not {_rate!r}.")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["api.access.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.Anonymous", "api.throttling.PerMember"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pages",
    "DEFAULT_FILTER_BACKENDS": ["rest_framework.filters.OrderingFilter"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "NUM_PROXIES": ALLAUTH_TRUSTED_PROXY_COUNT,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Commonshare API",
    "DESCRIPTION": "Book the shared spaces of a neighbourhood. See docs/api.md.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "ScopeEnum": "api.serializers.account.FEED_TOKEN_SCOPES",
        "CancelScopeEnum": "api.serializers.series.CANCEL_SCOPES",
        "ChangeScopeEnum": "api.serializers.series.CHANGE_SCOPES",
    },
}

LOGIN_REDIRECT_URL = "bookings:mine"
LOGIN_URL = "account_login"

# Email (Django 6.1 MAILERS): printed to the console by default; EMAIL_SMTP_HOST switches to SMTP.
EMAIL_SMTP_HOST = env_str("EMAIL_SMTP_HOST")
if EMAIL_SMTP_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_SMTP_HOST,
                "port": env_int("EMAIL_SMTP_PORT", 587),
                "username": env_str("EMAIL_SMTP_USER"),
                "password": env_str("EMAIL_SMTP_PASSWORD"),
                "use_tls": env_bool("EMAIL_SMTP_TLS", True),
                "timeout": 20,
            },
        }
    }
else:
    # 8-bit text, long lines unbroken: the links in a printed email can be clicked as they are.
    MAILERS = {"default": {"BACKEND": "config.mail.ConsoleEmailBackend"}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Commonshare <bookings@commonshare.localhost>")

# Background tasks (django.tasks): every email is sent by a task, enqueued after the booking's
# transaction commits. TASKS_BACKEND=database keeps them in a table (django-tasks-db) for
# `manage.py db_worker` to run and retry; the default, immediate, runs each task at once in the
# process that enqueued it, so `make run` needs no worker (see README "Mail and periodic jobs").
TASKS_BACKEND = env_str("TASKS_BACKEND", "immediate").lower()
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
else:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be immediate or database, not {TASKS_BACKEND!r}."
    )

# Webhooks go to public https addresses only (feeds/outbound.py). True lets them go to 127.0.0.1
# over plain http: for the test receiver alone, never read from the environment, and refused by
# `check --deploy` (webhooks/checks.py), since it would let a manager reach this machine's own
# services.
WEBHOOKS_ALLOW_LOOPBACK_HTTP = False

LANGUAGE_CODE = "en-gb"
# Only the languages Commonshare ships (locale/): a browser asking for another gets British
# English throughout, labelled as such, never English pages with Django's own words in Urdu.
LANGUAGES = [("en-gb", "English")]
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
if TIME_ZONE not in zoneinfo.available_timezones():
    raise ImproperlyConfigured(
        f"TIME_ZONE must be an IANA zone such as Europe/London, not {TIME_ZONE!r}."
    )
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = BASE_DIR / "media"
MEDIA_URL = "media/"

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"

# Behind a proxy that terminates TLS (see README "Deployment").
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
    SECURE_CONTENT_TYPE_NOSNIFF = True
# HTTPS: set once the site is served over TLS (README "Deployment"); HSTS is hard to undo.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Data protection: bookings that ended this many days ago lose their free text (titles,
# purposes, reasons) when `manage.py anonymise_old_bookings` runs. Default: two years.
RETENTION_DAYS = env_int("RETENTION_DAYS", 730)
# Content Security Policy (Django's own), the same in development, tests and production so that
# a page breaking it shows up early: everything from this origin, inline <script>/<style> only
# with the request's nonce, no style="" attributes, no plugins, no framing, forms post here only.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_feed_tokens": {"()": "feeds.logging.RedactFeedTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_feed_tokens"]}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request lines carry feed tokens in their paths: keep them out of INFO logs.
        "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    # Tests run each task at once, in the process, so they can read mail.outbox.
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
