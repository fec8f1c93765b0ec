"""Django settings for alyx-local 3.1.8 as alyx-qc's tests run it: PostgreSQL on loopback, no Docker.

alyx.base.settings assumes its Docker image: the database host `db` and a password file from
POSTGRES_PASSWORD_FILE when /.dockerenv exists, Redis as the cache, logs and data under /app.
Each of those is replaced here, after importing it, by what start.sh set up in $ALYX_LOCAL_STATE.
"""

import os
from pathlib import Path

STATE = Path(os.environ["ALYX_LOCAL_STATE"])
# Read by alyx.base.settings on import when /.dockerenv exists (CI machines may have one).
os.environ["POSTGRES_PASSWORD_FILE"] = str(STATE / "db-password")

import alyx  # noqa: E402
from alyx.base.settings import *  # noqa: E402,F403
from alyx.base.settings import TEMPLATES  # noqa: E402

# The database is named `alyx`: a migration grants on that name. The role is the cluster's
# superuser `postgres`, which the migrations expect to own a collation.
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "alyx",
        "USER": "postgres",
        "PASSWORD": (STATE / "db-password").read_text().strip(),
        "HOST": "127.0.0.1",
        "PORT": os.environ["ALYX_LOCAL_PG_PORT"],
    }
}

# alyx-local caches with django-redis (used, not declared); one process, so local memory does.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Errors go to stderr, which start.sh writes to $ALYX_LOCAL_STATE/server.log.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

BASE_DIR = Path(alyx.__file__).resolve().parent
TEMPLATES[0]["DIRS"] = [str(BASE_DIR / "templates")]
STATICFILES_DIRS = (str(BASE_DIR / "static_overrides"),)
STATIC_ROOT = str(STATE / "uploaded" / "static")
MEDIA_ROOT = str(STATE / "uploaded" / "media")
TABLES_ROOT = str(STATE / "tables")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": MEDIA_ROOT}},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage", "OPTIONS": {"location": STATIC_ROOT, "base_url": "/static/"}},
    "dbbackup": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(STATE / "backups")}},
}

# Uploaded files (note images) at /media/, which alyx-local's Docker image serves with nginx.
ROOT_URLCONF = "alyx_qc_local_urls"

# Test users' passwords are throwaway: hash them as the development Alyx does (MD5), not with
# PBKDF2's million rounds, which make each password login of the CLI suite take about a second.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
