from rest_framework import generics

from alyx_dev.filters import BaseFilterSet

from .models import Subject
from .serializers import SubjectSerializer


class SubjectFilter(BaseFilterSet):
    class Meta:
        model = Subject
        fields = ("nickname",)


class SubjectList(generics.ListAPIView):
    queryset = Subject.objects.select_related("lab")
    serializer_class = SubjectSerializer
    filterset_class = SubjectFilter


class SubjectDetail(generics.RetrieveAPIView):
    """Subjects are addressed by nickname in Alyx (/subjects/KS022), not by UUID."""

    queryset = SubjectList.queryset
    serializer_class = SubjectSerializer
    lookup_field = "nickname"
