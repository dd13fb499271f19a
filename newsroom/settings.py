"""Newsroom settings, read from the environment.

Every value that differs between a developer's machine and production comes from an
environment variable; the defaults are safe for development only while ``DJANGO_DEBUG`` is on.

Environment variables:
    DJANGO_SECRET_KEY      required when DEBUG is off (start-up stops with a clear message),
                           unless DJANGO_SECRET_KEY_FILE (default var/secret_key, which
                           ``make run`` / ``make setup`` write) names a readable file holding it.
    DJANGO_DEBUG           "1"/"true"/"yes"/"on" turns debug mode on; off unless set.
    DJANGO_ALLOWED_HOSTS   comma-separated host names (default: localhost, 127.0.0.1, [::1]).
    DJANGO_HTTPS           "0" when the site is served over plain HTTP (``make run``); on by
                           default when DEBUG is off, giving HSTS, secure cookies, SSL redirect.
    DJANGO_SERVE_MEDIA     "1" lets Django serve uploaded media (``make run``; default: DEBUG).
    DJANGO_MEDIA_ROOT, DJANGO_PRIVATE_MEDIA_ROOT  public media and staff-only files (var/).
    DJANGO_TRUSTED_PROXIES comma-separated addresses/networks of reverse proxies whose
                           X-Forwarded-For header is believed (default: none, trust no header).
    DATABASE_URL           dj-database-url URL (default: SQLite file var/newsroom.sqlite3).
    REDIS_URL              cache URL (default: the database cache, shared by all workers).
    TIME_ZONE              default Asia/Shanghai.
    EMAIL_URL-like values  EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
                           EMAIL_USE_TLS, DEFAULT_FROM_EMAIL; console backend unless EMAIL_HOST.
    NEWSROOM_SITE_NAME     the portal's name shown in the header, footer and titles.
    NEWSROOM_EVIDENCE_ROOT folder of evidence files sent with notices (var/evidence; moderators
                           only, never served as media).
    MODERATION_*           notice-and-action policy; see the "Moderation" section below.
    NEWSROOM_IMPORT_FETCH_TIMEOUT  seconds one fetch of a page or image by the importer may
                           take in all (default 15, at most 60: an admin request fetching a
                           page must end well before the worker is killed, 30 s in gunicorn).
    NEWSROOM_IMPORT_ALLOW_PRIVATE  "1" lets the importer fetch from loopback and private
                           addresses, for intranet sources (off: editors cannot reach internal
                           services); link-local ones (cloud metadata) stay refused.
"""

import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("NEWSROOM_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable ("1", "true", "yes", "on" are true)."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable into a list of non-empty strings."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)


def read_secret_key() -> str:
    """The secret key: ``DJANGO_SECRET_KEY``, else the first line of the file named by
    ``DJANGO_SECRET_KEY_FILE`` (default ``var/secret_key``, written once by ``make setup``),
    so that ``manage.py`` commands typed after ``make run`` use the site's own key. ``""``
    when neither gives one."""
    key = os.environ.get("DJANGO_SECRET_KEY", "").strip()
    if key:
        return key
    path = Path(os.environ.get("DJANGO_SECRET_KEY_FILE", "").strip() or VAR_DIR / "secret_key")
    try:
        return path.read_text(encoding="utf-8").strip().splitlines()[0].strip()
    except (OSError, UnicodeDecodeError, IndexError):
        return ""


SECRET_KEY = read_secret_key()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set and no key file was found. Set DJANGO_SECRET_KEY to "
            "a long random value (python3 -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or DJANGO_SECRET_KEY_FILE to a file holding one (`make setup` writes "
            "var/secret_key), or set DJANGO_DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "taggit",
    "csp",
    "articles",
    "moderation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "newsroom.middleware.revalidate_by_default",
    "moderation.middleware.remember_site_address",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

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
                "articles.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite is the embedded default. WAL lets readers work while one writer writes; IMMEDIATE
# transactions take the write lock up front and the busy timeout makes a second writer wait
# instead of failing, so several gunicorn workers never see "database is locked".
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'newsroom.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "newsroom"),
        }
    }
else:
    # The database cache is shared by every worker process, unlike the local-memory cache.
    # Its incr() rewrites an entry with the default timeout, so that timeout must outlast the
    # longest rate-limit window (MODERATION_RATE_LIMIT, up to a day); entries are per window
    # and culled beyond MAX_ENTRIES.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "newsroom_cache",
            "TIMEOUT": 2 * 86400,
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

# --- Passwords, i18n, time ------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and media files -----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
SERVE_MEDIA = env_bool("DJANGO_SERVE_MEDIA", DEBUG)
# Files never served to the public (originals of gallery images); staff only, through Django.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("DJANGO_PRIVATE_MEDIA_ROOT", VAR_DIR / "private-media"))
PRIVATE_MEDIA_URL = "/private-media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# Proof files of notices and counter-notices: moderators only, through moderation.views.
EVIDENCE_ROOT = Path(os.environ.get("NEWSROOM_EVIDENCE_ROOT", VAR_DIR / "evidence"))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760

# --- Security -------------------------------------------------------------------------------
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000")) if HTTPS else 0
# Both on by default so `check --deploy` is clean; a site whose subdomains are not all on
# HTTPS turns them off (DJANGO_HSTS_INCLUDE_SUBDOMAINS=0, DJANGO_HSTS_PRELOAD=0).
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS and env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = HTTPS and env_bool("DJANGO_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
if env_bool("DJANGO_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content Security Policy (django-csp): no inline script anywhere; images may come from the
# https sources that republished bodies link to.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "https:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    # Seconds to wait for the mail server: e-mail is sent while the request finishes, so a
    # server that never answers must not hold a submitter's page (or a worker) for long.
    EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "5"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "newsroom@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where readers and posters write to the site (shown on takedown pages).
SITE_CONTACT_EMAIL = os.environ.get("NEWSROOM_CONTACT_EMAIL", DEFAULT_FROM_EMAIL)

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Applications ---------------------------------------------------------------------------
TAGGIT_CASE_INSENSITIVE = True
SITE_NAME = os.environ.get("NEWSROOM_SITE_NAME", "法苑新闻")
# The public address (e.g. "https://news.example.org") for QR codes and canonical links;
# empty: taken from each request.
SITE_URL = os.environ.get("NEWSROOM_SITE_URL", "")
SITE_FOUNDED_YEAR = 2008
# The page named in the `Link: <…>; rel="blocked-by"` header of a taken-down article
# (RFC 7725 §3): the site operator. Default: the site's home page.
BLOCKED_BY_URL = os.environ.get("NEWSROOM_BLOCKED_BY_URL", "")
ARTICLES_PER_PAGE = 10
# The user named as poster of imported articles when the importer is given none.
IMPORT_SYSTEM_USERNAME = "importer"
# Importing by URL (articles/importing/fetch.py): the whole time one page or image may take
# (connecting, redirects and reading together), and whether hosts that resolve to loopback,
# private or reserved addresses may be fetched (off: an editor must not be able to make the
# server fetch internal services; link-local addresses are refused even when on). The admin
# fetches a page inside a request, so one fetch may not outlive a worker (gunicorn kills it
# after 30 s): at most IMPORT_FETCH_TIMEOUT_MAX seconds.
IMPORT_FETCH_TIMEOUT_MAX = 60
try:
    IMPORT_FETCH_TIMEOUT = float(os.environ.get("NEWSROOM_IMPORT_FETCH_TIMEOUT", "15"))
except ValueError:
    IMPORT_FETCH_TIMEOUT = 0.0
if not 0 < IMPORT_FETCH_TIMEOUT <= IMPORT_FETCH_TIMEOUT_MAX:
    raise ImproperlyConfigured(
        f"NEWSROOM_IMPORT_FETCH_TIMEOUT must be seconds, more than 0 and at most "
        f"{IMPORT_FETCH_TIMEOUT_MAX} (a fetch must end before the web worker is killed)."
    )
IMPORT_FETCH_ALLOW_PRIVATE_ADDRESSES = env_bool("NEWSROOM_IMPORT_ALLOW_PRIVATE", False)

# --- Moderation (notice and action) ---------------------------------------------------------
# The working-day calendar of the 3-working-day clock: a country code of the `holidays`
# package (CN counts the 调休 make-up working days).
MODERATION_HOLIDAY_COUNTRY = os.environ.get("MODERATION_HOLIDAY_COUNTRY", "CN")
# Restoration after an accepted counter-notice: "wait" (default) keeps the article down for
# the waiting period, during which the claimant can report a complaint or lawsuit (Civil Code
# Art. 1196); "immediate" restores at once (Regulation Art. 17).
MODERATION_RESTORE_POLICY = os.environ.get("MODERATION_RESTORE_POLICY", "wait")
MODERATION_RESTORE_WAIT = int(os.environ.get("MODERATION_RESTORE_WAIT", "15"))
# "days" (calendar days) or "working_days" (a US site: 10 working days, 17 U.S.C. §512(g)).
MODERATION_RESTORE_WAIT_UNIT = os.environ.get("MODERATION_RESTORE_WAIT_UNIT", "days")
# A request for review may be filed this many days after a decision (DSA Art. 20(1): at
# least six months).
MODERATION_REVIEW_WINDOW_DAYS = int(os.environ.get("MODERATION_REVIEW_WINDOW_DAYS", "183"))
# Submissions per client IP accepted by the public forms (notice, report, counter-notice,
# review), counted in the shared cache: "<count>/<s|m|h|d>".
MODERATION_RATE_LIMIT = os.environ.get("MODERATION_RATE_LIMIT", "5/h")
# Addresses told of every new submission, besides the members of the 审核员 group.
MODERATION_NOTIFY_EMAILS = env_list("MODERATION_NOTIFY_EMAILS")
if MODERATION_RESTORE_POLICY not in {"wait", "immediate"}:
    raise ImproperlyConfigured("MODERATION_RESTORE_POLICY must be 'wait' or 'immediate'.")
if MODERATION_RESTORE_WAIT_UNIT not in {"days", "working_days"}:
    raise ImproperlyConfigured("MODERATION_RESTORE_WAIT_UNIT must be 'days' or 'working_days'.")
if not re.fullmatch(r"[1-9]\d*/[smhd]", MODERATION_RATE_LIMIT):
    raise ImproperlyConfigured("MODERATION_RATE_LIMIT must look like '5/h' (count/s, m, h or d).")
# Evidence files per submission and bytes per file.
EVIDENCE_MAX_FILES = 5
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
