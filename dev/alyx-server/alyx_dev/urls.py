"""Alyx's routes, exactly: no trailing slash, detail routes take a UUID (or a nickname/username).

Anything else (`/notes/`, `/sessions/not-a-uuid`) is Django's own 404 page, HTML, as Alyx
answers with DEBUG off; errors inside a view are JSON (alyx_dev.exceptions).
"""

from django.urls import path, re_path
from rest_framework.authtoken.views import ObtainAuthToken

from alyx_dev.actions.views import SessionDetail, SessionList
from alyx_dev.experiments.views import ProbeInsertionDetail, ProbeInsertionList
from alyx_dev.misc.views import LabDetail, LabList, NoteDetail, NoteList, UploadedView, UserDetail, UserList
from alyx_dev.schema import schema_view
from alyx_dev.subjects.views import SubjectDetail, SubjectList

urlpatterns = [
    path("auth-token", ObtainAuthToken.as_view(), name="auth-token"),
    path("labs", LabList.as_view(), name="lab-list"),
    path("labs/<str:name>", LabDetail.as_view(), name="lab-detail"),
    path("notes", NoteList.as_view(), name="note-list"),
    path("notes/<uuid:pk>", NoteDetail.as_view(), name="note-detail"),
    path("users", UserList.as_view(), name="user-list"),
    path("users/<str:username>", UserDetail.as_view(), name="user-detail"),
    path("sessions", SessionList.as_view(), name="session-list"),
    path("sessions/<uuid:pk>", SessionDetail.as_view(), name="session-detail"),
    path("insertions", ProbeInsertionList.as_view(), name="probeinsertion-list"),
    path("insertions/<uuid:pk>", ProbeInsertionDetail.as_view(), name="probeinsertion-detail"),
    path("subjects", SubjectList.as_view(), name="subject-list"),
    path("subjects/<str:nickname>", SubjectDetail.as_view(), name="subject-detail"),
    path("api/schema", schema_view, name="schema"),
    re_path(r"^uploaded/(?P<path>.*)$", UploadedView.as_view(), name="uploaded"),
]
