"""Fill the database with the fixed users, subjects, sessions, insertions and notes of seed.json.

seed.json is the one source of these records: tests and the demo read their ids from it. Seeding
only creates what is missing, so re-running it on a kept database (--db) leaves whatever the
demo or a person changed since.
"""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from alyx_dev.actions.models import Session
from alyx_dev.experiments.models import ProbeInsertion, ProbeModel
from alyx_dev.misc.models import Lab, LabMembership, Note
from alyx_dev.subjects.models import Project, Subject

SEED_FILE = Path(__file__).resolve().parent.parent / "seed.json"


def load_seed() -> dict:
    return json.loads(SEED_FILE.read_text(encoding="utf-8"))


@transaction.atomic
def seed_database(seed: dict) -> None:
    User = get_user_model()
    lab, _ = Lab.objects.get_or_create(name=seed["lab"])
    for entry in seed["users"]:
        user, created = User.objects.get_or_create(
            username=entry["username"],
            defaults={
                "is_superuser": entry["superuser"],
                "is_staff": entry["superuser"],
                # Alyx's read-only account: GET only, every write 403.
                "is_public_user": entry["public"],
            },
        )
        if created:
            user.set_password(seed["password"])
            user.save()
            LabMembership.objects.create(user=user, lab=lab)
    for entry in seed["subjects"]:
        Subject.objects.get_or_create(
            id=entry["id"], defaults={"nickname": entry["nickname"], "lab": lab}
        )

    for entry in seed["sessions"]:
        session, created = Session.objects.get_or_create(
            id=entry["id"],
            defaults={
                "subject": Subject.objects.get(nickname=entry["subject"]),
                "lab": lab,
                "number": entry["number"],
                "type": entry["type"],
                "start_time": entry["start_time"],
                "end_time": entry["end_time"],
                "task_protocol": entry["task_protocol"],
                "json": entry["json"],
            },
        )
        if created:
            session.users.set(User.objects.filter(username__in=entry["users"]))
            session.projects.set(
                Project.objects.get_or_create(name=name)[0] for name in entry["projects"]
            )

    for entry in seed["insertions"]:
        ProbeInsertion.objects.get_or_create(
            id=entry["id"],
            defaults={
                "session_id": entry["session"],
                "name": entry["name"],
                "model": ProbeModel.objects.get_or_create(name=entry["model"])[0],
                "serial": entry["serial"],
            },
        )

    # A few notes exist on any Alyx; lists of notes then have more than one page at ?limit=1.
    for entry in seed["notes"]:
        Note.objects.get_or_create(
            id=entry["id"],
            defaults={
                "user": User.objects.get(username=entry["user"]),
                "content_type": ContentType.objects.get(model=entry["content_type"]),
                "object_id": entry["object_id"],
                "text": entry["text"],
            },
        )
