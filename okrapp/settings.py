"""Settings for the OKR & KPI manager, read from the environment.

With no variable set, the embedded default runs: SQLite in ./data, Celery tasks
executed in-process, emails printed on the console. `.env.example` lists every variable.
"""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from okrapp import observability

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


RATE_PERIODS = ("second", "minute", "hour", "day")


def env_rate(name: str, default: str) -> str:
    """A rate such as `5/hour`: a number of requests per second, minute, hour or day (the
    format of Django REST framework's throttles)."""
    raw = env_str(name, default).strip()
    count, _slash, period = raw.partition("/")
    if not count.isascii() or not count.isdigit() or period.strip() not in RATE_PERIODS:
        raise ImproperlyConfigured(
            f"{name} must be a rate such as 5/hour (per second, minute, hour or day), not {raw!r}"
        )
    return raw


DEBUG = env_bool("DEBUG", False)
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "data")))

_INSECURE_DEV_KEY = "django-insecure-embedded-default-only-for-local-use"
SECRET_KEY = env_str("SECRET_KEY") or (_INSECURE_DEV_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# Secrets that were written down somewhere (an old compose fallback, .env.example): anyone may
# know them, so they sign sessions and password resets for anyone.
KNOWN_PLACEHOLDER_SECRETS = frozenset(
    {
        "change-me",
        "changeme",
        "change-me-in-production-please-0123456789",
        "secret",
        "secret-key",
        _INSECURE_DEV_KEY,
    }
)


def production_refusals(
    *, debug: bool, secret_key: str, allowed_hosts: list[str]
) -> dict[str, str]:
    """Why a server must not start in production with these values, by setting ({} when it
    may).

    Management commands that sign nothing (collectstatic, migrate, makemigrations, check) run
    with any SECRET_KEY; the processes that serve or run tasks refuse: okrapp/wsgi.py (gunicorn,
    runserver) and okrapp/celery.py (worker, beat, which check the secret only).
    """
    if debug:
        return {}
    generate = "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
    refusals = {}
    if secret_key in KNOWN_PLACEHOLDER_SECRETS or secret_key.startswith("django-insecure-"):
        refusals["SECRET_KEY"] = (
            f"SECRET_KEY is a published placeholder, not a secret. Generate one with {generate}"
            " and put it in the environment (or the .env file of docker compose)."
        )
    elif len(secret_key) < 50 or len(set(secret_key)) < 5:
        refusals["SECRET_KEY"] = (
            "SECRET_KEY is too short to be a secret (at least 50 characters, not repetitive)."
            f" Generate one with {generate}."
        )
    if not allowed_hosts:
        refusals["ALLOWED_HOSTS"] = (
            "ALLOWED_HOSTS must name the host names this site answers to"
            " (ALLOWED_HOSTS=okr.example.com)."
        )
    return refusals


PRODUCTION_REFUSALS = production_refusals(
    debug=DEBUG, secret_key=SECRET_KEY, allowed_hosts=ALLOWED_HOSTS
)

INSTALLED_APPS = [
    # The layers, bottom to top (ARCHITECTURE.md); import-linter enforces the direction.
    "okrapp.core",
    "objectives",
    "checkins",
    "kpis",
    "okrapp.dashboard",
    "okrapp.demo",
    "okrapp.bench",
    "okrapp.operations",
    "okrapp.integrations",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_htmx",
    "template_partials",
    "csp",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_structlog",
    # Single sign-on (okrapp/core/sso.py): only socialaccount's OpenID Connect login and
    # callback are routed; allauth's account pages are never served.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
]

MIDDLEWARE = [
    # /healthz, /readyz and /metrics answer first: a load balancer or Prometheus probes by IP
    # over plain HTTP, which the host check and the HTTPS redirect below would refuse.
    "okrapp.operations.middleware.OperationsEndpointsMiddleware",
    "okrapp.operations.middleware.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "okrapp.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "okrapp.core.middleware.LoginRequiredMiddleware",
    "okrapp.core.middleware.SecurityHeadersMiddleware",
    # Last, as django-axes asks: it turns a refused sign-in into the lock-out answer.
    "axes.middleware.AxesMiddleware",
]
# `make bench` counts each answer's SQL queries over HTTP (okrapp/bench/middleware.py).
if env_bool("BENCH_QUERY_HEADER", False):
    MIDDLEWARE.insert(0, "okrapp.bench.middleware.QueryCountHeaderMiddleware")

ROOT_URLCONF = "okrapp.urls"
WSGI_APPLICATION = "okrapp.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "okrapp.core.context_processors.shell",
            ],
        },
    }
]


def database(url: str) -> dict:
    config = dj_database_url.parse(
        url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    if config["ENGINE"] == "django.db.backends.postgresql":
        # A database that does not answer fails a request (and /readyz) in seconds, not minutes.
        config.setdefault("OPTIONS", {})
        config["OPTIONS"].setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        config["OPTIONS"] = {"timeout": 20}
        config["CONN_MAX_AGE"] = 0
    return config


DATABASES = {
    "default": database(env_str("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'okr.sqlite3'}")
}
# An optional read replica of that database (streaming replication): the dashboard's read-only
# pages read from it, a few seconds behind; everything else uses the primary
# (okrapp/core/db_routers.py).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = database(DATABASE_REPLICA_URL)
    # Tests never create a database on the replica (it is read-only): it mirrors default's.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["okrapp.core.db_routers.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "okrapp.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# django-axes watches every sign-in (the sign-in page and the admin's) before the password is
# checked; a locked-out account or address is refused even with the right password.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: French first, the user's stored preference wins (see middleware).
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Europe/Paris")

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if env_bool("STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# `make run` serves with DEBUG off (the product's own 404 and 500 pages) and static files
# straight from static/, without collectstatic.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)

# Email: console in the embedded default, SMTP when EMAIL_HOST is set.
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
# Where django.core.mail.backends.filebased.EmailBackend writes (make bench-stack counts them).
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH") or None
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "OKR <okr@localhost>")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Security: safe by default in production (DEBUG off).
SECURE_HTTPS = env_bool("SECURE_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE_HTTPS)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Browser features the product never uses, refused to every page (and to anything it embeds).
PERMISSIONS_POLICY = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "picture-in-picture",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# The client's IP address, for the sign-in lock-out and the rate limits: the connection's
# address, or, behind PROXY_COUNT reverse proxies that append to X-Forwarded-For, the one the
# outermost proxy saw (okrapp/core/throttling.py: client_ip).
PROXY_COUNT = env_int("PROXY_COUNT", 0)

# Sign-in lock-out (django-axes): SIGNIN_FAILURE_LIMIT failed sign-ins for one account (from
# any address), or from one IP address (on any accounts), lock that account or address out
# for SIGNIN_LOCKOUT_MINUTES; each attempt during the lock-out starts it again. An admin
# lifts it in the admin site (Access attempts: delete the rows).
AXES_FAILURE_LIMIT = env_int("SIGNIN_FAILURE_LIMIT", 5)
_lockout_minutes = env_int("SIGNIN_LOCKOUT_MINUTES", 15)
if AXES_FAILURE_LIMIT < 1 or _lockout_minutes < 1:
    raise ImproperlyConfigured("SIGNIN_FAILURE_LIMIT and SIGNIN_LOCKOUT_MINUTES must be 1 or more.")
AXES_COOLOFF_TIME = timedelta(minutes=_lockout_minutes)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The sign-in form's field is `username`, holding the email (USERNAME_FIELD): axes must read
# that field, not `email`, or it would count every failure for no account at all.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "okrapp.core.throttling.signin_email"
AXES_CLIENT_IP_CALLABLE = "okrapp.core.throttling.client_ip"
AXES_LOCKOUT_CALLABLE = "okrapp.core.views.signin_locked_out"
AXES_HTTP_RESPONSE_CODE = 429
# Never reset the count on a successful sign-in: from one address, signing in to one's own
# account between guesses would erase the failures on someone else's.
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False  # no banner on every management command

# Single sign-on with OpenID Connect (Entra ID, Google Workspace, Keycloak, Okta…), configured
# from the environment only (no SocialApp rows). With OIDC_ISSUER_URL set, the sign-in page
# shows a button; the provider's redirect URI is SITE_URL + /accounts/oidc/company/login/callback/.
OIDC_ISSUER_URL = env_str("OIDC_ISSUER_URL").strip().rstrip("/")
OIDC_CLIENT_ID = env_str("OIDC_CLIENT_ID").strip()
OIDC_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET").strip()
# The button's words; empty: "Sign in with your company account", translated.
OIDC_BUTTON_LABEL = env_str("OIDC_BUTTON_LABEL").strip()
# A first sign-in whose verified email matches nobody creates the person (in their language
# when the provider says it) in OIDC_DEFAULT_TEAM (a team's name, or its id) when this is on;
# otherwise it is refused.
OIDC_CREATE_PEOPLE = env_bool("OIDC_CREATE_PEOPLE", False)
OIDC_DEFAULT_TEAM = env_str("OIDC_DEFAULT_TEAM").strip()
# Off: the sign-in page shows only the single sign-on button, and signing in or resetting a
# password with a password is refused (API tokens still work). Needs single sign-on.
PASSWORD_SIGNIN = env_bool("PASSWORD_SIGNIN", True)
OIDC_PROVIDER_ID = "company"
if OIDC_ISSUER_URL and not (OIDC_CLIENT_ID and OIDC_CLIENT_SECRET):
    raise ImproperlyConfigured("OIDC_ISSUER_URL needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET.")
if not PASSWORD_SIGNIN and not OIDC_ISSUER_URL:
    raise ImproperlyConfigured(
        "PASSWORD_SIGNIN=false needs single sign-on (OIDC_ISSUER_URL), or nobody could sign in."
    )
if OIDC_CREATE_PEOPLE and not OIDC_DEFAULT_TEAM:
    raise ImproperlyConfigured("OIDC_CREATE_PEOPLE=true needs OIDC_DEFAULT_TEAM.")


def oidc_providers(*, issuer_url: str, client_id: str, secret: str, label: str) -> dict:
    """django-allauth's provider settings for one OpenID Connect app (none without an issuer)."""
    apps = []
    if issuer_url:
        apps.append(
            {
                "provider_id": OIDC_PROVIDER_ID,
                "name": label or "OpenID Connect",
                "client_id": client_id,
                "secret": secret,
                "settings": {"server_url": issuer_url, "fetch_userinfo": True},
            }
        )
    return {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": apps}}


SOCIALACCOUNT_PROVIDERS = oidc_providers(
    issuer_url=OIDC_ISSUER_URL,
    client_id=OIDC_CLIENT_ID,
    secret=OIDC_CLIENT_SECRET,
    label=OIDC_BUTTON_LABEL,
)
SOCIALACCOUNT_ADAPTER = "okrapp.core.sso.SocialAccountAdapter"
# The adapter matches people itself, by verified email only, and never shows allauth's pages.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_EMAIL_NOTIFICATIONS = False

# Rate limits, counted in the cache below (okrapp/core/throttling.py and the API's throttles).
PASSWORD_RESET_RATE_PER_EMAIL = env_rate("PASSWORD_RESET_RATE_PER_EMAIL", "3/hour")
PASSWORD_RESET_RATE_PER_IP = env_rate("PASSWORD_RESET_RATE_PER_IP", "10/hour")
TOKEN_CREATE_RATE = env_rate("TOKEN_CREATE_RATE", "10/hour")
API_ANON_RATE = env_rate("API_ANON_RATE", "60/minute")
API_USER_RATE = env_rate("API_USER_RATE", "1200/minute")

# Invitations: how long an emailed link to choose one's password stays valid.
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
if INVITATION_DAYS < 1:
    raise ImproperlyConfigured("INVITATION_DAYS must be 1 or more.")
# The admin site lists Celery beat's tables (schedules, crontabs…) only when this is on: the
# product declares its schedules in okrapp/celery.py, so editing them there is a trap.
ADMIN_SHOW_BEAT_TABLES = env_bool("ADMIN_SHOW_BEAT_TABLES", False)

REDIS_URL = env_str("REDIS_URL")

# The cache holds the rate limits' counters, so every process must share it: Redis when
# REDIS_URL is set, else a table in the database (`migrate` creates it). Never clear it in
# production: with Redis it shares the database of Celery's queues.
# How long a value cached by okrapp.core.freshness may live (every write already leaves it
# behind; this bounds what a lagging read replica could leave): 0 turns that cache off.
FRESHNESS_CACHE_SECONDS = env_int("FRESHNESS_CACHE_SECONDS", 60)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "okr_cache"}
}

# Celery: Redis when REDIS_URL is set; otherwise tasks run in-process.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A task that runs longer than this is killed (the soft limit lets it clean up first).
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 540)
# Acknowledge a message when its task has finished, not when it starts: a worker killed
# mid-task leaves it unacknowledged, and the broker hands it to another worker. Every task is
# safe to run twice (each claims its work first), which is what makes this safe.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis redelivers an unacknowledged message after the visibility timeout. It must exceed the
# longest a task may run (the hard time limit above) and any retry countdown, or a task still
# running would be delivered twice; short enough that a killed worker's work resumes within
# minutes rather than Redis's default hour.
CELERY_VISIBILITY_TIMEOUT = env_int("CELERY_VISIBILITY_TIMEOUT", 1200)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_VISIBILITY_TIMEOUT}
# Publishing gives up quickly when the broker is down: the caller records the work first
# (okrapp.core.jobs) and the sweep resends it, so a web request never waits on Redis.
CELERY_BROKER_CONNECTION_TIMEOUT = env_int("CELERY_BROKER_CONNECTION_TIMEOUT", 2)
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
# A reminder claimed ("sending") for longer than this belongs to a worker that died mid-email.
REMINDER_SENDING_TIMEOUT = env_int("REMINDER_SENDING_TIMEOUT", 900)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CHECKIN_REMINDER_DAY = env_str("CHECKIN_REMINDER_DAY", "monday")
CHECKIN_REMINDER_HOUR = env_int("CHECKIN_REMINDER_HOUR", 9)
ROLLUP_HOUR = env_int("ROLLUP_HOUR", 2)
DIGEST_HOUR = env_int("DIGEST_HOUR", 7)
# The weekly digest of leads and executives: Mondays at this hour and a half, after the
# reminders (CHECKIN_REMINDER_HOUR on a Monday by default).
WEEKLY_DIGEST_HOUR = env_int("WEEKLY_DIGEST_HOUR", 9)
# Servers this app posts to (webhooks, chat channels, connectors) may not be on its own network
# (loopback, private, link-local, metadata addresses) unless this is on: tests, on-premise.
OUTBOUND_ALLOW_PRIVATE = env_bool("OUTBOUND_ALLOW_PRIVATE", False)
# The quarter moves on by itself (objectives.tasks.advance_cycles, daily at this hour): a
# grading cycle closes this many days after grading opened, and check-ins stay open for the
# first LATE_CHECKIN_DAYS days of grading (0: none).
CYCLE_ADVANCE_HOUR = env_int("CYCLE_ADVANCE_HOUR", 1)
GRADING_PERIOD_DAYS = env_int("GRADING_PERIOD_DAYS", 14)
LATE_CHECKIN_DAYS = env_int("LATE_CHECKIN_DAYS", 0)

# KPI connectors (kpis.connectors). Their secrets are encrypted with KPI_SECRETS_KEY (one or
# more Fernet keys, comma-separated, the newest first, so that a key can be rotated); without
# it, DEBUG derives a key from SECRET_KEY and production refuses to store a secret.
KPI_SECRETS_KEY = env_list("KPI_SECRETS_KEY", "")
# Chat channels' Apprise URLs and webhooks' signing secrets (okrapp.integrations), encrypted
# the same way with their own keys: one or more Fernet keys, comma-separated, newest first.
INTEGRATIONS_SECRETS_KEY = env_list("INTEGRATIONS_SECRETS_KEY", "")
# Connectors may not reach loopback, private or link-local addresses (the server's own
# network) unless this is on: an on-premise install whose sources sit on the local network.
KPI_CONNECTORS_ALLOW_PRIVATE_NETWORKS = env_bool("KPI_CONNECTORS_ALLOW_PRIVATE_NETWORKS", False)
KPI_CONNECTOR_TIMEOUT = env_int("KPI_CONNECTOR_TIMEOUT", 10)  # seconds, connect and read
KPI_CONNECTOR_MAX_BYTES = env_int("KPI_CONNECTOR_MAX_BYTES", 2_000_000)
# Where the demo's connected KPI finds this server's fake analytics endpoint (`make run`).
DEMO_BASE_URL = env_str("DEMO_BASE_URL", "http://127.0.0.1:8000")
# The demo's fake analytics endpoint (okrapp/demo/views.py): on in DEBUG and under `make run`,
# never in a real deployment unless asked.
DEMO_ENDPOINT = env_bool("DEMO_ENDPOINT", DEBUG)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "okrapp.api.auth.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": False,
    # Per IP address without a valid token, per person with one; rates above, read on each
    # request (okrapp/api/throttles.py).
    "DEFAULT_THROTTLE_CLASSES": [
        "okrapp.api.throttles.AnonymousThrottle",
        "okrapp.api.throttles.PersonThrottle",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OKR & KPI API",
    # README "API changes" says what each version changed.
    "VERSION": "1.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two fields are called `kind`; each gets its own enum name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "ObjectiveKindEnum": "objectives.models.Objective.Kind",
        "KeyResultKindEnum": "objectives.models.KeyResult.Kind",
        "CarryOverDecisionEnum": "objectives.models.CarryOver.Decision",
        "CarryOverRequestDecisionEnum": [("keep", "Keep"), ("abandon", "Abandon")],
        "WebhookEventEnum": "okrapp.integrations.models.WebhookEvent",
    },
}

# Operations (okrapp/operations, README "Operations"): logs, errors, metrics, backups.
LOG_FORMAT = env_str("LOG_FORMAT", "console" if DEBUG else "json")
if LOG_FORMAT not in {"json", "console"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be json or console, not {LOG_FORMAT!r}")
observability.configure_structlog()
LOGGING = observability.logging_config(
    json_lines=LOG_FORMAT == "json", level=env_str("LOG_LEVEL", "INFO")
)
DJANGO_STRUCTLOG_CELERY_ENABLED = True
# One line per request (request_finished); the client's address is personal data, left out.
DJANGO_STRUCTLOG_STATUS_START_LOG_LEVEL = logging.DEBUG
DJANGO_STRUCTLOG_IP_LOGGING_ENABLED = False

SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    observability.sentry_init(
        dsn=SENTRY_DSN,
        environment=env_str("SENTRY_ENVIRONMENT"),
        traces_sample_rate=env_float("SENTRY_TRACES_SAMPLE_RATE", 0.0),
    )

# /metrics (Prometheus text format) answers only with `Authorization: Bearer <METRICS_TOKEN>`;
# without a token set it does not exist (404).
METRICS_TOKEN = env_str("METRICS_TOKEN")
# `manage.py backup` writes here (make backup; the compose file mounts ./backups).
BACKUP_DIR = Path(env_str("BACKUP_DIR", str(DATA_DIR / "backups")))
