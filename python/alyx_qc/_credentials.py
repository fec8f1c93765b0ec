"""Where the widget's Alyx credentials come from, in order:

1. ``alyx=``: ONE's ``AlyxClient`` (or a ``ONE`` instance): its base URL, user and token, read
   live, so logging in again with ONE is seen by the widget;
2. ``base_url=`` + ``token=`` (+ ``username=``, whose name the notes are written in);
3. ``base_url=`` + ``username=``: the password is asked for with ``getpass`` and exchanged at once
   for a token (``POST /auth-token``); the password is not kept.

The token stays here, in Python: it is never a trait, never sent to the front end. It is
checked when the credentials are set up: only the characters a token has (a CR/LF in it would end
up, in pieces, in an error and the saved notebook), and its owner must be the username the notes
are written as (``GET /users?django=auth_token__key,<token>`` names the owner on Alyx 3.6.1;
asked once, by the kernel, never through the page).
"""

from __future__ import annotations

import getpass
import hashlib
import re
import threading
from typing import Any, Callable, Dict, Optional, Tuple
from urllib.parse import quote, urlsplit

import requests

__all__ = ["Credentials", "InvalidToken", "TokenOwnerMismatch", "check_token", "normalise_base_url", "resolve_credentials"]

_DEFAULT_PORTS = {"http": 80, "https": 443}
_EXAMPLE = "https://alyx.internationalbrainlab.org"
# RFC 6750's b64token: what an Authorization header's token may hold (DRF's are 40 hex digits).
_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
_MAX_TOKEN_LENGTH = 512
_TIMEOUT = (5.0, 30.0)

# Tokens' owners already named by Alyx in this kernel, keyed by the base URL and the token's
# SHA-256 (not the token): a notebook of twenty widgets asks once.
_OWNERS: Dict[Tuple[str, str], str] = {}
_OWNERS_LOCK = threading.Lock()


class InvalidToken(ValueError):
    """The token holds characters no token has (the message never quotes it)."""


class TokenOwnerMismatch(PermissionError):
    """The token belongs to another Alyx user than the one the notes would be written as."""


def check_token(token: object, where: str) -> str:
    """The token, if it can only be a token; else a ``ValueError`` that does not quote it."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token) or len(token) > _MAX_TOKEN_LENGTH:
        what = type(token).__name__ if not isinstance(token, str) else f"{len(token)} characters, not only letters, digits and -._~+/="
        raise InvalidToken(
            f"[alyx-qc] The token {where} is not an Alyx token ({what}; a line break or space copied with it?). "
            "Copy the token again from Alyx, or leave token= out to type the password."
        )
    return token


def _shown(url: str) -> str:
    """A URL as errors quote it: never a username or password in it."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=f"***@{parts.netloc.rpartition('@')[2]}").geturl()


def normalise_base_url(base_url: object) -> str:
    """The Alyx base URL as the front end's ``new URL()`` writes it: lower-case scheme and host,
    no default port, no trailing slash. Anything but http(s) is refused before any request."""
    if not isinstance(base_url, str) or not base_url.strip():
        raise ValueError(f'[alyx-qc] The Alyx base URL is missing: pass base_url="{_EXAMPLE}".')
    parts = urlsplit(base_url.strip())
    shown = _shown(base_url.strip())
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise ValueError(
            f'[alyx-qc] The Alyx base URL must start with http:// or https://, not "{shown}". '
            f'Pass it like "{_EXAMPLE}".'
        )
    if parts.username or parts.password:
        raise ValueError(
            "[alyx-qc] The Alyx base URL must not hold a username or password; "
            "pass username= (and token=, or type the password when asked) instead."
        )
    if parts.query or parts.fragment:
        raise ValueError(f'[alyx-qc] The Alyx base URL must not have a query or fragment: "{shown}".')
    try:
        host, port = parts.hostname, parts.port
    except ValueError as error:  # a port that is not a number
        raise ValueError(f'[alyx-qc] "{shown}" is not a valid URL: {error}.') from None
    if not host:
        raise ValueError(f'[alyx-qc] "{shown}" has no host. Pass it like "{_EXAMPLE}".')
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
        owner_checked: bool = True,
    ) -> None:
        self.base_url = normalise_base_url(base_url)
        self.username = username
        self._token = token
        self.client = client
        """ONE's AlyxClient when the credentials came from one, else ``None``."""
        self.owner_checked = owner_checked
        """Whether the token's owner is known to be ``username``; when ``False`` (Alyx could not be
        reached when the widget was created), the relay checks it before its first request."""
        self.trust_missing_users = client is not None
        """Whether a server without ``/users`` is trusted (see ``check_token_owner``)."""

    def token(self) -> Optional[str]:
        """The token to send now (ONE's client may have logged in again since), checked as a token."""
        token = self._token()
        if token is None:
            return None
        if self.client is not None and getattr(self.client, "user", self.username) != self.username:
            raise TokenOwnerMismatch(
                f"[alyx-qc] ONE's client is logged in as {getattr(self.client, 'user', None)!r} now, but this widget writes "
                f"as {self.username!r}: create the widget again."
            )
        return check_token(token, "ONE's client holds")

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
    token = _token_of(client)
    if not user or token is None:
        raise ValueError(
            f"[alyx-qc] The AlyxClient for {_shown(base_url)} is not logged in. "
            "Log in first (one.alyx.authenticate()), then create the widget again."
        )
    check_token(token, "ONE's client holds")
    return Credentials(base_url, user, lambda: _token_of(client), client=client, owner_checked=False)


def _login(base_url: str, username: str, password: str, session: requests.Session) -> str:
    url = f"{base_url}/auth-token"
    try:
        # Never after a redirect: the password (and the token answered) would go to wherever it points.
        response = session.post(url, data={"username": username, "password": password}, timeout=_TIMEOUT, allow_redirects=False)
    except requests.RequestException as error:
        raise ConnectionError(f"[alyx-qc] Could not reach {url}: {type(error).__name__}. Check the base URL and the network.") from None
    if 300 <= response.status_code < 400:
        location = _shown(response.headers.get("location", "(no Location)"))[:200]
        raise ConnectionError(
            f"[alyx-qc] POST {url} answered {response.status_code}, a redirect to {location}; the password was not sent there. "
            "Pass the base URL Alyx really answers at."
        )
    if response.status_code == 400:
        raise PermissionError(f"[alyx-qc] Alyx at {base_url} refused the username or password for {username!r}. Check them and try again.")
    if response.status_code != 200:
        raise ConnectionError(f"[alyx-qc] POST {url} answered {response.status_code}; is {base_url} an Alyx server?")
    try:
        token = response.json()["token"]
    except (ValueError, KeyError, TypeError):
        raise ConnectionError(f"[alyx-qc] POST {url} answered without a token; is {base_url} an Alyx server?") from None
    return check_token(token, f"POST {url} answered")


def owner_query(token: str) -> str:
    """The path that names the token's owner on Alyx 3.6.1 (the token is in its query: it goes
    only to the same Alyx, in the kernel, and is scrubbed from anything shown)."""
    return f"/users?django={quote(f'auth_token__key,{token}', safe=',')}"


def _owner_key(base_url: str, token: str) -> Tuple[str, str]:
    return base_url, hashlib.sha256(token.encode("utf-8")).hexdigest()


def _refuse_mismatch(owner: str, username: str) -> None:
    raise TokenOwnerMismatch(
        f"[alyx-qc] The token belongs to {owner!r}, not {username!r}: notes would be written in {username!r}'s name "
        f"with {owner!r}'s token. Pass username={owner!r}, or the token of {username!r}."
    )


def owner_known(credentials: Credentials, token: str) -> bool:
    """Whether Alyx already named this token's owner in this kernel; refuses a mismatch."""
    with _OWNERS_LOCK:
        owner = _OWNERS.get(_owner_key(credentials.base_url, token))
    if owner is None:
        return False
    if owner != credentials.username:
        _refuse_mismatch(owner, credentials.username)
    credentials.owner_checked = True
    return True


def _cannot_check(credentials: Credentials, why: str) -> None:
    """The server cannot name the token's owner: ONE's client is trusted, a typed token is not."""
    if credentials.trust_missing_users:
        return
    raise PermissionError(
        f"[alyx-qc] {credentials.base_url} {why}, so whose token this is cannot be checked, and notes "
        f"would be written as {credentials.username!r} unchecked. Pass username= alone (you will be asked for the password) or alyx=one.alyx."
    )


def check_token_owner(credentials: Credentials, status: int, body: Any, token: Optional[str] = None) -> None:
    """Refuses credentials whose token is another user's, from the answer to ``owner_query``.

    A server without ``/users`` (404) cannot say whose the token is: a token typed with
    ``username=`` is then refused (log in with the password instead, which proves the pair),
    and ONE's client is trusted, since ONE logged in as its user itself.
    """
    username = credentials.username
    if status == 404:
        _cannot_check(credentials, "has no /users endpoint")
        return
    if status in (401, 403):
        raise PermissionError(f"[alyx-qc] Alyx at {credentials.base_url} refused the token ({status}): copy it again, or pass username= alone to type the password.")
    results = body.get("results") if isinstance(body, dict) else body
    if status != 200 or not isinstance(results, list):
        raise ConnectionError(f"[alyx-qc] GET {credentials.base_url}/users answered {status}; is {credentials.base_url} an Alyx server?")
    owners = [entry.get("username") for entry in results if isinstance(entry, dict)]
    if len(owners) > 1:
        # Some Alyx forks (alyx-local 3.1.8) ignore this filter and list every user: no answer, not a mismatch.
        _cannot_check(credentials, "lists every user for a token's filter")
        return
    if not owners:
        raise PermissionError(f"[alyx-qc] No Alyx user at {credentials.base_url} has this token: copy it again, or pass username= alone to type the password.")
    if token is not None and len(owners) == 1 and isinstance(owners[0], str):
        with _OWNERS_LOCK:
            _OWNERS[_owner_key(credentials.base_url, token)] = owners[0]
    if owners != [username]:
        _refuse_mismatch(str(owners[0]), username)
    credentials.owner_checked = True


def _check_owner_now(credentials: Credentials, session: requests.Session) -> None:
    """Asks Alyx whose the token is; leaves the check to the relay when Alyx cannot be reached."""
    token = credentials.token()
    if token is None or owner_known(credentials, token):
        return
    try:
        response = session.get(
            f"{credentials.base_url}{owner_query(token)}",
            headers={"Authorization": f"Token {token}", "Accept": "application/json"},
            timeout=_TIMEOUT,
            allow_redirects=False,
        )
        status = response.status_code
        body = response.json() if status == 200 else None
    except (requests.RequestException, ValueError):
        # Offline (or not JSON): the widget can be made; its relay asks before its first request.
        return
    check_token_owner(credentials, status, body, token)


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
    session = session or requests.Session()
    if alyx is not None:
        given = [name for name, value in (("base_url", base_url), ("token", token), ("username", username)) if value is not None]
        if given:
            raise TypeError(f"[alyx-qc] Pass either alyx= or {', '.join(f'{name}=' for name in given)}, not both.")
        credentials = _from_alyx(alyx)
        _check_owner_now(credentials, session)
        return credentials
    if base_url is None:
        raise TypeError(
            "[alyx-qc] No Alyx to talk to. Pass alyx=one.alyx (ONE's client), or "
            f'base_url="{_EXAMPLE}" with token= and username=, or with username= alone to type the password.'
        )
    url = normalise_base_url(base_url)
    if not username:
        what = "the token's user" if token else "who you are (you will be asked for the password)"
        raise TypeError(f"[alyx-qc] Pass username= with base_url=: {what}. Notes are written in that user's name.")
    if not isinstance(username, str):
        raise TypeError(f"[alyx-qc] username= takes the Alyx user name as a string, not {type(username).__name__}.")
    if token is not None:
        if not isinstance(token, str) or not token.strip():
            raise ValueError("[alyx-qc] token= is empty. Copy the token from Alyx, or leave it out to type the password.")
        fixed = check_token(token.strip(), "given as token=")
        credentials = Credentials(url, username, lambda: fixed, owner_checked=False)
        _check_owner_now(credentials, session)
        return credentials
    password = prompt(f"Alyx password for {username} at {url}: ")
    fresh = _login(url, username, password, session)
    del password
    # Logging in as the user proves the pair: no owner check needed.
    return Credentials(url, username, lambda: fresh)
