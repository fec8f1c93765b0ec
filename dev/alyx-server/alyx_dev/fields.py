"""Serializer fields with Alyx's wire formats."""

from django.contrib.contenttypes.models import ContentType
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# The apps whose objects may carry notes, as in Alyx ("data" and "jobs" have no models here).
NOTE_APPS = ("actions", "data", "experiments", "jobs", "subjects")


class ContentTypeField(serializers.SlugRelatedField):
    """A content type written as "session" or "actions.session", read as "actions.session".

    Alyx's BaseSerializerContentTypeField: an unknown name is not a validation error there but
    an uncaught ContentType.DoesNotExist, so Alyx answers 500 "ContentType matching query does
    not exist." and so does this server.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", ContentType.objects.filter(app_label__in=NOTE_APPS))
        kwargs.setdefault("slug_field", "model")
        super().__init__(**kwargs)

    def to_representation(self, value):
        return f"{value.app_label}.{value.model}"

    def to_internal_value(self, data):
        if "." in data:
            app_label, model = data.split(".")
            return self.get_queryset().get(model=model, app_label=app_label)
        return self.get_queryset().get(model=data)


class EnumField(serializers.ChoiceField):
    """An integer model field with choices, exchanged as the choice's label ("PASS").

    Alyx's BaseSerializerEnumField: the database keeps the integer, the API shows the name.
    """

    def __init__(self, choices, **kwargs):
        self._value_of = {label: value for value, label in choices}
        self._label_of = {value: label for value, label in choices}
        super().__init__(choices=list(self._value_of), **kwargs)

    def to_representation(self, value):
        return self._label_of[value]

    def to_internal_value(self, data):
        if data not in self._value_of:
            choices = ", ".join(self._value_of)
            raise serializers.ValidationError(f"Invalid {self.field_name}, choices are: {choices}")
        return self._value_of[data]


@extend_schema_field({"type": "array", "items": {"type": "object"}, "readOnly": True})
class EmptyListField(serializers.ReadOnlyField):
    """A related list Alyx shows (datasets, water administrations, fields of view) that the
    development Alyx has no tables for: always empty, so a session reads with Alyx's keys."""

    def __init__(self, **kwargs):
        super().__init__(source="*", **kwargs)

    def to_representation(self, value):
        return []


@extend_schema_field(OpenApiTypes.UUID)
class NullField(serializers.ReadOnlyField):
    """A relation Alyx shows that is always unset here (an insertion's chronic_insertion)."""

    def __init__(self, **kwargs):
        super().__init__(source="*", **kwargs)

    def to_representation(self, value):
        return None
