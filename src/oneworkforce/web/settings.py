"""Django settings: the operational store (ledger, users, registers) and the web app.

SQLite in the data directory by default; PostgreSQL (or any database Django supports) when
``DATABASE_URL`` is set. The secret key comes from ``ONEWORKFORCE_SECRET_KEY`` or is made once
and kept (mode 600) in the data directory; it is never committed.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from oneworkforce.config import Home, private_file, redis_url
from oneworkforce.jobs.queue import make_huey

HOME = Home.resolve()
BASE_DIR = Path(__file__).resolve().parent


def _secret_key() -> str:
    if key := os.environ.get("ONEWORKFORCE_SECRET_KEY"):
        return key
    path = HOME.root / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("ONEWORKFORCE_DEBUG", "") == "1"
ALLOWED_HOSTS = [
    h for h in os.environ.get("ONEWORKFORCE_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h
]


INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "mozilla_django_oidc",
    "ninja",  # serves the API docs page's own assets (no CDN, which the CSP blocks)
    "oneworkforce.audit",
    "oneworkforce.data.ledger",
    "oneworkforce.web.accounts",
    "oneworkforce.web.dashboard",
    "oneworkforce.web.submissions",
    "oneworkforce.jobs",
    "huey.contrib.djhuey",
    "oneworkforce.registers",
    "oneworkforce.reports",
    "oneworkforce.planning",
    "oneworkforce.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "oneworkforce.web.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "oneworkforce.web.urls"
WSGI_APPLICATION = "oneworkforce.web.wsgi.application"

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
                "oneworkforce.web.context.navigation",
                "oneworkforce.web.freshness.context",
            ],
        },
    },
]

# --- accounts, passwords, sign-in -------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # reads hashes made before Argon2
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses sign-in after repeated failures
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/start/"  # each role's first page (web/context.py: landing)
LOGOUT_REDIRECT_URL = "/accounts/login/"

# Throttle: five failures for one user name from one client address lock that pair for 15
# minutes, so one address (an NHS site's proxy) cannot lock out everyone behind it; one
# password tried against many user names from one address is throttled too
# (web/accounts/throttle.py). Behind a reverse proxy the client's address is read from the
# header the proxy sets (ONEWORKFORCE_TRUSTED_PROXY_HEADER, e.g. X-Forwarded-For), trusting
# ONEWORKFORCE_TRUSTED_PROXY_COUNT proxies (default 1); without it, the connecting address.
AXES_FAILURE_LIMIT = int(os.environ.get("ONEWORKFORCE_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_SENSITIVE_PARAMETERS = ["password"]
#: one password tried and refused for this many user names from one address is paused
SPRAY_LIMIT = int(os.environ.get("ONEWORKFORCE_LOGIN_SPRAY_LIMIT", "10"))
AXES_CLIENT_IP_CALLABLE = "oneworkforce.web.accounts.addresses.client_address"
_proxy_header = os.environ.get("ONEWORKFORCE_TRUSTED_PROXY_HEADER", "").strip()
#: the request.META key of the trusted proxy's header ("" when there is no proxy)
TRUSTED_PROXY_HEADER = "HTTP_" + _proxy_header.upper().replace("-", "_") if _proxy_header else ""
TRUSTED_PROXY_COUNT = int(os.environ.get("ONEWORKFORCE_TRUSTED_PROXY_COUNT", "1"))

# Sign-in with an organisation's OpenID Connect provider (NHS mail through Entra ID, or any
# other), switched on by a client id; endpoints come from the issuer's discovery document
# (web/accounts/oidc.py). People without an NHS mail address keep local accounts.
OIDC_ENABLED = bool(os.environ.get("ONEWORKFORCE_OIDC_CLIENT_ID"))
OIDC_ALLOWED_EMAIL_DOMAINS: list[str] = []
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = "openid email profile"
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True  # the hint for the provider's end-session endpoint
# (connect, read) seconds for every call to the provider; requests honours HTTPS_PROXY,
# HTTP_PROXY and NO_PROXY from the environment
OIDC_TIMEOUT = (
    float(os.environ.get("ONEWORKFORCE_OIDC_CONNECT_TIMEOUT", "5")),
    float(os.environ.get("ONEWORKFORCE_OIDC_READ_TIMEOUT", "10")),
)
if OIDC_ENABLED:
    _tenant = os.environ.get("ONEWORKFORCE_OIDC_ENTRA_TENANT", "").strip()
    OIDC_ISSUER = os.environ.get(
        "ONEWORKFORCE_OIDC_ISSUER",
        f"https://login.microsoftonline.com/{_tenant}/v2.0" if _tenant else "",
    ).rstrip("/")
    OIDC_RP_CLIENT_ID = os.environ["ONEWORKFORCE_OIDC_CLIENT_ID"]
    OIDC_RP_CLIENT_SECRET = os.environ.get("ONEWORKFORCE_OIDC_CLIENT_SECRET", "")
    OIDC_ALLOWED_EMAIL_DOMAINS = [
        d.strip().lower()
        for d in os.environ.get("ONEWORKFORCE_OIDC_EMAIL_DOMAINS", "nhs.net").split(",")
        if d.strip()
    ]
    AUTHENTICATION_BACKENDS.append("oneworkforce.web.accounts.oidc.OrganisationOIDCBackend")

# --- the shared cache -----------------------------------------------------------------------
# One cache for every worker and app server: sessions are read through it and the rendered
# dashboard fragments kept in it. Redis when ONEWORKFORCE_REDIS_URL is set (needed for more
# than one app server); otherwise files in the data directory, shared by the local workers.
_CACHE_PREFIX = os.environ.get("ONEWORKFORCE_CACHE_PREFIX", "oneworkforce")
if _redis := redis_url():
    CACHES = {
        "default": {
            "BACKEND": "oneworkforce.web.cache.TolerantRedisCache",  # an outage is a miss
            "LOCATION": _redis,
            "KEY_PREFIX": _CACHE_PREFIX,
            "TIMEOUT": 24 * 60 * 60,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(HOME.root / "cache"),
            "KEY_PREFIX": _CACHE_PREFIX,
            "TIMEOUT": 24 * 60 * 60,
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# --- sessions, cookies, headers ------------------------------------------------------------
HTTPS = os.environ.get("ONEWORKFORCE_HTTPS", "") == "1"  # behind TLS in production
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
# kept in the database with the user they belong to (so every session of a user can be
# ended), read through the shared cache
SESSION_ENGINE = "oneworkforce.web.accounts.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60  # a working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = [
    o for o in os.environ.get("ONEWORKFORCE_CSRF_TRUSTED_ORIGINS", "").split(",") if o
]

# --- static files (nhsuk-frontend, htmx, vega from npm; see scripts/assets) ----------------
STATIC_URL = "/static/"
STATIC_ROOT = HOME.root / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# the design system's CSS asks for /assets/images/...; serve them from the copied package
WHITENOISE_ROOT = BASE_DIR / "static" / "vendor" / "nhsuk"
STATICFILES_DIRS: list[Path] = []
WHITENOISE_USE_FINDERS = True
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = str(HOME.tmp)
#: the largest partner file the upload page accepts
MAX_UPLOAD_BYTES = int(os.environ.get("ONEWORKFORCE_MAX_UPLOAD_MB", "200")) * 1024 * 1024

DATABASES = {
    "default": dj_database_url.parse(os.environ["DATABASE_URL"], conn_max_age=60)
    if os.environ.get("DATABASE_URL")
    else {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(private_file(HOME.sqlite)),
        "OPTIONS": {"timeout": 30},
    },
}
# --- background jobs (oneworkforce/jobs): embedded SQLite queue, or Redis when
# ONEWORKFORCE_REDIS_URL is set (config.redis_url) ------------------------------------------
HUEY = make_huey(HOME)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "Europe/London"
LANGUAGE_CODE = "en-gb"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ONEWORKFORCE_LOG_LEVEL", "WARNING")},
}
