"""MentorHub settings: one module, configured from the environment.

Every variable is listed in the README's configuration table. With nothing
set, the project runs embedded: SQLite, Celery tasks in-process (and, under
`make run`, a worker with beat for the periodic sweeps on a broker kept in files),
local-memory cache, in-memory channel layer, console e-mail, offline payments, and
a signing key generated on the first run into the git-ignored ``var/`` directory.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from corsheaders.defaults import default_headers as CORS_DEFAULT_HEADERS
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from mentorhub.config import (
    env_bool,
    env_float,
    env_int,
    env_list,
    env_str,
    instance_secret_key,
    refuse_unsafe_configuration,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", True)
# The instance's own files (the generated key, the embedded task queue, beat's schedule); git-ignored.
VAR_DIR = Path(env_str("VAR_DIR") or BASE_DIR / "var")
# Production sets SECRET_KEY (every web process on every machine must share it). The embedded
# default makes a random key on its first run and keeps it in a git-ignored file, so no key
# that signs anything is ever public. With DEBUG off that takes SECRET_KEY_GENERATE=true, which only
# `make run` and `make stack` set (one machine, one VAR_DIR): a deployment without SECRET_KEY refuses to start.
SECRET_KEY_FILE = Path(env_str("SECRET_KEY_FILE") or VAR_DIR / "secret_key")
SECRET_KEY_GENERATE = env_bool("SECRET_KEY_GENERATE", DEBUG)
SECRET_KEY = env_str("SECRET_KEY") or (instance_secret_key(SECRET_KEY_FILE) if SECRET_KEY_GENERATE else "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# Reverse proxies in front of the app that append to X-Forwarded-For and set X-Forwarded-Proto.
# 0: clients connect directly, so those headers are the client's own words and are ignored
# (mentorhub.addresses.client_ip is the one rule every per-address limit uses).
NUM_PROXIES = env_int("NUM_PROXIES", 0)

# Mounts the bare baseline view `make bench` measures against; never on in production.
BENCH_ENDPOINTS = env_bool("BENCH_ENDPOINTS", False)
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_ID = 1

INSTALLED_APPS = [
    "daphne",  # ASGI runserver: HTTP and WebSocket on one port
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "corsheaders",
    "csp",
    "allauth",
    "allauth.account",
    "mentorhub",
    "accounts",
    "mentors",
    "bookings",
    "sessions_app",
    "reviews",
    "courses",
    "payments",
    "messaging",
    "notifications",
    "analytics",
]

MIDDLEWARE = [
    # First, so every API answer (a redirect, a 413, a 429) carries the CORS headers a browser needs to show it.
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # /health and /health/ready answered here: load balancers' probes skip sessions, auth and the rest.
    "mentorhub.health.ProbeMiddleware",
    "mentorhub.middleware.CSPMiddleware",  # django-csp, with the settings' policy built once
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The cookie's or the browser's language for everyone; accounts' middleware below then applies a
    # signed-in user's own choice. Early, so even answers made before the view (a 403, a 429) speak it.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # BROWSER_MIDDLEWARE, below, as one block that API calls carrying no cookie skip.
    "mentorhub.middleware.BrowserMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Every request: allauth's flows, including the API's sign-up mail, read the request from its context.
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "analytics.middleware.FunnelCountMiddleware",
]

# What a browser's visit needs and a token client's API call does not: run in this order at
# BrowserMiddleware's place in MIDDLEWARE, skipped for /api/ requests that carry no cookie (see
# mentorhub/middleware.py). A request with any cookie, a session's or not, goes through all of them.
BROWSER_MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "mentorhub.middleware.LazyMessageMiddleware",  # storage made on first use
]

ROOT_URLCONF = "mentorhub.urls"
CSRF_FAILURE_VIEW = "mentorhub.views.csrf_failure"
WSGI_APPLICATION = "mentorhub.wsgi.application"
ASGI_APPLICATION = "mentorhub.asgi.application"

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
                "django.template.context_processors.tz",
                "notifications.context_processors.unread_count",
                "messaging.context_processors.unread_messages",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
# SQLite: WAL lets readers run beside a writer, and IMMEDIATE transactions take
# the write lock up front so concurrent writers queue (busy timeout) instead of
# failing half-way with "database is locked".
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        # libpq waits for a connection forever by default: an unreachable database must fail a request
        # (and the readiness probe) in seconds, not hang it.
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", env_int("DB_CONNECT_TIMEOUT", 5))
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache, Celery broker, channel layer -------------------------------
REDIS_URL = env_str("REDIS_URL")

if REDIS_URL:
    from mentorhub.cache import no_retry

    CACHES = {
        "default": {
            # An unreachable Redis reads as an empty cache (mentorhub/cache.py), and fails fast: short
            # socket timeouts and no retry, so a down Redis costs a request milliseconds, not seconds.
            "BACKEND": "mentorhub.cache.SoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "mentorhub"),
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "retry": no_retry()},
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL], "prefix": "mentorhub:ws"},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Without Redis, web processes run tasks in-process (eager), so a call works whether or not a worker is
# up, and `make run` (scripts/run.py) runs a worker with beat beside the web server for the periodic
# sweeps, on a broker kept in files under VAR_DIR (kombu's filesystem transport): the embedded default
# needs no other service.
# Searches and profile views are counted in Redis and moved to the database every minute
# (analytics.services.funnel_flush), so a cached catalogue read makes no query; without a shared cache
# there is nobody to flush another process's counts, so each is written at once.
FUNNEL_COUNTS_BUFFERED = env_bool("FUNNEL_COUNTS_BUFFERED", bool(REDIS_URL))
# Buffered counts gather in each web process and a background thread adds them to Redis this often
# (analytics.pending): a catalogue hit then makes no round trip of its own to count itself. 0 adds each
# count to Redis as it is made.
FUNNEL_COUNTS_PUSH_SECONDS = env_float("FUNNEL_COUNTS_PUSH_SECONDS", 1.0)
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
if not REDIS_URL:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(VAR_DIR / "celery" / "queue"),
        "data_folder_out": str(VAR_DIR / "celery" / "queue"),
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
else:
    # A message a worker took but never acknowledged (the worker died) goes back to the queue after this
    # long. Longer than any task runs (sweeps take seconds); nothing is queued with an ETA, which Redis would
    # also redeliver after it. The sweeps do not wait for it: beat's next run redoes what a lost one left.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 600)}
# One queue for every task; another name keeps an instance's (or a test's) workers and beat to themselves.
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "celery")
CELERY_RESULT_BACKEND = REDIS_URL or None
# How many rows a sweep handles per transaction (bookings.services.booking_expire_overdue): bounded locks
# and memory however many are due.
SWEEP_BATCH_SIZE = env_int("SWEEP_BATCH_SIZE", 500)
# While a publish has just failed, tasks run in the committing process for this long before the broker is
# asked again (mentorhub/queue.py).
BROKER_RETRY_SECONDS = env_int("BROKER_RETRY_SECONDS", 30)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_EAGER_PROPAGATES = True
# Every task takes ids, re-reads its rows and is safe to run twice (docs/ARCHITECTURE.md, "Across processes"),
# so a task is acknowledged only once it has run, and one whose worker process died (killed, out of memory)
# is queued again rather than dropped: a crash costs a rerun, never the work.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
# Later features add their periodic sweeps here (name -> {"task", "schedule"}).
CELERY_BEAT_SCHEDULE: dict = {
    "expire-overdue-holds": {"task": "bookings.tasks.expire_overdue_holds", "schedule": 60.0},
    "cancel-unpaid-bookings": {"task": "bookings.tasks.cancel_unpaid_bookings", "schedule": 60.0},
    "send-reminders": {"task": "notifications.tasks.send_reminders", "schedule": 300.0},
    "send-message-digests": {"task": "messaging.tasks.send_message_digests", "schedule": 60.0},
    "flush-funnel-counts": {"task": "analytics.tasks.flush_funnel_counts", "schedule": 60.0},
    # Not a sweep: records that beat and a worker are running, for /health/ready (mentorhub/health.py).
    "beat-heartbeat": {"task": "mentorhub.tasks.beat_heartbeat", "schedule": 60.0},
}
# Every sweep at this one interval instead (a demo that wants to see them, a test that cannot wait minutes).
BEAT_INTERVAL_SECONDS = env_int("BEAT_INTERVAL_SECONDS", 0)
if BEAT_INTERVAL_SECONDS > 0:
    for _entry in CELERY_BEAT_SCHEDULE.values():
        _entry["schedule"] = float(BEAT_INTERVAL_SECONDS)
# /health/ready calls beat "down" (status "degraded") when its heartbeat is older than this: three missed beats.
BEAT_STALE_SECONDS = env_int("BEAT_STALE_SECONDS", int(3 * CELERY_BEAT_SCHEDULE["beat-heartbeat"]["schedule"]))
# /health/ready keeps its verdict this long in each process, so a probe storm costs one check per window.
READINESS_CACHE_SECONDS = env_int("READINESS_CACHE_SECONDS", 5)

# --- Accounts and authentication ------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "optional")
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraForm"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Links allauth builds without a request use SITE_URL's scheme (migrate puts its host in the Site).
ACCOUNT_DEFAULT_HTTP_PROTOCOL = urlsplit(SITE_URL).scheme or "http"
ACCOUNT_SESSION_REMEMBER = None
# Password guessing on every login form (allauth's pages and the admin share these counters):
# 30 login posts a minute per address, and failures: 10 a minute per address, 5 per 5 minutes per
# address and account. allauth's "key" for failures is the account; accounts.adapter adds the
# address to it, so a stranger's failures never lock the owner out from elsewhere.
ACCOUNT_RATE_LIMITS = {
    "login": env_str("LOGIN_RATE_LIMIT", "30/m/ip"),
    "login_failed": env_str("LOGIN_FAILED_RATE_LIMIT", "10/m/ip,5/5m/key"),
}
# Sign-up never says whether an address already has an account: unless verification is "none",
# the page and auth/register answer "check your e-mail" either way and the owner of a taken
# address gets a notice instead of a second account (accounts.signup, accounts.services).
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_FORMS = {"signup": "accounts.signup.SignupForm"}

# --- E-mail ----------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "MentorHub <no-reply@mentorhub.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Staff who are mailed about payments that need a look (and server errors): comma-separated addresses.
ADMINS = [(address, address) for address in env_list("ADMINS", "")]

# --- Payments (the offline provider is used while STRIPE_SECRET_KEY is empty) ---
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY")
STRIPE_PUBLISHABLE_KEY = env_str("STRIPE_PUBLISHABLE_KEY")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET")
STRIPE_WEBHOOK_TOLERANCE_SECONDS = env_int("STRIPE_WEBHOOK_TOLERANCE_SECONDS", 300)
# An unpaid booking is cancelled (seat released) this long before its start.
PAYMENT_DEADLINE_MINUTES = env_int("PAYMENT_DEADLINE_MINUTES", 60)
# A priced booking made later than that gets this long to pay (and is refused if it starts sooner).
PAYMENT_QUICK_MINUTES = env_int("PAYMENT_QUICK_MINUTES", 15)
# How far ahead a session can be booked: bookable times end there, and a booking past it is refused. Two
# years: long enough for any planned series (the specs' own examples book 14 months ahead), short of letting a
# calendar be claimed for decades.
BOOKING_HORIZON_DAYS = env_int("BOOKING_HORIZON_DAYS", 730)
# Without Stripe the offline provider lets the payer choose the outcome: a test mode. Production
# refuses to start that way unless this says the deployment is a demo (its checkout then says so).
PAYMENTS_OFFLINE_ALLOWED = env_bool("PAYMENTS_OFFLINE_ALLOWED", DEBUG)

# SMS reminders go to users with a phone number who opted in; the console backend logs them.
SMS_BACKEND = env_str("SMS_BACKEND", "notifications.sms.ConsoleBackend")

# --- Video rooms -----------------------------------------------------------------
VIDEO_PROVIDER = env_str("VIDEO_PROVIDER", "builtin")  # builtin (WebRTC, signalled over Channels) or jitsi
JOIN_EARLY_MINUTES = env_int("JOIN_EARLY_MINUTES", 10)
JITSI_DOMAIN = env_str("JITSI_DOMAIN", "meet.jit.si")
JITSI_APP_ID = env_str("JITSI_APP_ID")
JITSI_APP_SECRET = env_str("JITSI_APP_SECRET")
# STUN/TURN for the built-in room, as JSON: [{"urls": "stun:stun.example.org:3478"}]. Empty works on a LAN.
WEBRTC_ICE_SERVERS = __import__("json").loads(env_str("WEBRTC_ICE_SERVERS", "[]") or "[]")

# --- API ----------------------------------------------------------------------
# Messaging: each user may send this many messages a minute (REST and WebSocket together; 429 past it),
# each at most this many characters.
MESSAGES_PER_MINUTE = env_int("MESSAGES_PER_MINUTE", 30)
MESSAGE_MAX_LENGTH = env_int("MESSAGE_MAX_LENGTH", 4000)
# Unread messages at least this old, of someone away from the site (no live socket) at least this long,
# go out in one e-mail digest (messaging.services.message_digests_send, a beat sweep every minute).
MESSAGE_DIGEST_AFTER_MINUTES = env_int("MESSAGE_DIGEST_AFTER_MINUTES", 15)
# An open socket counts only if heard from this recently: the pages ping every 60 s, and a process that
# died never closed its sockets' count.
PRESENCE_STALE_SECONDS = env_int("PRESENCE_STALE_SECONDS", 180)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "mentorhub.api.authentication.JWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # The API speaks JSON; pages post HTML forms to their own views.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "mentorhub.api.pagination.PagePagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "mentorhub.api.throttles.AnonymousThrottle",
        "mentorhub.api.throttles.AccountTierThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("THROTTLE_ANON", "100/hour"),
        "user": env_str("THROTTLE_USER", "1000/hour"),
        "premium": env_str("THROTTLE_PREMIUM", "5000/hour"),
        "auth": env_str("THROTTLE_AUTH", "10/minute"),
    },
    # DRF reads None as "trust X-Forwarded-For"; the throttles use mentorhub.addresses anyway.
    "NUM_PROXIES": NUM_PROXIES,
    "EXCEPTION_HANDLER": "mentorhub.api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "mentorhub.api.schema.AutoSchema",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# --- Request bodies: one size limit, bounded JSON (mentorhub/limits.py, mentorhub/api/parsers.py) ---
# Every body (API, payment webhook, page forms) past MAX_REQUEST_BODY_BYTES is answered 413 before it is read;
# Django's own form-data limit is the same number. API JSON nested deeper than 32 levels is a 400.
MAX_REQUEST_BODY_BYTES = env_int("MAX_REQUEST_BODY_BYTES", 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BODY_BYTES
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "mentorhub.limits.RequestBodyLimitMiddleware")
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"] = ["mentorhub.api.parsers.JSONParser"]

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=30),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=14),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "AUTH_HEADER_TYPES": ("Bearer",),
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}

# --- Cross-origin clients (SPAs): CORS and the refresh-token cookie ---------------------------
# Only origins listed here may call the API from a browser, and only they get credentials (the refresh cookie):
# never "*". Empty in production unless set; `make run` (scripts/run.py) lists the usual local dev servers.
# Pages need none of it, so only the API answers with CORS headers. CSRF_TRUSTED_ORIGINS stays as it is:
# these origins call the JSON API with tokens, they never post the site's forms.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", "")
# /session/: spec 001's compatibility API (bookings/compat_spec001.py), the same JSON API under its spec's paths.
CORS_URLS_REGEX = r"^/(api|session)/"
CORS_ALLOW_CREDENTIALS = True
CORS_PREFLIGHT_MAX_AGE = env_int("CORS_PREFLIGHT_MAX_AGE", 3600)
CORS_ALLOW_HEADERS = [*CORS_DEFAULT_HEADERS, "if-none-match"]
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After"]
# auth/login with "refresh_cookie": true keeps the refresh token in this HttpOnly cookie instead of the body
# (accounts/api/views.py). Its path is the canonical auth routes only: the cookie rides along to refresh and
# logout (and the other auth/ calls, which ignore it), never to the rest of the API.
AUTH_REFRESH_COOKIE_NAME = "mentorhub_refresh"
AUTH_REFRESH_COOKIE_PATH = "/api/v1/auth/"
# Lax: sent when the SPA is on the same site as the API (app.example.com and api.example.com, or two ports of
# localhost). An SPA on another site needs None, which browsers accept only with Secure.
AUTH_REFRESH_COOKIE_SAMESITE = env_str("AUTH_REFRESH_COOKIE_SAMESITE", "Lax").capitalize()
if AUTH_REFRESH_COOKIE_SAMESITE not in {"Lax", "Strict", "None"}:
    raise ImproperlyConfigured("AUTH_REFRESH_COOKIE_SAMESITE must be Lax, Strict or None.")

SYSTEM_FONTS = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
SPECTACULAR_SETTINGS = {
    "TITLE": "MentorHub API",
    "DESCRIPTION": (
        "Mentorship marketplace API. Canonical base `/api/v1/`; every route is also "
        "served under `/api/`. Errors always look like "
        '`{"detail": "...", "status_code": 400, "errors": [{"field": "...", "message": "..."}]}`. '
        "Authenticate with `Authorization: Bearer <access_token>` from `auth/login`. Browser apps on another "
        "origin need it listed in `CORS_ALLOWED_ORIGINS`, and can keep the refresh token in an HttpOnly cookie "
        "(`auth/login` with `refresh_cookie`)."
    ),
    "VERSION": "1.0.0",
    "TAGS": [{"name": "spec 001 compatibility", "description": (
        "The spec 001 compatibility API: the mentor-sessions routes of spec 001 (docs/specs/001_mentor_sessions.md) "
        "at their own paths, authenticated by the `auth` cookie (or Bearer), answering "
        '`{"success", "message", "data"}` and failing with `{"success": false, "message"}`. Each calls the same '
        "service as the canonical route it names (`mentors/me/slots`, `mentors/{id}/slots`, `mentors/{id}/book`)."
    )}],
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "PREPROCESSING_HOOKS": ["mentorhub.api.schema.only_canonical_paths"],
    # The default enum hook first (it names the shared enums), then an example for every response.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "mentorhub.api.schema.add_response_examples",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The site's own system font stack: ReDoc's defaults (Montserrat, Roboto) are web fonts from Google.
    "REDOC_UI_SETTINGS": {"theme": {"typography": {
        "fontFamily": SYSTEM_FONTS, "headings": {"fontFamily": SYSTEM_FONTS},
    }}},
    # The site's icon on /docs too (also what /favicon.ico answers).
    "SWAGGER_UI_FAVICON_HREF": "/static/img/favicon.svg",
    "ENUM_NAME_OVERRIDES": {
        "UserRoleEnum": "accounts.models.User.Role",
        "RegistrableRoleEnum": [("student", "Student"), ("mentor", "Mentor")],
        # Five models have a "status" field; each gets its own name instead of a hash suffix.
        "BookingStatusEnum": "bookings.models.Booking.Status",
        "MentorStatusEnum": "mentors.models.MentorProfile.Status",
        "PaymentRecordStatusEnum": "payments.models.Payment.Status",
        "CourseStatusEnum": "courses.models.Course.Status",
        "EnrollmentStatusEnum": "courses.models.Enrollment.Status",
    },
}

# --- Internationalisation and time --------------------------------------------
# English and Russian (docs/ARCHITECTURE.md, "Languages"): a signed-in user's profile language, else the
# switcher's cookie, else the browser's Accept-Language, else English. Catalogues live in locale/.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ru", "Русский")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["mentorhub.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Development serves app static files straight from their folders (also under Daphne without runserver).
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
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

# --- Security headers and HTTPS -------------------------------------------------------
# Only a trusted proxy may say the client spoke HTTPS.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if NUM_PROXIES > 0 else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health(/ready)?$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Preloading commits the domain and every subdomain to HTTPS in browsers for months; the preload
# list's maintainers ask that it never be on by default, so it is the operator's opt-in and
# check --deploy does not nag about it.
# Sessions, auth, messages and CSRF run inside BrowserMiddleware's block, where Django's own checks for
# them cannot look: mentorhub/checks.py asks the same of BROWSER_MIDDLEWARE instead.
SILENCED_SYSTEM_CHECKS = ["security.W021", "admin.E408", "admin.E409", "admin.E410", "security.W003"]
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
AUTH_REFRESH_COOKIE_SECURE = env_bool("AUTH_REFRESH_COOKIE_SECURE", SESSION_COOKIE_SECURE)
if AUTH_REFRESH_COOKIE_SAMESITE == "None" and not AUTH_REFRESH_COOKIE_SECURE:
    raise ImproperlyConfigured("AUTH_REFRESH_COOKIE_SAMESITE=None needs a Secure cookie: browsers drop it otherwise.")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = env_str("SECURE_REFERRER_POLICY", "same-origin")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# The bell opens /ws/notifications on every signed-in page. Off where no ASGI server answers /ws/ (a
# WSGI-only deployment; the test suite's live server): a refused socket is a console error in the browser.
LIVE_NOTIFICATIONS = env_bool("LIVE_NOTIFICATIONS", True)

# Content-Security-Policy (django-csp), in every mode so development meets the same rules: scripts
# and styles come from this site's static files (an inline one needs the request's nonce), plus
# Stripe.js when Stripe is configured and Jitsi's iframe API when rooms are on Jitsi. Avatars may
# be any https image. 'self' in connect-src covers the same-host WebSockets (room, notifications): ws: and
# wss: on this host match 'self' (CSP Level 3, Chromium and Firefox).
_STRIPE_ORIGINS = ["https://js.stripe.com", "https://*.js.stripe.com"] if STRIPE_SECRET_KEY else []
_JITSI_ORIGINS = [f"https://{JITSI_DOMAIN}"] if VIDEO_PROVIDER == "jitsi" else []
_FRAMES = [*_STRIPE_ORIGINS, *(["https://hooks.stripe.com"] if STRIPE_SECRET_KEY else []), *_JITSI_ORIGINS]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE, *_STRIPE_ORIGINS, *_JITSI_ORIGINS],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", "https:"],
        "font-src": [SELF],
        "connect-src": [SELF, *(["https://api.stripe.com"] if STRIPE_SECRET_KEY else [])],
        "frame-src": _FRAMES or [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "report-uri": env_list("CSP_REPORT_URI", "") or None,
    },
}

refuse_unsafe_configuration(
    secret_key=SECRET_KEY,
    debug=DEBUG,
    allowed_hosts=ALLOWED_HOSTS,
    stripe_configured=bool(STRIPE_SECRET_KEY),
    offline_payments_allowed=PAYMENTS_OFFLINE_ALLOWED,
    num_proxies=NUM_PROXIES,
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    # A flood of requests refused by a rate limit (429) logs one line per address a minute, not one per request.
    "filters": {"sampled_refusals": {"()": "mentorhub.logs.SampledRefusals",
                                     "interval": env_float("LOG_REFUSALS_EVERY_SECONDS", 60.0)}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "django.request": {"filters": ["sampled_refusals"]}},
}
