from django_filters import rest_framework as filters
from rest_framework import generics

from alyx_dev.filters import BaseFilterSet

from .models import ProbeInsertion
from .serializers import ProbeInsertionSerializer


class ProbeInsertionFilter(BaseFilterSet):
    subject = filters.CharFilter(field_name="session__subject__nickname")

    class Meta:
        model = ProbeInsertion
        fields = ("session", "name")


class ProbeInsertionList(generics.ListCreateAPIView):
    queryset = ProbeInsertion.objects.select_related("model")
    serializer_class = ProbeInsertionSerializer
    filterset_class = ProbeInsertionFilter


class ProbeInsertionDetail(generics.RetrieveUpdateAPIView):
    queryset = ProbeInsertionList.queryset
    serializer_class = ProbeInsertionSerializer
