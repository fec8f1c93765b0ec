"""Who may do what: Alyx's rest_permission_classes()."""

from rest_framework import permissions


class BaseRestPublicPermission(permissions.BasePermission):
    """A public user (`is_public_user`) may only GET; everything else answers 403
    "You do not have permission to perform this action.", as on Alyx."""

    def has_permission(self, request, view):
        return request.method == "GET" or not request.user.is_public_user


# Alyx's rest_permission_classes(): logged in, and not a public user writing.
REST_PERMISSION = permissions.IsAuthenticated & BaseRestPublicPermission
