"""What alyx-local's own settings (alyx.base.settings) import as `custom_settings` before the rest.

It looks for this module on sys.path; start.sh puts this folder there. The deployment-specific
values live here; what alyx.base.settings sets after the import (database, cache, logging, paths)
is overridden in alyx_qc_local.py.
"""

import secrets

# DEBUG would add the debug toolbar's middleware and urls: not part of a served Alyx.
DEBUG = False
# UTC, so that dates come back with a trailing `Z`, as alyx-local deployments answer.
TIME_ZONE = "UTC"
DEFAULT_LAB_NAME = "alyx_qc_lab"
# A throwaway server on loopback: a new key each start is enough (tokens live in the database).
SECRET_KEY = secrets.token_urlsafe(50)
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
CSRF_TRUSTED_ORIGINS = ["http://127.0.0.1", "http://localhost"]
NARRATIVE_TEMPLATES: dict[str, str] = {}
DBBACKUP_HOSTNAME = "alyx-qc-local"
AUTO_RESTORE_ON_STARTUP = False
