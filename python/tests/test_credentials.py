"""Where the credentials come from: ONE's client, a token, or a typed password; and what is
refused before anything is sent."""

from __future__ import annotations

import pytest
import requests

from alyx_qc._credentials import normalise_base_url, resolve_credentials
from conftest import PASSWORD


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
        resolve_credentials(alyx=one_client, base_url="http://x", token="t")


def test_explicit_base_url_and_token(alyx):
    credentials = resolve_credentials(base_url=alyx.base_url + "/", token=" tok ", username="reviewer2", prompt=no_prompt, session=NoNetwork())
    assert (credentials.base_url, credentials.username, credentials.token()) == (alyx.base_url, "reviewer2", "tok")


def test_a_token_needs_its_username():
    with pytest.raises(TypeError, match="username="):
        resolve_credentials(base_url="http://x", token="t", session=NoNetwork())


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
    credentials = resolve_credentials(base_url="http://x", token="SECRET", username="u")
    assert "SECRET" not in repr(credentials)
