"""Token authentication that fails with 403, as Alyx does."""

from rest_framework import authentication


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, minus the WWW-Authenticate challenge.

    Alyx lists SessionAuthentication before TokenAuthentication; DRF takes the challenge from the
    first authenticator, and SessionAuthentication has none, so Alyx answers a missing or stale
    token with 403 ("Invalid token.") rather than 401. Clients (ONE's AlyxClient) rely on that.
    """

    def authenticate_header(self, request):
        return None
