"""Where the widget's Alyx credentials come from, in order:

1. ``alyx=``: ONE's ``AlyxClient`` (or a ``ONE`` instance): its base URL, user and token, read
   live, so logging in again with ONE is seen by the widget;
2. ``base_url=`` + ``token=`` (+ ``username=``, whose name the notes are written in);
3. ``base_url=`` + ``username=``: the password is asked for with ``getpass`` and exchanged at once
   for a token (``POST /auth-token``); the password is not kept.

The token stays here, in Python: it is never a trait, never sent to the front end.
"""

from __future__ import annotations

import getpass
from typing import Any, Callable, Optional
from urllib.parse import urlsplit

import requests

__all__ = ["Credentials", "normalise_base_url", "resolve_credentials"]

_DEFAULT_PORTS = {"http": 80, "https": 443}
_EXAMPLE = "https://alyx.internationalbrainlab.org"


def normalise_base_url(base_url: object) -> str:
    """The Alyx base URL as the front end's ``new URL()`` writes it: lower-case scheme and host,
    no default port, no trailing slash. Anything but http(s) is refused before any request."""
    if not isinstance(base_url, str) or not base_url.strip():
        raise ValueError(f'[alyx-qc] The Alyx base URL is missing: pass base_url="{_EXAMPLE}".')
    parts = urlsplit(base_url.strip())
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(
            f'[alyx-qc] The Alyx base URL must start with http:// or https://, not "{base_url}". '
            f'Pass it like "{_EXAMPLE}".'
        )
    if parts.username or parts.password:
        raise ValueError(
            "[alyx-qc] The Alyx base URL must not hold a username or password; "
            "pass username= (and token=, or type the password when asked) instead."
        )
    if parts.query or parts.fragment:
        raise ValueError(f'[alyx-qc] The Alyx base URL must not have a query or fragment: "{base_url}".')
    try:
        host, port = parts.hostname, parts.port
    except ValueError as error:  # a port that is not a number
        raise ValueError(f'[alyx-qc] "{base_url}" is not a valid URL: {error}.') from None
    if not host:
        raise ValueError(f'[alyx-qc] "{base_url}" has no host. Pass it like "{_EXAMPLE}".')
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        netloc += f":{port}"
    return f"{scheme}://{netloc}{parts.path.rstrip('/')}"


class Credentials:
    """The base URL, the user, and a way to read the current token. Shows no token in its repr."""

    def __init__(
        self,
        base_url: str,
        username: str,
        token: Callable[[], Optional[str]],
        *,
        client: Any = None,
    ) -> None:
        self.base_url = normalise_base_url(base_url)
        self.username = username
        self._token = token
        self.client = client
        """ONE's AlyxClient when the credentials came from one, else ``None``."""

    def token(self) -> Optional[str]:
        """The token to send now (ONE's client may have logged in again since)."""
        return self._token()

    def __repr__(self) -> str:
        return f"Credentials(base_url={self.base_url!r}, username={self.username!r}, token=<hidden>)"


def _token_of(client: Any) -> Optional[str]:
    # ONE keeps `{"token": "..."}` in `_token` (one/webclient.py, AlyxClient.authenticate).
    token = getattr(client, "_token", None)
    if isinstance(token, dict):
        token = token.get("token") or next(iter(token.values()), None)
    return token if isinstance(token, str) and token else None


def _from_alyx(alyx: Any) -> Credentials:
    # A ONE instance holds its AlyxClient as `.alyx`; accept either.
    client = alyx.alyx if hasattr(alyx, "alyx") and not hasattr(alyx, "_token") else alyx
    base_url = getattr(client, "base_url", None)
    if not isinstance(base_url, str):
        raise TypeError(
            f"[alyx-qc] alyx= must be ONE's AlyxClient (one.alyx) or a ONE instance, not {type(alyx).__name__}."
        )
    user = getattr(client, "user", None)
    if not user or _token_of(client) is None:
        raise ValueError(
            f"[alyx-qc] The AlyxClient for {base_url} is not logged in. "
            "Log in first (one.alyx.authenticate()), then create the widget again."
        )
    return Credentials(base_url, user, lambda: _token_of(client), client=client)


def _login(base_url: str, username: str, password: str, session: requests.Session) -> str:
    url = f"{base_url}/auth-token"
    try:
        response = session.post(url, data={"username": username, "password": password}, timeout=(5, 30))
    except requests.RequestException as error:
        raise ConnectionError(f"[alyx-qc] Could not reach {url}: {type(error).__name__}. Check the base URL and the network.") from None
    if response.status_code == 400:
        raise PermissionError(f"[alyx-qc] Alyx at {base_url} refused the username or password for {username!r}. Check them and try again.")
    if response.status_code != 200:
        raise ConnectionError(f"[alyx-qc] POST {url} answered {response.status_code}; is {base_url} an Alyx server?")
    try:
        token = response.json()["token"]
    except (ValueError, KeyError, TypeError):
        raise ConnectionError(f"[alyx-qc] POST {url} answered without a token; is {base_url} an Alyx server?") from None
    return token


def resolve_credentials(
    *,
    alyx: Any = None,
    base_url: Optional[str] = None,
    token: Optional[str] = None,
    username: Optional[str] = None,
    prompt: Callable[[str], str] = getpass.getpass,
    session: Optional[requests.Session] = None,
) -> Credentials:
    """Credentials from ``alyx=``, or ``base_url=`` with ``token=`` or ``username=`` (see module doc)."""
    if alyx is not None:
        given = [name for name, value in (("base_url", base_url), ("token", token), ("username", username)) if value is not None]
        if given:
            raise TypeError(f"[alyx-qc] Pass either alyx= or {', '.join(f'{name}=' for name in given)}, not both.")
        return _from_alyx(alyx)
    if base_url is None:
        raise TypeError(
            "[alyx-qc] No Alyx to talk to. Pass alyx=one.alyx (ONE's client), or "
            f'base_url="{_EXAMPLE}" with token= and username=, or with username= alone to type the password.'
        )
    url = normalise_base_url(base_url)
    if not username:
        what = "the token's user" if token else "who you are (you will be asked for the password)"
        raise TypeError(f"[alyx-qc] Pass username= with base_url=: {what}. Notes are written in that user's name.")
    if token is not None:
        if not isinstance(token, str) or not token.strip():
            raise ValueError("[alyx-qc] token= is empty. Copy the token from Alyx, or leave it out to type the password.")
        fixed = token.strip()
        return Credentials(url, username, lambda: fixed)
    password = prompt(f"Alyx password for {username} at {url}: ")
    fresh = _login(url, username, password, session or requests.Session())
    del password
    return Credentials(url, username, lambda: fresh)
