"""alyx-local's own urls, plus its uploaded files under /media/.

In alyx-local's Docker image nginx serves /media/ from the upload folder; here Django does, from
MEDIA_ROOT, so that a note's `image` URL can be read back as a notebook would.
"""

from alyx.base.urls import urlpatterns as alyx_urlpatterns
from django.conf import settings
from django.urls import re_path
from django.views.static import serve

urlpatterns = [*alyx_urlpatterns, re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT})]
