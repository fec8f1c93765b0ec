"""The abstract model every Alyx table derives from, and the jsonb key order of its json."""

import uuid

from django.db import models


def jsonb_order(value):
    """`value` with every object's keys in PostgreSQL jsonb's order: shorter keys first, then bytewise.

    Alyx stores json in jsonb, which keeps no insertion order; a client must not rely on it, and
    against this server it cannot, because what is read back comes out in jsonb's order. (The
    answer to the PATCH itself is DRF's view of the object in memory, in the order sent, on both.)
    """
    if isinstance(value, dict):
        ordered = sorted(value, key=lambda key: (len(key.encode()), key.encode()))
        return {key: jsonb_order(value[key]) for key in ordered}
    if isinstance(value, list):
        return [jsonb_order(item) for item in value]
    return value


class JsonbField(models.JSONField):
    """A JSONField stored as PostgreSQL's jsonb would store it (see jsonb_order)."""

    def get_prep_value(self, value):
        return super().get_prep_value(jsonb_order(value))


class BaseModel(models.Model):
    """A version-4 UUID primary key, a `name` and a free-form `json` field, as Alyx's BaseModel."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=255, blank=True, help_text="Long name")
    # Any JSON value (object, list, string, number, null); a PATCH replaces it whole.
    json = JsonbField(
        null=True, blank=True, help_text="Structured data, formatted in a user-defined way"
    )

    class Meta:
        abstract = True
