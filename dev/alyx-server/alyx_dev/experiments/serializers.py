from rest_framework import serializers

from .models import ProbeInsertion, ProbeModel


class ProbeInsertionSerializer(serializers.ModelSerializer):
    model = serializers.SlugRelatedField(
        slug_field="name", queryset=ProbeModel.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = ProbeInsertion
        fields = ("id", "name", "model", "session", "serial", "json")
