"""Error bodies as Alyx shapes them: DRF's, plus the HTTP status in "status_code"."""

from rest_framework.response import Response
from rest_framework.views import exception_handler


def status_code_exception_handler(exc, context):
    """Add "status_code" to every error body, and turn uncaught errors into a JSON 500.

    Mirrors rest_filters_exception_handler in Alyx's alyx/base.py.
    """
    response = exception_handler(exc, context)
    if response is None:
        return Response({"detail": str(exc), "status_code": 500}, status=500)
    if isinstance(response.data, dict):
        response.data["status_code"] = response.status_code
    return response
