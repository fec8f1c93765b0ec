from rest_framework import serializers

from .models import Subject


class SubjectSerializer(serializers.ModelSerializer):
    lab = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = Subject
        fields = ("id", "nickname", "lab", "json")
