from django.conf import settings
from django.contrib.auth import get_user_model
from django.views.static import serve
from rest_framework import generics, views

from alyx_dev.filters import BaseFilterSet

from .models import Lab, Note
from .serializers import LabSerializer, NoteSerializer, UserSerializer


class NoteFilter(BaseFilterSet):
    """Only `django=`: Alyx's notes take no other filter, so ?object_id= and ?user= are ignored."""


class NoteList(generics.ListCreateAPIView):
    queryset = Note.objects.select_related("user", "content_type")
    serializer_class = NoteSerializer
    filterset_class = NoteFilter


class NoteDetail(generics.RetrieveUpdateDestroyAPIView):
    queryset = NoteList.queryset
    serializer_class = NoteSerializer


class UserFilter(BaseFilterSet):
    class Meta:
        model = get_user_model()
        exclude = ["json"]


class UserList(generics.ListCreateAPIView):
    """Users; `?django=auth_token__key,<token>` names a token's owner, as on Alyx."""

    queryset = get_user_model().objects.prefetch_related("subjects_responsible", "allowed_users")
    serializer_class = UserSerializer
    filterset_class = UserFilter


class UserDetail(generics.RetrieveUpdateDestroyAPIView):
    queryset = UserList.queryset
    serializer_class = UserSerializer
    lookup_field = "username"


class LabFilter(BaseFilterSet):
    class Meta:
        model = Lab
        exclude = ["json"]


class LabList(generics.ListCreateAPIView):
    queryset = Lab.objects.order_by("name")
    serializer_class = LabSerializer
    filterset_class = LabFilter


class LabDetail(generics.RetrieveUpdateDestroyAPIView):
    queryset = LabList.queryset
    serializer_class = LabSerializer
    lookup_field = "name"


class UploadedView(views.APIView):
    """A note's image under `/uploaded/`, only with a token, as on Alyx 3.6.1 (its UploadedView
    takes rest_permission_classes(): no token, 403 "Authentication credentials were not provided.").

    With a token, Alyx 3.6.1's own view answers with the file's path as text (deployments serve the
    bytes from Apache); this one serves the bytes, so the tests read back what was stored."""

    schema = None  # not an API endpoint: out of /api/schema


    def get(self, request, path=""):
        return serve(request, path, document_root=settings.MEDIA_ROOT)
