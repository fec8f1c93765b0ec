from django.contrib.auth import get_user_model
from rest_framework import serializers

from alyx_dev.fields import ContentTypeField

from .images import requested_width, resized
from .models import Note


class NoteSerializer(serializers.ModelSerializer):
    # Any existing username may be written, as in Alyx; absent means the requesting user.
    user = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.all(),
        default=serializers.CurrentUserDefault(),
    )
    content_type = ContentTypeField()
    image = serializers.ImageField(use_url=True, required=False, allow_null=True)

    class Meta:
        model = Note
        fields = ("id", "user", "date_time", "content_type", "object_id", "text", "image", "json")

    def validate(self, attrs):
        # The object may come from this request or, on PATCH, from the note being changed.
        content_type = attrs.get("content_type") or self.instance.content_type
        object_id = attrs.get("object_id") or self.instance.object_id
        if not content_type.model_class().objects.filter(pk=object_id).exists():
            raise serializers.ValidationError(
                {"object_id": [f"No {content_type.model} with id {object_id} exists."]}
            )
        if attrs.get("image"):
            width = requested_width(self.context["request"].data.get("width"))
            attrs["image"] = resized(attrs["image"], width)
        return attrs
