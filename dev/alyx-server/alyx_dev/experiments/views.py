from django_filters import rest_framework as filters
from rest_framework import generics

from alyx_dev.filters import BaseFilterSet

from .models import ProbeInsertion
from .serializers import ProbeInsertionListSerializer


class ProbeInsertionFilter(BaseFilterSet):
    """The filters of Alyx's ProbeInsertionFilter that a QC reviewer's client can use."""

    subject = filters.CharFilter(field_name="session__subject__nickname")
    date = filters.CharFilter(field_name="session__start_time__date")
    experiment_number = filters.CharFilter(field_name="session__number")
    name = filters.CharFilter(field_name="name")
    session = filters.UUIDFilter(field_name="session")
    model = filters.CharFilter(field_name="model__name")
    lab = filters.CharFilter(field_name="session__lab__name", lookup_expr="iexact")
    project = filters.CharFilter(field_name="session__projects__name", lookup_expr="icontains")
    task_protocol = filters.CharFilter(field_name="session__task_protocol", lookup_expr="icontains")

    class Meta:
        model = ProbeInsertion
        fields = ("serial",)


class ProbeInsertionList(generics.ListCreateAPIView):
    queryset = ProbeInsertion.objects.select_related(
        "model", "session", "session__subject", "session__lab"
    ).prefetch_related("session__projects")
    serializer_class = ProbeInsertionListSerializer
    filterset_class = ProbeInsertionFilter


class ProbeInsertionDetail(generics.RetrieveUpdateDestroyAPIView):
    queryset = ProbeInsertionList.queryset
    serializer_class = ProbeInsertionListSerializer
