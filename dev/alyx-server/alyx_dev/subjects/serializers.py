from django.contrib.auth import get_user_model
from rest_framework import serializers

from .models import Subject


class SubjectSerializer(serializers.ModelSerializer):
    lab = serializers.SlugRelatedField(slug_field="name", read_only=True)
    responsible_user = serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.all(), required=False
    )

    class Meta:
        model = Subject
        fields = ("id", "nickname", "responsible_user", "lab", "json")
