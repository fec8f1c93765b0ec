from django_filters import rest_framework as filters
from rest_framework import generics

from alyx_dev.filters import BaseFilterSet

from .models import Session
from .serializers import SessionDetailSerializer, SessionListSerializer


class SessionFilter(BaseFilterSet):
    """The filters of Alyx's SessionFilter that a QC reviewer's client can use."""

    subject = filters.CharFilter(field_name="subject__nickname")
    lab = filters.CharFilter(field_name="lab__name")
    users = filters.CharFilter(field_name="users__username")
    type = filters.CharFilter(field_name="type", lookup_expr="iexact")
    task_protocol = filters.CharFilter(lookup_expr="icontains")
    projects = filters.CharFilter(field_name="projects__name", lookup_expr="icontains")
    project = filters.CharFilter(field_name="projects__name", lookup_expr="icontains")
    qc = filters.CharFilter(method="filter_qc")

    class Meta:
        model = Session
        fields = ("number",)

    def filter_qc(self, queryset, name, value):
        """?qc=CRITICAL, by name as the API shows it; Alyx lets an unknown name through as a 500."""
        values = {label.lower(): number for number, label in Session.QC_CHOICES}
        if value.lower().strip() not in values:
            choices = ", ".join(label for _, label in Session.QC_CHOICES)
            raise ValueError(f"Invalid{name}, choices are: {choices}")
        return queryset.filter(qc=values[value.lower().strip()])


class SessionList(generics.ListCreateAPIView):
    queryset = Session.objects.select_related("subject", "lab").prefetch_related(
        "users", "projects", "procedures"
    )
    filterset_class = SessionFilter

    def get_serializer_class(self):
        # A created session is answered in full, as GET /sessions/<id> would show it.
        return SessionListSerializer if self.request.method == "GET" else SessionDetailSerializer


class SessionDetail(generics.RetrieveUpdateDestroyAPIView):
    queryset = SessionList.queryset.select_related("location", "parent_session").prefetch_related(
        "probe_insertion__model", "probe_insertion__session__subject",
        "probe_insertion__session__lab", "probe_insertion__session__projects",
    )
    serializer_class = SessionDetailSerializer
