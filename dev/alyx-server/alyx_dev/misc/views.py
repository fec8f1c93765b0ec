from django_filters import rest_framework as filters
from rest_framework import generics

from alyx_dev.filters import BaseFilterSet

from .models import Note
from .serializers import NoteSerializer


class NoteFilter(BaseFilterSet):
    user = filters.CharFilter(field_name="user__username")

    class Meta:
        model = Note
        fields = ("object_id",)


class NoteList(generics.ListCreateAPIView):
    queryset = Note.objects.select_related("user", "content_type")
    serializer_class = NoteSerializer
    filterset_class = NoteFilter


class NoteDetail(generics.RetrieveUpdateDestroyAPIView):
    queryset = NoteList.queryset
    serializer_class = NoteSerializer
