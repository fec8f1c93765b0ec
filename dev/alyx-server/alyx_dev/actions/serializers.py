from django.contrib.auth import get_user_model
from rest_framework import serializers

from alyx_dev.experiments.serializers import ProbeInsertionListSerializer
from alyx_dev.fields import EmptyListField, EnumField
from alyx_dev.misc.models import Lab, LabLocation
from alyx_dev.misc.serializers import NoteSerializer
from alyx_dev.subjects.models import Project, Subject

from .models import ProcedureType, Session

# Alyx's SESSION_FIELDS, in its order.
SESSION_FIELDS = (
    "subject", "users", "location", "procedures", "lab", "projects", "type", "task_protocol",
    "number", "start_time", "end_time", "narrative", "parent_session", "n_correct_trials",
    "n_trials", "url", "extended_qc", "qc", "wateradmin_session_related",
    "data_dataset_session_related", "auto_datetime", "id", "json", "probe_insertion",
    "field_of_view", "notes",
)


class BaseActionSerializer(serializers.HyperlinkedModelSerializer):
    subject = serializers.SlugRelatedField(slug_field="nickname", queryset=Subject.objects.all())
    users = serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.all(), many=True, required=False
    )
    location = serializers.SlugRelatedField(
        slug_field="name", queryset=LabLocation.objects.all(), allow_null=True, required=False
    )
    procedures = serializers.SlugRelatedField(
        slug_field="name", queryset=ProcedureType.objects.all(), many=True, required=False
    )
    lab = serializers.SlugRelatedField(slug_field="name", queryset=Lab.objects.all(), required=False)

    def create(self, validated_data):
        # As Alyx: a session created without users is the caller's.
        if not validated_data.get("users"):
            validated_data["users"] = [self.context["request"].user]
        return super().create(validated_data)


class SessionListSerializer(BaseActionSerializer):
    """A session as GET /sessions lists it: like Alyx, without json, qc and the other details.

    A client has to read the session itself (GET /sessions/<id>) to see its json.
    """

    projects = serializers.SlugRelatedField(
        slug_field="name", queryset=Project.objects.all(), many=True
    )

    class Meta:
        model = Session
        fields = ("id", "subject", "start_time", "number", "lab", "projects", "url", "task_protocol")


class SessionDetailSerializer(BaseActionSerializer):
    """A session as GET /sessions/<id> shows it, and as POST and PATCH take it."""

    data_dataset_session_related = EmptyListField()
    wateradmin_session_related = EmptyListField()
    probe_insertion = ProbeInsertionListSerializer(read_only=True, many=True)
    field_of_view = EmptyListField()
    projects = serializers.SlugRelatedField(
        slug_field="name", queryset=Project.objects.all(), many=True, required=False
    )
    notes = NoteSerializer(read_only=True, many=True)
    qc = EnumField(choices=Session.QC_CHOICES, required=False)

    class Meta:
        model = Session
        fields = SESSION_FIELDS
