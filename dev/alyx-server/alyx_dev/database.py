"""Getting a migrated (and seeded) SQLite database in place before the server starts.

Migrating and seeding a new database takes a second or two; copying a file takes milliseconds.
So the first start builds a template in the system temp folder, keyed by a hash of this
package's code and seed.json, and later starts copy it. Tests that start many servers pay once.
"""

import hashlib
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

import django
from django.core.management import call_command
from django.db import connections

from alyx_dev.seed import SEED_FILE, load_seed, seed_database

PACKAGE_DIR = Path(__file__).resolve().parent


def _template_path(seed: bool) -> Path:
    digest = hashlib.sha256(django.get_version().encode())
    for path in sorted(PACKAGE_DIR.rglob("*.py")) + [SEED_FILE]:
        digest.update(path.relative_to(PACKAGE_DIR.parent).as_posix().encode())
        digest.update(path.read_bytes())
    kind = "seeded" if seed else "empty"
    return Path(tempfile.gettempdir()) / "alyx-qc-dev-server" / f"{digest.hexdigest()[:16]}-{kind}.sqlite3"


def _migrate_and_seed(seed: bool) -> None:
    call_command("migrate", verbosity=0, interactive=False)
    if seed:
        seed_database(load_seed())


def _close_database() -> None:
    """Fold the write-ahead log into the main file, so the file alone is the whole database."""
    with connections["default"].cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connections.close_all()


def _refuse_old_schema(path: Path) -> None:
    """Stop on a database kept (--db) from before users became Alyx's LabMember.

    Its migrations carry the same names as today's, so migrate would take it as up to date and
    every request would then fail on a missing table.
    """
    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "django_migrations" in tables and "misc_labmember" not in tables:
        raise SystemExit(
            f"serve.py: {path} was made by an older development Alyx (users without Alyx's "
            "LabMember table). Delete it, or pass another --db, to start from the seed."
        )


def prepare_database(path: Path, seed: bool) -> None:
    """Make `path` (the database in settings) migrated and, if asked, seeded.

    An existing file is kept: migrations bring it up to date and seeding adds only what is
    missing. A missing file becomes a copy of the template, which is built first if need be.
    """
    if path.exists():
        _refuse_old_schema(path)
        _migrate_and_seed(seed)
        return
    template = _template_path(seed)
    if not template.exists():
        _migrate_and_seed(seed)
        _close_database()
        template.parent.mkdir(parents=True, exist_ok=True)
        # Copy then rename: a server starting at the same time never sees half a template.
        partial = template.with_suffix(f".{os.getpid()}.partial")
        shutil.copyfile(path, partial)
        os.replace(partial, template)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, path)
