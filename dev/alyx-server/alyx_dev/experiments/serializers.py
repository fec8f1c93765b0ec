from rest_framework import serializers

from alyx_dev.actions.models import Session
from alyx_dev.fields import EmptyListField, NullField
from alyx_dev.subjects.models import Project

from .models import ProbeInsertion, ProbeModel


class SessionInfoSerializer(serializers.ModelSerializer):
    """The session an insertion belongs to, as Alyx shows it in `session_info`."""

    subject = serializers.SlugRelatedField(read_only=True, slug_field="nickname")
    lab = serializers.SlugRelatedField(read_only=True, slug_field="name")
    projects = serializers.SlugRelatedField(
        slug_field="name", queryset=Project.objects.all(), many=True
    )

    class Meta:
        model = Session
        fields = ("subject", "start_time", "number", "lab", "id", "projects", "task_protocol")


class ProbeInsertionListSerializer(serializers.ModelSerializer):
    """An insertion with Alyx's fields ("__all__" there, plus session_info)."""

    session = serializers.PrimaryKeyRelatedField(
        queryset=Session.objects.all(),
        required=False,
    )
    model = serializers.SlugRelatedField(
        slug_field="name", queryset=ProbeModel.objects.all(), required=False, allow_null=True
    )
    # No datasets nor chronic insertions here: Alyx's keys, always empty.
    datasets = EmptyListField()
    chronic_insertion = NullField()
    session_info = SessionInfoSerializer(read_only=True, source="session")

    class Meta:
        model = ProbeInsertion
        fields = (
            "id", "name", "json", "session", "model", "serial", "auto_datetime", "datasets",
            "chronic_insertion", "session_info",
        )
