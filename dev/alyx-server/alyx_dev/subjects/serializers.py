from django.contrib.auth import get_user_model
from rest_framework import serializers

from alyx_dev.misc.models import Lab

from .models import Subject


class SubjectSerializer(serializers.HyperlinkedModelSerializer):
    """The fields of Alyx's subject serializers that exist here; `lab` is required on create and
    `responsible_user` defaults to the caller, as in Alyx."""

    responsible_user = serializers.SlugRelatedField(
        slug_field="username",
        queryset=get_user_model().objects.all(),
        default=serializers.CurrentUserDefault(),
    )
    lab = serializers.SlugRelatedField(slug_field="name", queryset=Lab.objects.all())

    class Meta:
        model = Subject
        fields = ("nickname", "url", "id", "responsible_user", "lab", "json")
        extra_kwargs = {"url": {"view_name": "subject-detail", "lookup_field": "nickname"}}
