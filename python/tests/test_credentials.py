"""Where the credentials come from: ONE's client, a token, or a typed password; and what is
refused before anything is sent."""

from __future__ import annotations

import json

import pytest
import requests

from alyx_qc._credentials import InvalidToken, TokenOwnerMismatch, normalise_base_url, resolve_credentials
from conftest import PASSWORD
from servers import Server, answer


@pytest.fixture
def one_client(alyx, tmp_path, monkeypatch):
    """ONE's real AlyxClient, logged in to the dev Alyx; its parameter files go to a temp HOME."""
    monkeypatch.setenv("HOME", str(tmp_path))
    from one.webclient import AlyxClient

    return AlyxClient(base_url=alyx.base_url, username="test_user", password=PASSWORD, silent=True, cache_dir=tmp_path / "cache")


class NoNetwork(requests.Session):
    def request(self, *args, **kwargs):  # noqa: ARG002
        raise AssertionError("no request may be sent")


def no_prompt(_message):
    raise AssertionError("no password may be asked for")


def test_reuses_ones_client_url_user_and_token(one_client, alyx):
    credentials = resolve_credentials(alyx=one_client, prompt=no_prompt)
    assert credentials.base_url == alyx.base_url
    assert credentials.username == "test_user"
    assert credentials.token() == one_client._token["token"]
    assert credentials.client is one_client


def test_reads_ones_token_live(one_client):
    credentials = resolve_credentials(alyx=one_client)
    one_client._token = {"token": "a" * 40}  # what authenticate(force=True) does
    assert credentials.token() == "a" * 40


def test_accepts_a_one_instance(one_client):
    class One:  # ONE exposes its AlyxClient as `.alyx`
        alyx = one_client

    assert resolve_credentials(alyx=One()).token() == one_client._token["token"]


def test_a_logged_out_one_client_is_refused(one_client):
    one_client._token = None
    with pytest.raises(ValueError, match=r"not logged in.*authenticate"):
        resolve_credentials(alyx=one_client)


def test_something_else_as_alyx_is_refused():
    with pytest.raises(TypeError, match="AlyxClient"):
        resolve_credentials(alyx="https://alyx.example.org")


def test_alyx_and_explicit_credentials_together_are_refused(one_client):
    with pytest.raises(TypeError, match="either alyx= or base_url=, token="):
        resolve_credentials(alyx=one_client, base_url="http://127.0.0.1:9", token="t")


def test_explicit_base_url_and_token(alyx):
    token = alyx.token("reviewer2")
    credentials = resolve_credentials(base_url=alyx.base_url + "/", token=f" {token} ", username="reviewer2", prompt=no_prompt)
    assert (credentials.base_url, credentials.username, credentials.token()) == (alyx.base_url, "reviewer2", token)
    assert credentials.owner_checked


def test_attack_another_users_token_under_my_name_is_refused_naming_both(alyx):
    # Issue 13 item 10: test_user's token with username admin signed off as admin.
    with pytest.raises(TokenOwnerMismatch, match=r"belongs to 'test_user', not 'admin'.*username='test_user'"):
        resolve_credentials(base_url=alyx.base_url, token=alyx.token("test_user"), username="admin", prompt=no_prompt)


def test_attack_ones_client_logged_in_as_another_user_is_refused(one_client, alyx):
    one_client._token = {"token": alyx.token("reviewer2")}
    with pytest.raises(TokenOwnerMismatch, match=r"belongs to 'reviewer2', not 'test_user'"):
        resolve_credentials(alyx=one_client)


def test_a_token_nobody_has_is_refused(alyx):
    with pytest.raises(PermissionError, match="refused the token|No Alyx user"):
        resolve_credentials(base_url=alyx.base_url, token="0" * 40, username="test_user", prompt=no_prompt)


def test_a_server_without_users_cannot_vouch_for_a_typed_token():
    # A stand-in for a deployment without /users (real part: a tiny HTTP server answering 404).
    server = Server(answer("404 Not Found", b'{"detail": "Not found."}'))
    try:
        with pytest.raises(PermissionError, match=r"has no /users endpoint.*Pass username= alone"):
            resolve_credentials(base_url=server.url, token="a" * 40, username="test_user", prompt=no_prompt)
    finally:
        server.close()


def test_a_server_that_ignores_the_token_filter_is_no_mismatch():
    # alyx-local 3.1.8 ignores django= on /users and lists every user: the first user listed is
    # not the token's owner (real part: a tiny HTTP server answering as alyx-local does).
    users = b'{"count": 2, "next": null, "previous": null, "results": [{"username": "admin"}, {"username": "test_user"}]}'
    server = Server(answer("200 OK", users))
    try:
        with pytest.raises(PermissionError, match=r"lists every user for a token's filter.*Pass username= alone"):
            resolve_credentials(base_url=server.url, token="a" * 40, username="test_user", prompt=no_prompt)
    finally:
        server.close()


def test_an_unreachable_alyx_leaves_the_owner_check_to_the_relay():
    credentials = resolve_credentials(base_url="http://127.0.0.1:9", token="a" * 40, username="u", prompt=no_prompt)
    assert credentials.owner_checked is False


@pytest.mark.parametrize("token", ["q7x3\r\nz9w1", "q7x3\nz9w1", "q7x3 z9w1", "q7x3\x00z9w1", "q7x3\u00f6z9w1", "q7x3" * 150])
def test_attack_a_token_with_line_breaks_or_other_characters_is_refused_unquoted(token):
    # Issue 13 item 9: a token holding CR/LF ended up, in pieces, in the saved notebook.
    with pytest.raises(InvalidToken, match="is not an Alyx token") as raised:
        resolve_credentials(base_url="http://127.0.0.1:9", token=token, username="u", prompt=no_prompt, session=NoNetwork())
    assert "q7x3" not in str(raised.value) and "z9w1" not in str(raised.value)


def test_attack_the_password_is_not_sent_after_a_redirect_at_login():
    # Issue 13 item 6: the password followed a 307/308 to another host. Real parts: two tiny
    # HTTP servers, the Alyx that redirects and the host it points to.
    elsewhere = Server(answer("200 OK", b'{"token": "' + b"e" * 40 + b'"}'))
    for status in ("307 Temporary Redirect", "308 Permanent Redirect", "302 Found"):
        alyx = Server(answer(status, headers={"Location": f"{elsewhere.url}/auth-token"}))
        try:
            with pytest.raises(ConnectionError, match=rf"answered {status[:3]}, a redirect to {elsewhere.url}/auth-token; the password was not sent"):
                resolve_credentials(base_url=alyx.url, username="test_user", prompt=lambda _: "SECRET-PASSWORD")
        finally:
            alyx.close()
        assert len(alyx.received) == 1
    assert elsewhere.received == []
    elsewhere.close()


def test_a_base_url_with_credentials_is_never_quoted_whole():
    with pytest.raises(ValueError) as raised:
        normalise_base_url("ftp://olivier:hunter2@alyx.example.org")
    assert "hunter2" not in str(raised.value) and "olivier" not in str(raised.value)


def test_a_token_needs_its_username():
    with pytest.raises(TypeError, match="username="):
        resolve_credentials(base_url="http://127.0.0.1:9", token="t", session=NoNetwork())


def test_username_alone_asks_the_password_and_logs_in(alyx):
    asked = []

    def prompt(message):
        asked.append(message)
        return PASSWORD

    credentials = resolve_credentials(base_url=alyx.base_url, username="test_user", prompt=prompt)
    assert asked == [f"Alyx password for test_user at {alyx.base_url}: "]
    assert credentials.token() == alyx.token("test_user")
    assert PASSWORD not in repr(credentials) and PASSWORD not in repr(vars(credentials))


def test_a_wrong_password_says_so(alyx):
    with pytest.raises(PermissionError, match="refused the username or password"):
        resolve_credentials(base_url=alyx.base_url, username="test_user", prompt=lambda _: "wrong")


def test_nothing_given_explains_the_three_ways():
    with pytest.raises(TypeError, match=r"alyx=one\.alyx.*token=.*username="):
        resolve_credentials()


@pytest.mark.parametrize(
    "url, why",
    [
        ("ftp://alyx.example.org", "must start with http:// or https://"),
        ("javascript:alert(1)", "must start with http:// or https://"),
        ("alyx.example.org", "must start with http:// or https://"),
        ("http://user:pw@alyx.example.org", "must not hold a username or password"),
        ("https://alyx.example.org/?x=1", "must not have a query"),
        ("http://", "has no host"),
        ("", "missing"),
    ],
)
def test_a_bad_base_url_is_refused_before_any_request(url, why):
    with pytest.raises(ValueError, match=why):
        resolve_credentials(base_url=url, username="u", prompt=no_prompt, session=NoNetwork())


@pytest.mark.parametrize(
    "url, normal",
    [
        ("HTTPS://Alyx.Example.org:443/", "https://alyx.example.org"),
        ("http://127.0.0.1:8000//", "http://127.0.0.1:8000"),
        ("http://host:80/api/", "http://host/api"),
        ("http://[::1]:9000", "http://[::1]:9000"),
    ],
)
def test_base_urls_are_normalised_as_the_browser_does(url, normal):
    assert normalise_base_url(url) == normal


def test_the_repr_hides_the_token():
    credentials = resolve_credentials(base_url="http://127.0.0.1:9", token="SECRET", username="u")
    assert "SECRET" not in repr(credentials)


def test_the_owner_is_asked_once_per_token_in_the_kernel(alyx):
    class Counting(requests.Session):
        def __init__(self):
            super().__init__()
            self.paths = []

        def request(self, method, url, *args, **kwargs):
            self.paths.append(url.split("?")[0])
            return super().request(method, url, *args, **kwargs)

    session = Counting()
    token = alyx.token("reviewer2")
    for _ in range(20):
        assert resolve_credentials(base_url=alyx.base_url, token=token, username="reviewer2", session=session).owner_checked
    assert session.paths.count(f"{alyx.base_url}/users") <= 1
    with pytest.raises(TokenOwnerMismatch, match="belongs to 'reviewer2', not 'admin'"):
        resolve_credentials(base_url=alyx.base_url, token=token, username="admin", session=session)
    assert session.paths.count(f"{alyx.base_url}/users") <= 1
