"""Serializer fields with Alyx's wire formats."""

from django.contrib.contenttypes.models import ContentType
from rest_framework import serializers

# The apps whose objects may carry notes (Alyx also lists "data" and "jobs", absent here).
NOTE_APPS = ("actions", "experiments", "subjects")


class ContentTypeField(serializers.RelatedField):
    """A content type written as "session" or "actions.session", read as "actions.session".

    Alyx's BaseSerializerContentTypeField: the model name alone is enough on write because the
    apps that can carry notes have no model names in common.
    """

    default_error_messages = {
        "does_not_exist": 'Unknown content type "{value}"; expected one of: {choices}.',
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", ContentType.objects.filter(app_label__in=NOTE_APPS))
        super().__init__(**kwargs)

    def to_representation(self, value):
        return f"{value.app_label}.{value.model}"

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("does_not_exist", value=data, choices=self._choices())
        app_label, _, model = data.rpartition(".")
        matches = self.get_queryset().filter(model=model.lower())
        if app_label:
            matches = matches.filter(app_label=app_label)
        content_type = matches.first()
        if content_type is None:
            self.fail("does_not_exist", value=data, choices=self._choices())
        return content_type

    def _choices(self):
        return ", ".join(sorted(ct.model for ct in self.get_queryset()))


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
        return self._value_of[super().to_internal_value(data)]
