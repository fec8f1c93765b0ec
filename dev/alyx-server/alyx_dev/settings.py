"""Django settings of the development Alyx.

Everything that varies between runs comes from environment variables, which serve.py sets from
its command-line flags before Django starts:

- ALYX_DEV_DB: path of the SQLite database file (required).
- ALYX_DEV_MEDIA: folder for uploaded note images (default: beside the database).
- ALYX_DEV_THROTTLE: per-user rate of Alyx's `burst` scope, such as "10/second" or "550/minute";
  empty means no throttling.
- ALYX_DEV_CORS_ORIGINS: comma-separated origins allowed by CORS; empty means no CORS headers.

The REST_FRAMEWORK block mirrors Alyx's own (alyx/alyx/settings.py in cortex-lab/alyx).
"""

import os
from pathlib import Path

DATABASE_PATH = Path(os.environ["ALYX_DEV_DB"])
THROTTLE_RATE = os.environ.get("ALYX_DEV_THROTTLE", "").strip()
CORS_ORIGINS = [o for o in os.environ.get("ALYX_DEV_CORS_ORIGINS", "").split(",") if o]

# Public on purpose: this server only ever listens on 127.0.0.1 with public test credentials.
SECRET_KEY = "alyx-qc-development-server-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    # App labels are those of Alyx, so note content types read back as "actions.session" etc.
    "alyx_dev.misc",
    "alyx_dev.subjects",
    "alyx_dev.actions",
    "alyx_dev.experiments",
]
if CORS_ORIGINS:
    INSTALLED_APPS.append("corsheaders")

MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
if CORS_ORIGINS:
    # Must come before CommonMiddleware so that preflight requests are answered first.
    MIDDLEWARE.insert(0, "corsheaders.middleware.CorsMiddleware")
CORS_ALLOWED_ORIGINS = CORS_ORIGINS
# A browser client cannot honour Retry-After on a 429 unless the header is exposed to it.
CORS_EXPOSE_HEADERS = ["Retry-After"]

# Routes have no trailing slash, and one that has it is a 404, as on Alyx; never a redirect.
APPEND_SLASH = False
ROOT_URLCONF = "alyx_dev.urls"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATABASE_PATH),
        "OPTIONS": {
            # Concurrent writers from the server's threads wait for the lock instead of failing,
            # and IMMEDIATE transactions avoid SQLite's read-to-write upgrade deadlock.
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"
# Alyx's user model (UUID ids, is_public_user), so that /users and note users are as Alyx's.
AUTH_USER_MODEL = "misc.LabMember"

# Alyx runs with naive local datetimes (USE_TZ = False): date_time reads back without an offset.
USE_TZ = False
TIME_ZONE = "Europe/London"
USE_I18N = False

# PBKDF2 would cost most of a second per login on a 2-core CI machine; the passwords here are
# public test credentials, so the fast hasher Django recommends for test suites is enough.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

MEDIA_ROOT = os.environ.get("ALYX_DEV_MEDIA") or str(DATABASE_PATH.with_suffix(".media"))
MEDIA_URL = "/uploaded/"
# Alyx's default width for uploaded note images, overridden per request by the "width" field.
UPLOADED_IMAGE_WIDTH = 800

# The throttle history lives in this process's memory, which is the whole server.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["alyx_dev.authentication.TokenAuthentication"],
    # Alyx's rest_permission_classes(): logged in; a public user may only read.
    "DEFAULT_PERMISSION_CLASSES": ["alyx_dev.permissions.REST_PERMISSION"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "alyx_dev.pagination.LimitedLimitOffsetPagination",
    "PAGE_SIZE": 250,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "alyx_dev.exceptions.status_code_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": (
        ["alyx_dev.throttling.BurstRateThrottle", "alyx_dev.throttling.SustainedRateThrottle"]
        if THROTTLE_RATE
        else []
    ),
    "DEFAULT_THROTTLE_RATES": {"burst": THROTTLE_RATE or None, "sustained": None},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    # Server errors (500s) go to stderr so a failing test shows why; requests are not logged.
    "loggers": {"django.request": {"handlers": ["stderr"], "level": "ERROR"}},
}
