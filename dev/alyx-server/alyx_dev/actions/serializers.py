from django.contrib.auth import get_user_model
from rest_framework import serializers

from alyx_dev.fields import EnumField
from alyx_dev.misc.models import Lab
from alyx_dev.subjects.models import Project, Subject

from .models import Session


class SessionDetailSerializer(serializers.ModelSerializer):
    """A session as GET /sessions/<id> shows it, and as POST and PATCH take it."""

    subject = serializers.SlugRelatedField(slug_field="nickname", queryset=Subject.objects.all())
    users = serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.all(), many=True, required=False
    )
    lab = serializers.SlugRelatedField(
        slug_field="name", queryset=Lab.objects.all(), required=False, allow_null=True
    )
    projects = serializers.SlugRelatedField(
        slug_field="name", queryset=Project.objects.all(), many=True, required=False
    )
    qc = EnumField(choices=Session.QC_CHOICES, required=False)
    url = serializers.HyperlinkedIdentityField(view_name="session-detail")

    class Meta:
        model = Session
        fields = (
            "id", "subject", "users", "lab", "projects", "task_protocol", "number",
            "start_time", "end_time", "qc", "extended_qc", "json", "url",
        )


class SessionListSerializer(SessionDetailSerializer):
    """A session as GET /sessions lists it: like Alyx, without json, qc and the other details.

    A client has to read the session itself (GET /sessions/<id>) to see its json.
    """

    class Meta(SessionDetailSerializer.Meta):
        fields = ("id", "subject", "start_time", "number", "lab", "projects", "url", "task_protocol")
