from django_filters import rest_framework as filters
from rest_framework import generics
from rest_framework.exceptions import ValidationError

from alyx_dev.filters import BaseFilterSet

from .models import Session
from .serializers import SessionDetailSerializer, SessionListSerializer


class SessionFilter(BaseFilterSet):
    subject = filters.CharFilter(field_name="subject__nickname")
    lab = filters.CharFilter(field_name="lab__name")
    task_protocol = filters.CharFilter(lookup_expr="icontains")
    qc = filters.CharFilter(method="filter_qc")

    class Meta:
        model = Session
        fields = ("number",)

    def filter_qc(self, queryset, name, value):
        """?qc=CRITICAL, by name as the API shows it (case-insensitive)."""
        values = {label.lower(): number for number, label in Session.QC_CHOICES}
        if value.lower() not in values:
            raise ValidationError({name: [f"Choices are: {', '.join(values).upper()}"]})
        return queryset.filter(qc=values[value.lower()])


class SessionList(generics.ListCreateAPIView):
    queryset = Session.objects.select_related("subject", "lab").prefetch_related(
        "users", "projects"
    )
    filterset_class = SessionFilter

    def get_serializer_class(self):
        # A created session is answered in full, as GET /sessions/<id> would show it.
        return SessionListSerializer if self.request.method == "GET" else SessionDetailSerializer


class SessionDetail(generics.RetrieveUpdateAPIView):
    queryset = SessionList.queryset
    serializer_class = SessionDetailSerializer
