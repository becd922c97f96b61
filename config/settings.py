"""Certiprev settings: production differs from development by environment variables only."""

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config import dotenv
from config.env import env_bool, env_choice, env_int, env_list, env_str
from config.files import private_dir, private_file

BASE_DIR = Path(__file__).resolve().parent.parent
# A .env at the project root (written by `make run` on first run) fills in what the environment does not set.
if _dotenv_path := dotenv.default_path(BASE_DIR):
    dotenv.load(_dotenv_path)
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "certiprev.scheduler.apps.TasksDatabaseConfig",  # django_tasks_db, named in French
    "certiprev.accounts",
    "certiprev.catalog",
    "certiprev.organisations",
    "certiprev.trainers",
    "certiprev.trainings",
    "certiprev.habilitations",
    "certiprev.notifications",
    "certiprev.audit",
    "certiprev.certificates",
    "certiprev.verification",
    "certiprev.webhooks",
    "certiprev.api",
    "certiprev.www",
]

MIDDLEWARE = [
    # /healthz and /readyz answer before host checks, HTTPS redirects and sessions (probes use plain HTTP and IPs).
    "certiprev.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # A Content-Security-Policy on every page that does not set its own (the /V page keeps its stricter one).
    "certiprev.lib.middleware.ContentSecurityPolicyMiddleware",
    # Serves the stylesheet and scripts when no front server does (gunicorn alone); cacheable, compressed.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "certiprev.lib.middleware.RejectNullCharactersMiddleware",
    # Session, authentication, language and messages: Django's, skipped for /api/ (token-authenticated, French only).
    "certiprev.lib.pages_middleware.SessionMiddleware",
    "certiprev.lib.pages_middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before the CSRF check, which reads request.POST: an oversized upload is refused unread.
    "certiprev.lib.middleware.RequestSizeLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "certiprev.lib.pages_middleware.AuthenticationMiddleware",
    "certiprev.lib.pages_middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "certiprev.lib.middleware.csp_nonce",
            ],
        },
    },
]

if not env_str("DATABASE_URL"):
    # The embedded default keeps its SQLite file here; both owner-only (names and birth dates inside).
    private_file(private_dir(VAR_DIR) / "certiprev.sqlite3")
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'certiprev.sqlite3'}"),
        # Persistent connections in production (no connect per request), checked before reuse after an error.
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0 if DEBUG else 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the task worker and the web process write without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend whose health check (a `SELECT 1` before each request's first query) is skipped for a
    # connection that answered a request less than DB_HEALTH_CHECK_IDLE_MS ago (ADR 0021; 0: checked every time).
    DATABASES["default"]["ENGINE"] = "certiprev.lib.postgresql"
    _idle_seconds = env_int("DB_HEALTH_CHECK_IDLE_MS", 1000, minimum=0) / 1000
    DATABASES["default"]["HEALTH_CHECK_IDLE_SECONDS"] = _idle_seconds  # type: ignore[typeddict-unknown-key]
    # Parameters bound by the server, and a statement run DB_PREPARE_THRESHOLD times on a connection prepared there
    # (psycopg's automatic preparation): PostgreSQL plans the hot queries once per connection instead of on every
    # call, where planning costs more than running them (ADR 0020). 0 turns it off: needed behind a pooler in
    # transaction mode that cannot carry prepared statements (PgBouncer before 1.21).
    _prepare_threshold = env_int("DB_PREPARE_THRESHOLD", 5, minimum=0)
    if _prepare_threshold:
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {"server_side_binding": True, "prepare_threshold": _prepare_threshold}
        )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["certiprev.accounts.backends.EmailBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/connexion/"
# Failed sign-ins from one IP, all e-mails together, before that IP waits 15 minutes (certiprev.accounts.throttle).
LOGIN_IP_MAX_FAILURES = env_int("LOGIN_IP_MAX_FAILURES", 50, minimum=1)
LOGIN_REDIRECT_URL = "/"

LANGUAGE_CODE = "fr"
# French labels of the third-party models shown in the admin (django-tasks); compiled .mo committed beside them.
LOCALE_PATHS = [BASE_DIR / "certiprev" / "locale"]
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Files are found in the apps directly, so `collectstatic` is optional (it still speeds up the start).
WHITENOISE_USE_FINDERS = True
private_dir(VAR_DIR)
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-private/"  # never served directly: downloads go through permission-checked views

STORAGE = env_choice("STORAGE", "local", {"local", "s3"})
if STORAGE == "s3":
    # S3-compatible object storage (needs the optional django-storages package).
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID"),
            "secret_key": env_str("S3_SECRET_ACCESS_KEY"),
            "default_acl": "private",
            "querystring_auth": True,
        },
    }
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
# Certificates hold personal data: files and the folders the storage creates (certificates/…) are owner-only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700
STORAGES: dict[str, dict[str, Any]] = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def _email_settings(url: str) -> dict:
    """EMAIL_URL: console://, file:// (var/mail) or file:///a/folder, locmem://, smtp://user:password@host:port?tls=1…"""
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme == "file":
        if parts.netloc:
            raise ImproperlyConfigured(f"EMAIL_URL file:// takes an absolute folder (file:///srv/mail), got {url!r}")
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(Path(unquote(parts.path)) if parts.path else VAR_DIR / "mail"),
        }
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if scheme in {"smtp", "smtps"}:
        query = parse_qs(parts.query)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": parts.port or (465 if scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": scheme == "smtps",
            "EMAIL_USE_TLS": query.get("tls", ["0"])[0] in {"1", "true"},
        }
    raise ImproperlyConfigured(f"EMAIL_URL scheme must be console, locmem, smtp or smtps, or file, got {scheme!r}")


globals().update(_email_settings(env_str("EMAIL_URL", "console://")))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Certiprev <ne-pas-repondre@certiprev.fr>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

TASKS_BACKEND = env_choice("TASKS_BACKEND", "db", {"db", "immediate", "rq"})
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
_TASK_BACKENDS = {
    "db": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    "immediate": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]},
    # Scale-out: RQ workers on Redis (needs the optional django-tasks-rq package).
    "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
}
TASKS: dict[str, dict[str, Any]] = {"default": _TASK_BACKENDS[TASKS_BACKEND]}
if TASKS_BACKEND == "rq":
    # Workers: `python manage.py rqworker default --job-class django_tasks_rq.Job`, as many as needed, anywhere.
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}

VERIFY_HOST = env_str("VERIFY_HOST", "VERIF.CERTIPREV.FR").upper()
CERTIFICATE_FILE_DAYS = env_int("CERTIFICATE_FILE_DAYS", 15, minimum=1)
CLOSE_DEADLINE_MONTHS = env_int("CLOSE_DEADLINE_MONTHS", 3, minimum=1)

# HTTPS in production by default (`check --deploy` clean); each piece can be turned off for a development setup.
SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 3600, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
# Behind a proxy that terminates TLS: the header it sets to "https", e.g. SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto.
# Only with a proxy that always sets (or strips) it: otherwise a client could claim HTTPS.
_proxy_ssl_header = env_str("SECURE_PROXY_SSL_HEADER").strip()
if _proxy_ssl_header:
    if not all(part.isalnum() for part in _proxy_ssl_header.split("-")):
        raise ImproperlyConfigured(f"SECURE_PROXY_SSL_HEADER must be a header name, got {_proxy_ssl_header!r}")
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "certiprev.www.errors.csrf_failure"
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = DATA_UPLOAD_MAX_MEMORY_SIZE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# ---------------------------------------------------------------------------------------------------------------
# Sections added by the interface, API and certificates work (each keeps to its own block below).

# --- REST API and webhooks (certiprev.api, certiprev.webhooks) -------------------------------------------------------
# "ninja" serves the interactive docs (/api/v1/docs) from its own static files instead of a CDN.
INSTALLED_APPS += ["ninja"]
# Per-token rate limits (requests per minute; 0 = none). Counted in the default cache: per process with the default
# LocMemCache (N web processes allow up to N × the limit), shared by all processes with CACHE_URL=redis://….
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 600, minimum=0)
API_VERIFY_RATE_LIMIT = env_int("API_VERIFY_RATE_LIMIT", 60, minimum=0)
# The token lookup (token, user, organisations) is held in each web process this long: a token revoked, a user
# deactivated or a membership changed elsewhere is seen within it (0: looked up on every call).
API_TOKEN_CACHE_SECONDS = env_int("API_TOKEN_CACHE_SECONDS", 5, minimum=0)
# Largest request body accepted by the API (413 beyond; the trainee import itself stops at 2 MB).
API_MAX_REQUEST_BYTES = env_int("API_MAX_REQUEST_BYTES", 3 * 1024 * 1024, minimum=1024)
if env_str("CACHE_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env_str("CACHE_URL")}}
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 10, minimum=1)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 60, minimum=1)
# HTTPS webhooks to hosts resolving to private/internal addresses are refused (SSRF) unless this is on.
WEBHOOK_ALLOW_PRIVATE_NETWORKS = env_bool("WEBHOOK_ALLOW_PRIVATE_NETWORKS", False)

# --- Certificates: signing keys, retention, old-card photos (certiprev.certificates; ADR 0003) ---
# Private keys never live in the repository. Files in SIGNING_KEYS_DIR (mode 0600): root.pem (signs keys.json and
# revoked.json), signing-<kid>.pem (signs the QR codes), revocation.key (K_rev, the HMAC key of revocation ids).
# Each may instead come from the environment: CERTIPREV_ROOT_KEY, CERTIPREV_SIGNING_KEY_<kid>,
# CERTIPREV_REVOCATION_KEY (PEM, or a 32-byte seed in hex). `manage.py certiprev_keys` manages them.
SIGNING_KEYS_DIR = Path(env_str("SIGNING_KEYS_DIR") or VAR_DIR / "keys")  # empty means the default
# Days before the files' deletion when the organisation's members get a reminder e-mail.
CERTIFICATE_REMINDER_DAYS = env_int("CERTIFICATE_REMINDER_DAYS", 3, minimum=1)
# Largest photo of an old card accepted for a MAC enrolment, in bytes (default 10 MB).
OLD_CARD_MAX_IMAGE_BYTES = env_int("OLD_CARD_MAX_IMAGE_BYTES", 10 * 1024 * 1024, minimum=1024)
# DESIGN §11: how many times a day an organisation may ask the records for a trainee's prerequisite.
PREREQUISITE_LOOKUPS_PER_DAY = env_int("PREREQUISITE_LOOKUPS_PER_DAY", 200, minimum=1)
# Name printed as the issuer of trainer certificates ("Mes certificats"), organisation id 0 in the QR code.
CERTIFICATE_NETWORK_NAME = env_str("CERTIFICATE_NETWORK_NAME", "Réseau Prévention (INRS / Carsat)")

# Server-side verification (API /verify, `verify`, the MAC old card) holds the public keys and the revoked ids in
# process: a revocation or a key change made elsewhere is seen within VERIFICATION_CACHE_SECONDS (one stamp query
# per period), and everything is reloaded at least every VERIFICATION_RELOAD_SECONDS (certificates/verification_state).
VERIFICATION_CACHE_SECONDS = env_int("VERIFICATION_CACHE_SECONDS", 5, minimum=0)
VERIFICATION_RELOAD_SECONDS = env_int("VERIFICATION_RELOAD_SECONDS", 300, minimum=1)

# --- Verification page /V (certiprev.verification) -----------------------------------------------------------------
# Root public key (base64url, 32 bytes) embedded in the page to check keys.json and revoked.json. Empty (default):
# derived from the root key of SIGNING_KEYS_DIR / CERTIPREV_ROOT_KEY. Set it on a host that serves the page without
# holding the root private key; an unusable value makes the page say that keys cannot be checked.
CERTIPREV_ROOT_PUBLIC_KEY = env_str("CERTIPREV_ROOT_PUBLIC_KEY", "")

# --- Periodic jobs and scale-out storage (certiprev.scheduler; issue 11) ---
INSTALLED_APPS += ["certiprev.scheduler"]
# `manage.py scheduler` (started by `make run`) runs each job every SCHEDULER_<JOB>_SECONDS; several schedulers may
# run, a job row's lease keeps each run single. A job whose scheduler died is taken over after the job lease.
SCHEDULER_INTERVALS = {
    name: env_int(f"SCHEDULER_{name.upper()}_SECONDS", default, minimum=1)
    for name, default in {
        "recover_issuances": 15,
        "deliver_webhooks": 60,
        "purge_certificate_files": 3600,
        "remind_certificate_deletion": 3600,
        "send_deadline_reminders": 6 * 3600,
        "send_habilitation_reminders": 24 * 3600,
        "send_trainer_certification_reminders": 24 * 3600,
    }.items()
}
SCHEDULER_TICK_SECONDS = env_int("SCHEDULER_TICK_SECONDS", 5, minimum=1)
SCHEDULER_JOB_LEASE_SECONDS = env_int("SCHEDULER_JOB_LEASE_SECONDS", 900, minimum=1)
# An issuance renews its lease every third of this while its worker lives; a dead worker's session is issued again
# by the recovery job once the lease lapsed: within ISSUANCE_LEASE_SECONDS + SCHEDULER_RECOVER_ISSUANCES_SECONDS.
ISSUANCE_LEASE_SECONDS = env_int("ISSUANCE_LEASE_SECONDS", 30, minimum=1)
if STORAGE == "s3":
    # Path-style addressing and SigV4 work with every S3-compatible server (SeaweedFS, MinIO, Garage, AWS).
    STORAGES["default"]["OPTIONS"] |= {
        "region_name": env_str("S3_REGION", "us-east-1"),
        "addressing_style": "path",
        "signature_version": "s3v4",
        "file_overwrite": True,  # a path is rewritten in place (store_file), never renamed
    }
# --- Hardening (issue 12; ADR 0006) -------------------------------------------------------------------------------
# Development only: plain-HTTP webhooks to 127.0.0.1/localhost/[::1] (`check --deploy` warns when it is on).
WEBHOOKS_ALLOW_LOOPBACK = env_bool("WEBHOOKS_ALLOW_LOOPBACK", False)
# Rate limits count in the default cache: a per-process cache (the default LocMemCache without CACHE_URL) makes the
# server refuse to start unless this is on (on by default with DEBUG; a single-process deployment may set it).
RATE_LIMIT_ALLOW_LOCAL_CACHE = env_bool("RATE_LIMIT_ALLOW_LOCAL_CACHE", DEBUG)
# Calls without a valid token (none, wrong, revoked), per client IP and minute (0 = no limit).
API_ANONYMOUS_RATE_LIMIT = env_int("API_ANONYMOUS_RATE_LIMIT", 60, minimum=0)
# Live (not revoked) API tokens per account.
API_MAX_TOKENS_PER_USER = env_int("API_MAX_TOKENS_PER_USER", 20, minimum=1)
# Password-reset e-mails per hour: per address asked for, and per client IP.
PASSWORD_RESET_PER_ADDRESS_PER_HOUR = env_int("PASSWORD_RESET_PER_ADDRESS_PER_HOUR", 3, minimum=1)
PASSWORD_RESET_PER_IP_PER_HOUR = env_int("PASSWORD_RESET_PER_IP_PER_HOUR", 20, minimum=1)
# Public sign-ups of new organisations (/inscription/) per hour: per e-mail address, and per client IP.
SIGNUP_PER_ADDRESS_PER_HOUR = env_int("SIGNUP_PER_ADDRESS_PER_HOUR", 3, minimum=1)
SIGNUP_PER_IP_PER_HOUR = env_int("SIGNUP_PER_IP_PER_HOUR", 10, minimum=1)
MIDDLEWARE = [*MIDDLEWARE, "certiprev.api.checks.SharedRateLimitCacheRequired"]  # refuses to serve, see above
# The /.well-known/certiprev/ lists are the same in every language: no "Vary: Accept-Language" on them.
MIDDLEWARE.insert(
    MIDDLEWARE.index("certiprev.lib.pages_middleware.LocaleMiddleware"),
    "certiprev.certificates.middleware.PublishedListsVaryMiddleware",
)
# --- Habilitation requests (certiprev.habilitations; ADR 0007) ---
# Largest PDF attached to a request, in bytes (default 2 MB, under API_MAX_REQUEST_BYTES).
HABILITATION_DOCUMENT_MAX_BYTES = env_int("HABILITATION_DOCUMENT_MAX_BYTES", 2 * 1024 * 1024, minimum=1024)
# The public directory's JSON (/api/v1/directory), per client IP and minute (0 = no limit); its own counter.
API_DIRECTORY_RATE_LIMIT = env_int("API_DIRECTORY_RATE_LIMIT", 300, minimum=0)
