from django.contrib.auth import get_user_model
from rest_framework import serializers

from alyx_dev.fields import ContentTypeField, EmptyListField
from alyx_dev.subjects.models import Subject

from .images import requested_width, resized
from .models import Lab, Note


class NoteSerializer(serializers.ModelSerializer):
    """Alyx's NoteSerializer, with its answers on bad input.

    `user` is required and may name any existing user. The object is looked up only when the
    note is saved, and its absence is not a validation error: Alyx answers 500 "Session matching
    query does not exist." And the lookup reads content_type and object_id from the request
    alone, so a PATCH without them answers 500 "'content_type'": clients send the full body.
    """

    user = serializers.SlugRelatedField(slug_field="username", queryset=get_user_model().objects.all())
    content_type = ContentTypeField()
    image = serializers.ImageField(use_url=True, required=False)

    class Meta:
        model = Note
        fields = ("id", "user", "date_time", "content_type", "object_id", "text", "image", "json")

    def _check_related_object_exists(self):
        content_type = self.validated_data["content_type"]
        content_type.model_class().objects.get(id=self.validated_data["object_id"])

    def save(self, **kwargs):
        self._check_related_object_exists()
        if self.validated_data.get("image"):
            width = requested_width(self.context["request"].data.get("width"))
            self.validated_data["image"] = resized(self.validated_data["image"], width)
        return super().save(**kwargs)


class UserSerializer(serializers.ModelSerializer):
    subjects_responsible = serializers.SlugRelatedField(
        many=True, queryset=Subject.objects.all(), slug_field="nickname"
    )
    allowed_users = serializers.SlugRelatedField(
        many=True, queryset=get_user_model().objects.all(), slug_field="username"
    )

    class Meta:
        model = get_user_model()
        fields = (
            "id", "username", "email", "subjects_responsible", "lab", "allowed_users",
            "is_stock_manager",
        )


class LabSerializer(serializers.ModelSerializer):
    # Alyx's data repositories have no table here.
    repositories = EmptyListField()

    class Meta:
        model = Lab
        fields = (
            "name", "institution", "address", "timezone", "repositories", "reference_weight_pct",
            "zscore_weight_pct", "json",
        )
