"""Settings for the invoicing project, read from the environment only (django-environ).

Defaults suit a laptop (SQLite file, eager Celery, console e-mail). With ``DJANGO_DEBUG=false``
the production hardening below switches on and a real ``DJANGO_SECRET_KEY`` is required.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=True)

_DEV_SECRET = "dev-only-insecure-secret-key-do-not-use-in-production-0123456789"
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=_DEV_SECRET if DEBUG else "")
if not DEBUG and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=false")

ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS",
    default=["localhost", "127.0.0.1", "[::1]", "testserver"] if DEBUG else [],
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "djmoney",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "offices",
    "parties",
    "invoices",
    "compat",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "invoicing_project.api.middleware.RequestIdMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Clerk UI: the agent's own language, domain errors as 403/404 pages (not under /api/).
    "invoicing_project.ui_middleware.UiMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "invoicing_project.urls"
WSGI_APPLICATION = "invoicing_project.wsgi.application"

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
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=60))

# --- Invoice search (docs/api.md "Search", docs/deploy.md) -------------------------------------
# totalCount is exact up to this many matches; above it the search answers the cap and the
# header ``Total-Count-Capped: true`` (counting a million matches takes longer than a search may).
INVOICING_SEARCH_COUNT_CAP = env.int("INVOICING_SEARCH_COUNT_CAP", default=10_000)
# PostgreSQL: the planner's cost of a random page read, set per connection (libpq ``options``).
# With the data in memory or on SSD it is about a sequential read's; at the server default 4
# the planner reads whole tables instead of following the search indexes. Empty: leave the
# server's (or ALTER DATABASE's) value, e.g. behind PgBouncer in transaction pooling.
DATABASE_RANDOM_PAGE_COST = env.str("DATABASE_RANDOM_PAGE_COST", default="1.1")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and DATABASE_RANDOM_PAGE_COST:
    _pg_options = DATABASES["default"].setdefault("OPTIONS", {})
    _pg_options["options"] = " ".join(
        part
        for part in (
            _pg_options.get("options", ""),
            f"-c random_page_cost={float(DATABASE_RANDOM_PAGE_COST)}",
        )
        if part
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "offices.Agent"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fi", "Suomi")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Helsinki"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# The clerk UI's own CSS and JS (invoicing_project is not an app, so name the folder).
STATICFILES_DIRS = [BASE_DIR / "invoicing_project" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Documents go through Django's storage API: local MEDIA_ROOT by default, an S3-compatible
# bucket (AWS, MinIO, Hetzner, UpCloud ...) through django-storages when S3_BUCKET is set.
S3_BUCKET = env.str("S3_BUCKET", default="")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "location": env.str("S3_PREFIX", default="invoicing"),
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": True,
        },
    }


def _mailer_from_url(url_config: dict) -> dict:
    """django-environ's EMAIL_URL parse -> one Django 6.1 ``MAILERS`` entry."""
    option_names = {
        "EMAIL_HOST": "host",
        "EMAIL_PORT": "port",
        "EMAIL_HOST_USER": "username",
        "EMAIL_HOST_PASSWORD": "password",
        "EMAIL_USE_TLS": "use_tls",
        "EMAIL_USE_SSL": "use_ssl",
        "EMAIL_FILE_PATH": "file_path",
    }
    backend = url_config["EMAIL_BACKEND"]
    options = {
        option: url_config[key]
        for key, option in option_names.items()
        if url_config.get(key) not in (None, "")
    }
    if backend.endswith(("console.EmailBackend", "locmem.EmailBackend", "dummy.EmailBackend")):
        options = {}
    elif backend.endswith("filebased.EmailBackend"):
        path = url_config.get("EMAIL_FILE_PATH") or ""
        options = {"file_path": path if path.startswith("/") else f"/{path}"}  # filemail:///abs
    return {"BACKEND": backend, "OPTIONS": options}


MAILERS = {"default": _mailer_from_url(env.email_url("EMAIL_URL", default="consolemail://"))}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="invoicing@localhost")

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"
# API paths have no trailing slash; never redirect (a POST redirect would lose its body).
APPEND_SLASH = False

# django-money: the currencies the product accepts (minor units from py-moneyed).
CURRENCIES = ("EUR", "SEK", "NOK", "DKK", "GBP", "USD", "CHF", "PLN", "INR", "JPY", "KWD")
DEFAULT_CURRENCY = "EUR"

# --- Cache and Celery -------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
# Without Redis the tasks run in-process (the no-services developer run).
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A task whose worker died is delivered again after this many seconds (the message stays
# unacknowledged: acks_late). Longer than any task with its retry countdowns (at most 60 s).
TASK_VISIBILITY_TIMEOUT_SECONDS = env.int("CELERY_VISIBILITY_TIMEOUT_SECONDS", default=300)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": TASK_VISIBILITY_TIMEOUT_SECONDS,
    # Workers look for such tasks every few seconds: kombu's defaults (every 10th call of a
    # 10-second sweep) left one unnoticed for up to ~100 s after its visibility timeout.
    "unacked_restore_throttle": 1,
    "unacked_restore_interval": max(1, min(10, TASK_VISIBILITY_TIMEOUT_SECONDS // 3)),
}
# Fault injection for the worker-killed test only: seconds to sleep in the middle of a render.
INVOICING_RENDER_DELAY_SECONDS = env.float("INVOICING_RENDER_DELAY_SECONDS", default=0.0)

# --- REST API ----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["offices.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "invoicing_project.api.schema.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["invoicing_project.api.throttling.AgentRateThrottle"],
    "EXCEPTION_HANDLER": "invoicing_project.api.errors.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "COERCE_DECIMAL_TO_STRING": False,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Invoicing API",
    "DESCRIPTION": (
        "Invoices for multi-office agencies. All money is an integer in the currency's minor "
        "unit (EUR cents). Every call but the token call needs a Bearer token and a Request-ID "
        "UUID header."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "invoicing_project.api.schema.add_error_responses",
    ],
}

API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="600/min")
LOGIN_THROTTLE_RATE_PER_IP = env.str("LOGIN_THROTTLE_RATE_PER_IP", default="30/min")
LOGIN_THROTTLE_RATE_PER_USERNAME = env.str("LOGIN_THROTTLE_RATE_PER_USERNAME", default="10/min")

# --- Product knobs -----------------------------------------------------------------------------
INVOICING_TOKEN_TTL = timedelta(seconds=env.int("INVOICING_TOKEN_TTL_SECONDS", default=3600))
INVOICING_MAX_PAGE_SIZE = env.int("INVOICING_MAX_PAGE_SIZE", default=500)
INVOICING_MAX_LINES = env.int("INVOICING_MAX_LINES", default=500)
INVOICING_IDEMPOTENCY_TTL = timedelta(hours=24)
INVOICING_MAX_JSON_DEPTH = 20
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("INVOICING_MAX_BODY_BYTES", default=1024 * 1024)

CELERY_BEAT_SCHEDULE = {
    "idempotency-cleanup": {"task": "offices.cleanup_idempotency_keys", "schedule": 3600.0},
}

# Content Security Policy (Django's own middleware), on in development too so that what works
# here works in production: scripts only from this origin (htmx is served locally), inline
# styles allowed (Swagger UI's), images also as data: URIs (QR codes), no framing.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- Production hardening ----------------------------------------------------------------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_HTTPONLY = True
    CSRF_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {"django": {"handlers": [], "level": "INFO", "propagate": True}},
}

# --- E-invoices, delivery and payment reminders (invoices.delivery, invoices.reminders) -------
# The operator outbox of the default FileDropTransport (empty: MEDIA_ROOT/outbox), and the
# transport class (dotted path) that hands Finvoice messages to the operator.
INVOICING_OUTBOX_DIR = env.str("INVOICING_OUTBOX_DIR", default="")
INVOICING_EINVOICE_TRANSPORT = env.str(
    "INVOICING_EINVOICE_TRANSPORT", default="invoices.delivery.FileDropTransport"
)
# The sender's own e-invoicing operator (Finvoice FromIntermediator); empty: the receiver's
# operator, which is what a single-operator file drop amounts to.
INVOICING_EINVOICE_SENDER_INTERMEDIATOR = env.str(
    "INVOICING_EINVOICE_SENDER_INTERMEDIATOR", default=""
)
# Statutory late-payment interest (korkolaki 4 and 4 a §) when none is agreed: the reference
# rate of the half-year (the ECB main refinancing rate before the half-year began, rounded up to
# the next half point; published by the Bank of Finland) plus 8 points between businesses, plus 7
# points for consumers. Percent as decimal text. Default: reference rate 2.5 % (1.1.-30.6.2026),
# so 10.5 % / 9.5 %; set the published rates every 1 January and 1 July (docs/einvoice.md).
INVOICING_STATUTORY_INTEREST_RATE = env.str("INVOICING_STATUTORY_INTEREST_RATE", default="10.5")
INVOICING_STATUTORY_INTEREST_RATE_CONSUMER = env.str(
    "INVOICING_STATUTORY_INTEREST_RATE_CONSUMER", default="9.5"
)
# Reminders: the first after the invoice's notice period, then every interval, at most this
# many; the fee in minor units (at most 5 EUR for consumers by the Debt Collection Act).
INVOICING_REMINDER_INTERVAL_DAYS = env.int("INVOICING_REMINDER_INTERVAL_DAYS", default=14)
INVOICING_MAX_REMINDERS = env.int("INVOICING_MAX_REMINDERS", default=3)
INVOICING_REMINDER_PAYMENT_DAYS = env.int("INVOICING_REMINDER_PAYMENT_DAYS", default=14)
INVOICING_REMINDER_FEE = env.int("INVOICING_REMINDER_FEE", default=0)

CELERY_IMPORTS = ["invoices.delivery_tasks"]
CELERY_BEAT_SCHEDULE["send-payment-reminders"] = {
    "task": "invoices.send_payment_reminders",
    "schedule": 24 * 3600.0,  # daily; the task is idempotent, so any time of day will do
}
