"""Create the users alyx-qc's tests log in as, with the development Alyx's seed names and password.

Run by start.sh after the migrations, with alyx-local's Django settings. Everything else a test
needs (a subject, its sessions and insertions) the tests create by REST, as on any Alyx.
Idempotent: running it again resets the same users.
"""

import json
from pathlib import Path

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402

from alyx.misc.models import Lab  # noqa: E402

SEED = json.loads((Path(__file__).resolve().parent.parent / "alyx-server" / "seed.json").read_text())
PASSWORD = SEED["password"]
# (username, superuser, is_public_user): as in the development Alyx's seed.
USERS = [("admin", True, False), ("test_user", False, False), ("reviewer2", False, False), ("public_viewer", False, True)]

LabMember = get_user_model()
# A migration creates the default lab; make sure it is there even if a later one changes that.
lab, _ = Lab.objects.get_or_create(name=settings.DEFAULT_LAB_NAME)
for username, superuser, public in USERS:
    user, _ = LabMember.objects.get_or_create(username=username)
    user.is_superuser = user.is_staff = superuser
    user.is_public_user = public
    user.set_password(PASSWORD)
    user.save()
print(f"users: {', '.join(name for name, _, _ in USERS)}; lab: {lab.name}")
