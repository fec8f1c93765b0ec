"""The abstract model every Alyx table derives from."""

import uuid

from django.db import models


class BaseModel(models.Model):
    """A version-4 UUID primary key and a free-form `json` field, as Alyx's BaseModel."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Any JSON value (object, list, string, number, null); a PATCH replaces it whole.
    json = models.JSONField(
        null=True, blank=True, help_text="Structured data, formatted in a user-defined way"
    )

    class Meta:
        abstract = True
