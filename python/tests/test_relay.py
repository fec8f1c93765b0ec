"""The kernel-side relay against the real development Alyx: what it sends, what it refuses and
why, the errors it answers with, and that no answer ever holds the token."""

from __future__ import annotations

import json
import socket
import threading
import time
from urllib.parse import quote

import pytest

from alyx_qc._credentials import Credentials
from alyx_qc._relay import Relay, RelayRefused

SESSION = "d9e994e1-c4aa-4d58-a958-c247286598f6"
INSERTION = "9f7834cb-8a17-4681-a679-2909aeaaa688"


def relay_for(alyx, token=None, **options) -> Relay:
    secret = token or alyx.token()
    return Relay(Credentials(alyx.base_url, "test_user", lambda: secret), **options)


def request(url, method="GET", body=None, id="r-1"):
    message = {"type": "alyx-request", "id": id, "method": method, "url": url}
    if body is not None:
        message["body"] = body
    return message


def test_reads_a_session_with_the_users_token(alyx):
    answer = relay_for(alyx).perform(request(f"{alyx.base_url}/sessions/{SESSION}"))
    assert answer["type"] == "alyx-response" and answer["id"] == "r-1"
    assert answer["status"] == 200
    assert json.loads(answer["body"])["id"] == SESSION
    assert answer["headers"]["content-type"].startswith("application/json")


def test_passes_only_content_type_and_retry_after(alyx):
    answer = relay_for(alyx).perform(request(f"{alyx.base_url}/sessions/{SESSION}"))
    assert set(answer["headers"]) <= {"content-type", "retry-after"}


def test_lists_with_django_filter_limit_and_offset(alyx):
    django = quote(f"text__icontains,=== SIGN-OFF NOTE FOR _x ===,object_id,{SESSION}")
    answer = relay_for(alyx).perform(request(f"{alyx.base_url}/notes?django={django}&limit=250&offset=0"))
    assert answer["status"] == 200
    assert json.loads(answer["body"])["count"] == 0


def test_creates_patches_and_deletes_a_note(alyx, unique):
    relay = relay_for(alyx)
    eid = alyx.new_session()
    text = json.dumps({"title": f"note {unique}", "reasons_selected": ["x"], "reason_for_other": []})
    body = json.dumps({"user": "test_user", "content_type": "session", "object_id": eid, "text": text})
    created = relay.perform(request(f"{alyx.base_url}/notes", "POST", body))
    assert created["status"] == 201, created
    note_id = json.loads(created["body"])["id"]
    changed = text.replace('["x"]', '["x", "y"]')
    patched = relay.perform(request(f"{alyx.base_url}/notes/{note_id}", "PATCH", json.dumps({"text": changed})))
    assert patched["status"] == 200
    assert [note["text"] for note in alyx.notes_of(eid)] == [changed]
    deleted = relay.perform(request(f"{alyx.base_url}/notes/{note_id}", "DELETE"))
    assert deleted["status"] == 204 and deleted["body"] == ""
    assert alyx.notes_of(eid) == []


def test_an_alyx_error_comes_back_as_the_response_it_is(alyx):
    answer = relay_for(alyx).perform(request(f"{alyx.base_url}/sessions/{'4' * 8}-4444-4444-8444-{'4' * 12}"))
    assert answer["type"] == "alyx-response"
    assert answer["status"] == 404
    assert json.loads(answer["body"])["detail"]


def test_a_stale_token_answers_403_invalid_token(alyx):
    answer = relay_for(alyx, token="0" * 40).perform(request(f"{alyx.base_url}/sessions/{SESSION}"))
    assert answer["status"] == 403
    assert json.loads(answer["body"])["detail"] == "Invalid token."


@pytest.mark.parametrize(
    "method, path, body, why",
    [
        ("GET", "/auth-token", None, "not an endpoint alyx-qc uses"),
        ("POST", "/auth-token", '{"username": "admin"}', "not an endpoint alyx-qc uses"),
        ("GET", "/subjects", None, "not an endpoint alyx-qc uses"),
        ("GET", "/notes/../subjects", None, "not an endpoint alyx-qc uses"),
        ("GET", "/notes/%2e%2e/subjects", None, "not an endpoint alyx-qc uses"),
        ("GET", "/sessions/not-a-uuid", None, "not an endpoint alyx-qc uses"),
        ("GET", "/uploaded/x.png", None, "not an endpoint alyx-qc uses"),
        ("DELETE", f"/sessions/{SESSION}", None, "not a request alyx-qc makes"),
        ("PATCH", f"/insertions/{INSERTION}", "{}", "not a request alyx-qc makes"),
        ("PUT", f"/sessions/{SESSION}", "{}", "not a request alyx-qc makes"),
        ("POST", "/sessions", "{}", "not a request alyx-qc makes"),
        ("GET", f"/sessions/{SESSION}?fields=json", None, "takes no query parameters"),
        ("GET", "/notes?format=api", None, "only django, limit and offset"),
        ("GET", "/notes?limit=1&limit=2", None, "only django, limit and offset"),
        ("GET", "/notes", "{}", "takes no body"),
        ("POST", "/notes", "not json", "is not JSON"),
        ("POST", "/notes", "[1, 2]", "must be a JSON object"),
        ("POST", "/notes", None, "needs a JSON body"),
    ],
)
def test_refuses_what_alyx_qc_never_sends(alyx, method, path, body, why):
    answer = relay_for(alyx).perform(request(f"{alyx.base_url}{path}", method, body))
    assert answer["type"] == "alyx-relay-error"
    assert answer["code"] == "refused"
    assert why in answer["message"]
    assert method in answer["message"]


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/notes",
        "https://127.0.0.1:{port}/notes",  # another scheme
        "http://127.0.0.1:1/notes",  # another port
        "http://localhost:{port}/notes",  # another host name for the same machine
        "http://user:pw@127.0.0.1:{port}/notes",
        "file:///etc/passwd",
        "/notes",
    ],
)
def test_refuses_any_other_server(alyx, url):
    port = alyx.base_url.rsplit(":", 1)[1]
    answer = relay_for(alyx).perform(request(url.format(port=port)))
    assert answer["type"] == "alyx-relay-error" and answer["code"] == "refused"


def test_base_url_with_a_path_confines_requests_below_it(alyx):
    relay = Relay(Credentials(f"{alyx.base_url}/api/", "test_user", lambda: "t"))
    assert relay.check("GET", f"{alyx.base_url}/api/notes") == f"{alyx.base_url}/api/notes"
    with pytest.raises(RelayRefused, match="outside"):
        relay.check("GET", f"{alyx.base_url}/notes")
    with pytest.raises(RelayRefused, match="outside"):
        relay.check("GET", f"{alyx.base_url}/apinotes")


def test_rebuilds_the_url_from_its_checked_parts(alyx):
    relay = relay_for(alyx)
    sent = relay.check("GET", f"{alyx.base_url.upper().replace('HTTP://', 'http://')}/notes/?django=a%2Cb+c&limit=5")
    assert sent == f"{alyx.base_url}/notes?django=a%2Cb+c&limit=5"


def test_no_server_answers_network_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    relay = Relay(Credentials(f"http://127.0.0.1:{port}", "test_user", lambda: "SECRET-TOKEN"))
    answer = relay.perform(request(f"http://127.0.0.1:{port}/notes"))
    assert answer["type"] == "alyx-relay-error" and answer["code"] == "network"
    assert "SECRET-TOKEN" not in json.dumps(answer)


@pytest.fixture
def silent_server():
    """Accepts connections and never answers: a hung Alyx."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    server.close()


def test_no_answer_in_time_answers_timeout(silent_server):
    relay = Relay(Credentials(silent_server, "u", lambda: "f" * 40), timeout=(1.0, 0.3))
    answer = relay.perform(request(f"{silent_server}/notes"))
    assert answer["type"] == "alyx-relay-error" and answer["code"] == "timeout"
    assert "within" in answer["message"]


def test_start_answers_on_a_worker_thread(alyx):
    replies, done = [], threading.Event()
    relay_for(alyx).start(request(f"{alyx.base_url}/sessions/{SESSION}", id="r-7"), lambda answer: (replies.append(answer), done.set()))
    assert done.wait(10)
    assert replies[0]["id"] == "r-7" and replies[0]["status"] == 200
    assert threading.current_thread().name == "MainThread"


def test_an_aborted_request_is_never_answered(silent_server):
    relay = Relay(Credentials(silent_server, "u", lambda: "t"), timeout=(1.0, 0.5))
    replies = []
    relay.start(request(f"{silent_server}/notes", id="r-9"), replies.append)
    time.sleep(0.1)
    relay.abort("r-9")
    time.sleep(1.0)
    assert replies == []
    assert relay.pending_count == 0


def test_the_token_is_scrubbed_from_everything_it_answers(alyx):
    token = alyx.token()
    relay = relay_for(alyx)
    eid = alyx.new_session()
    # A reviewer pasted their token into a note: it must not travel to the browser either.
    body = json.dumps({"user": "test_user", "content_type": "session", "object_id": eid, "text": f"oops {token}"})
    answers = [
        relay.perform(request(f"{alyx.base_url}/notes", "POST", body)),
        relay.perform(request(f"{alyx.base_url}/notes?django=object_id,{eid}")),
        relay.perform(request(f"http://evil.example/{token}")),
        relay.perform(request(f"{alyx.base_url}/notes/{token}")),
    ]
    for answer in answers:
        assert token not in json.dumps(answer)
    assert "[token]" in answers[1]["body"]


class FakeOneClient:
    """ONE's AlyxClient as far as the relay sees it: `base_url`, `user`, `_token`."""

    def __init__(self, base_url, token):
        self.base_url, self.user, self._token = base_url, "test_user", {"token": token}


def test_with_ones_client_a_new_token_is_used_once_after_invalid_token(alyx):
    client = FakeOneClient(alyx.base_url, "0" * 40)
    reads = {"n": 0}

    def token():
        # The user logs in again with ONE while the first request is in flight.
        reads["n"] += 1
        return client._token["token"] if reads["n"] == 1 else alyx.token()

    relay = Relay(Credentials(alyx.base_url, "test_user", token, client=client))
    answer = relay.perform(request(f"{alyx.base_url}/sessions/{SESSION}"))
    assert answer["status"] == 200
