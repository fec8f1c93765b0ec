"""Alyx's routes: no trailing slash, though one is accepted; detail routes take the UUID."""

from django.conf import settings
from django.http import JsonResponse
from django.urls import re_path
from django.views.static import serve
from rest_framework.authtoken.views import ObtainAuthToken

from alyx_dev.actions.views import SessionDetail, SessionList
from alyx_dev.experiments.views import ProbeInsertionDetail, ProbeInsertionList
from alyx_dev.misc.views import NoteDetail, NoteList
from alyx_dev.subjects.views import SubjectDetail, SubjectList

UUID = r"(?P<pk>[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12})"


def endpoint(pattern, view, name):
    return re_path(rf"^{pattern}/?$", view.as_view(), name=name)


urlpatterns = [
    endpoint("auth-token", ObtainAuthToken, "auth-token"),
    endpoint("notes", NoteList, "note-list"),
    endpoint(f"notes/{UUID}", NoteDetail, "note-detail"),
    endpoint("sessions", SessionList, "session-list"),
    endpoint(f"sessions/{UUID}", SessionDetail, "session-detail"),
    endpoint("insertions", ProbeInsertionList, "probeinsertion-list"),
    endpoint(f"insertions/{UUID}", ProbeInsertionDetail, "probeinsertion-detail"),
    endpoint("subjects", SubjectList, "subject-list"),
    endpoint(r"subjects/(?P<nickname>[^/]+)", SubjectDetail, "subject-detail"),
    re_path(r"^uploaded/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
]


def _json_error(status, detail):
    def view(request, exception=None):
        return JsonResponse({"detail": detail, "status_code": status}, status=status)

    return view


# Django's own 404/500 pages are HTML; a REST client expects JSON errors everywhere.
handler404 = _json_error(404, "Not found.")
handler500 = _json_error(500, "Server error.")
