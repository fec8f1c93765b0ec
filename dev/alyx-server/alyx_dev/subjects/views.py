from django_filters import rest_framework as filters
from rest_framework import generics

from alyx_dev.filters import BaseFilterSet

from .models import Subject
from .serializers import SubjectSerializer


class SubjectFilter(BaseFilterSet):
    lab = filters.CharFilter(field_name="lab__name")
    responsible_user = filters.CharFilter(field_name="responsible_user__username")

    class Meta:
        model = Subject
        fields = ("nickname",)


class SubjectList(generics.ListCreateAPIView):
    queryset = Subject.objects.select_related("lab", "responsible_user")
    serializer_class = SubjectSerializer
    filterset_class = SubjectFilter


class SubjectDetail(generics.RetrieveUpdateDestroyAPIView):
    """Subjects are addressed by nickname in Alyx (/subjects/KS022), not by UUID."""

    queryset = SubjectList.queryset
    serializer_class = SubjectSerializer
    lookup_field = "nickname"
