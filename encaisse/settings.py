"""The only settings module. Everything that differs between machines comes from the environment.

DATABASE_URL    default sqlite:///<repo>/var/encaisse.sqlite3
SECRET_KEY      default: a development key (set it in production)
DEBUG           default off
ALLOWED_HOSTS   comma separated, default 127.0.0.1,localhost
REDIS_URL       when set, background tasks go through RQ on Redis instead of the database
EMAIL_URL-like  EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS,
                DEFAULT_FROM_EMAIL
PORTAL_*        PORTAL_BASE_URL, PORTAL_LINK_DAYS, PORTAL_RATE_LIMIT, PORTAL_POST_RATE_LIMIT:
                the customer portal's links and rate limits
ENCAISSE_TRUSTED_PROXIES  comma separated addresses or networks of the reverse proxies whose
                X-Forwarded-For gives the client's address (rate limits); default none
"""

import importlib.util
import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("ENCAISSE_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me-in-production")
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", "http://127.0.0.1:8000,http://localhost:8000"
)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "encaisse.core",
    "encaisse.accounts",
    "encaisse.company",
    "encaisse.audit",
    "encaisse.customers",
    "encaisse.receivables",
    "encaisse.imports",
    "encaisse.dunning",
    "encaisse.correspondence",
    "encaisse.disputes",
    "encaisse.portal",
    "encaisse.insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "encaisse.accounts.middleware.ActivateUserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

# django-ninja is not an installed app: importing it (with pydantic) at start-up cost every
# command a third of Django's set-up, and only the API needs it. Its templates and the
# Swagger UI files it ships are found here instead (``encaisse.api.docs`` renders them, never a
# CDN); ``find_spec`` locates the package without importing it.
NINJA_DIR = Path(importlib.util.find_spec("ninja").origin).parent

ROOT_URLCONF = "encaisse.urls"
WSGI_APPLICATION = "encaisse.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates", NINJA_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "encaisse.accounts.context_processors.capabilities",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'encaisse.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the worker and the web server read and write side by side.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [NINJA_DIR / "static"]
# var/ holds the SQLite database, uploads and collected static files; it is never committed.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_UPLOAD_BYTES = int(os.environ.get("IMPORT_MAX_UPLOAD_BYTES", str(512 * 1024 * 1024)))

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "encaisse@localhost")

# Django's cache: the portal's rate limits count there. Shared between processes: Redis when
# REDIS_URL is set, else files under var/cache.
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# The customer portal (/p/): links in emails are built on PORTAL_BASE_URL and signed; they
# expire after PORTAL_LINK_DAYS days. Rate limits: requests per minute and client address,
# for pages (PORTAL_RATE_LIMIT) and for what customers send (PORTAL_POST_RATE_LIMIT).
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://127.0.0.1:8000")
PORTAL_LINK_DAYS = int(os.environ.get("PORTAL_LINK_DAYS", "60"))
PORTAL_RATE_LIMIT = int(os.environ.get("PORTAL_RATE_LIMIT", "60"))
PORTAL_POST_RATE_LIMIT = int(os.environ.get("PORTAL_POST_RATE_LIMIT", "10"))
# The reverse proxies (addresses or networks, e.g. "127.0.0.1,10.0.0.0/8") whose
# X-Forwarded-For header names the client for those limits; by default none is trusted and
# the client is REMOTE_ADDR (encaisse/core/ratelimit.py).
TRUSTED_PROXIES = env_list("ENCAISSE_TRUSTED_PROXIES", "")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES")
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
