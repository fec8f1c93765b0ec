"""ReviewQueue: its options and bad input, the pending look-up against the development Alyx, the
relay allowing exactly the queue's requests, plots sent as binary buffers, statuses and submit."""

from __future__ import annotations

import hashlib
import io
import json
import threading
import uuid
from urllib.parse import urlencode

import pytest

from alyx_qc import ReviewQueue
from alyx_qc._queue import QUEUE_BATCH, check_session_filter, loading_filters, plot_image

KEY = "_ephysChoiceWorld_00"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


class Sent:
    """What the widget sends its front end (`Widget.send`), buffers included, from any thread."""

    def __init__(self, widget):
        self.messages = []
        self.buffers = []
        self._event = threading.Event()
        widget.send = self

    def __call__(self, content, buffers=None):
        self.messages.append(json.loads(json.dumps(content)))
        self.buffers.append(list(buffers or []))
        self._event.set()

    def wait_for(self, count, timeout=10):
        waited = 0.0
        while len(self.messages) < count and waited < timeout:
            self._event.wait(0.05)
            self._event.clear()
            waited += 0.05
        assert len(self.messages) >= count, f"expected {count} messages, got {self.messages}"
        return self.messages


def receive(widget, content):
    widget._handle_message(widget, content, [])


@pytest.fixture
def token(alyx):
    return alyx.token("test_user")


@pytest.fixture
def credentials(alyx, token):
    return {"base_url": alyx.base_url, "token": token, "username": "test_user"}


def session_on(alyx, day, json_value):
    """A session on a day of its own, so a test's pending look-up sees only its sessions."""
    record = alyx.rest("POST", "/sessions", {"subject": "KS022", "number": 1, "start_time": f"{day}T09:00:00", "task_protocol": "_iblrig_tasks_ephysChoiceWorld6.6.2", "json": json_value})
    return record["id"]


# -- options and bad input ----------------------------------------------------------------------------


def test_a_queue_of_eids_is_fixed_lower_cased_and_deduplicated(alyx, credentials):
    a, b = alyx.new_session(), alyx.new_session()
    queue = ReviewQueue([a.upper(), b, a], key=KEY, kind="task", **credentials)
    assert queue.eids == [a, b]
    assert (queue.mode, queue.sign_off_key, queue.kind, queue.has_plot) == ("queue", KEY, "task", False)
    assert queue.statuses[0] == {"eid": a, "subject": None, "start_time": None, "number": None, "task_protocol": None, "status": "loading", "signed_off_by": None, "signed_off_on": None, "reasons": [], "error": None}


@pytest.mark.parametrize(
    "eids, kwargs, error, match",
    [
        ([], {}, ValueError, "review queue is empty"),
        ("d9e994e1-c4aa-4d58-a958-c247286598f6", {}, TypeError, "takes a list of session eids"),
        (["not-a-uuid"], {}, ValueError, "not a UUID"),
        (["d9e994e1-c4aa-4d58-a958-c247286598f6"], {"key": "ephys"}, ValueError, "sign-off key"),
        (["d9e994e1-c4aa-4d58-a958-c247286598f6"], {"kind": "tasks"}, ValueError, "tasks"),
        (["d9e994e1-c4aa-4d58-a958-c247286598f6"], {"plot": "figure.png"}, TypeError, "plot= takes a function"),
        (["d9e994e1-c4aa-4d58-a958-c247286598f6"], {"plt": print}, TypeError, "Did you mean 'plot'"),
    ],
)
def test_bad_input_is_raised_in_the_cell(credentials, eids, kwargs, error, match):
    with pytest.raises(error, match=match):
        ReviewQueue(eids, **{"key": KEY, "kind": "task", **credentials, **kwargs})


@pytest.mark.parametrize(
    "django",
    [
        "projects__name,ibl_neuropixel_brainwide_01",
        "subject__nickname,KS022,lab__name,cortexlab",
        "start_time__date__gte,2024-01-01,task_protocol__icontains,ephysChoiceWorld",
        "number,3",
    ],
)
def test_the_users_own_filters_pass(django):
    assert check_session_filter(django) == django


@pytest.mark.parametrize(
    "django, match",
    [
        ("user__auth_token__key__startswith,ab", "may not filter on 'user__auth_token__key__startswith'"),
        ("users__username,alice", "may not filter on"),
        ("subject__responsible_user__password__startswith,md5", "may not filter on"),
        ("json__sign_off_checklist___camera_left,None", "may not filter on"),
        ("pk__in,['a','b']", "quotes, brackets"),
        ("task_protocol,x')", "quotes, brackets"),
        ("number", "not 'field,value' pairs"),
        ("number, 3", "spaces"),
        ("start_time__regex,a+$", "ends in a look-up"),
        ("start_time__regex,(a+)+$", "quotes, brackets"),
    ],
)
def test_filters_the_relay_would_refuse_are_refused_before_anything_is_shown(django, match):
    with pytest.raises(ValueError, match=match):
        check_session_filter(django)


# -- pending ------------------------------------------------------------------------------------------


def test_pending_finds_the_due_and_absent_sessions_of_the_users_filter(alyx, credentials):
    day = "2031-06-01"
    due = session_on(alyx, day, {"sign_off_checklist": {KEY: None}})
    absent = session_on(alyx, day, {"sign_off_checklist": {"_camera_left": None}})
    session_on(alyx, day, {"sign_off_checklist": {KEY: {"date": "2024-01-01", "user": "alice"}}})
    session_on(alyx, "2031-06-02", {"sign_off_checklist": {KEY: None}})
    queue = ReviewQueue.pending(key=KEY, kind="task", django=f"start_time__date,{day}", **credentials)
    assert set(queue.eids) == {due, absent}


def test_pending_with_nothing_due_says_so(alyx, credentials):
    with pytest.raises(ValueError, match="No session is due for _ephysChoiceWorld_00 with django='start_time__date,2031-07-09'"):
        ReviewQueue.pending(key=KEY, kind="task", django="start_time__date,2031-07-09", **credentials)


def test_pending_refuses_a_filter_into_other_tables_before_any_request(credentials):
    with pytest.raises(ValueError, match="could read other tables"):
        ReviewQueue.pending(key=KEY, kind="task", django="user__auth_token__key__startswith,a", **credentials)


# -- the relay allows exactly the queue's requests --------------------------------------------------


def test_the_signed_off_look_ups_name_200_sessions_each_as_hex_ids():
    eids = [str(uuid.UUID(int=index + 1, version=4)) for index in range(201)]
    first, second = loading_filters(KEY, eids)
    assert QUEUE_BATCH == 200
    assert first == "pk__in,[" + ",".join(f"0x{uuid.UUID(eid).hex}" for eid in eids[:200]) + f"],json__sign_off_checklist__{KEY}__user__isnull,False"
    assert second == f"pk__in,[0x{uuid.UUID(eids[200]).hex}],json__sign_off_checklist__{KEY}__user__isnull,False"



def relayed(queue, sent, path, query=None, method="GET", body=None):
    url = f"{queue.base_url}{path}" + (f"?{urlencode(query)}" if query else "")
    request_id = f"q-{len(sent.messages) + 1}"
    message = {"type": "alyx-request", "id": request_id, "method": method, "url": url}
    if body is not None:
        message["body"] = json.dumps(body)
    count = len(sent.messages)
    receive(queue, message)
    return sent.wait_for(count + 1)[count]


def test_the_relay_allows_the_loading_requests_and_nothing_beyond_the_queue(alyx, credentials):
    a, b = alyx.new_session(), alyx.new_session()
    other = alyx.new_session()
    queue = ReviewQueue([a, b], key=KEY, kind="task", **credentials)
    sent = Sent(queue)
    ids = f"[0x{uuid.UUID(a).hex},0x{uuid.UUID(b).hex}]"
    for path, django in [
        ("/sessions", f"pk__in,{ids}"),
        ("/sessions", f"pk__in,{ids},json__sign_off_checklist__{KEY}__user__isnull,False"),
        ("/notes", f"text__icontains,=== SIGN-OFF NOTE FOR {KEY} ===,object_id__in,{ids}"),
    ]:
        answer = relayed(queue, sent, path, {"django": django, "limit": 250})
        assert answer["type"] == "alyx-response" and answer["status"] == 200, answer
    for path, django in [
        ("/sessions", f"pk__in,[0x{uuid.UUID(a).hex},0x{uuid.UUID(other).hex}]"),
        ("/sessions", f"pk__in,['{a}','{b}']"),
        ("/sessions", f"pk__in,[0x{uuid.UUID(a).hex}, 0x{uuid.UUID(b).hex}]"),
        ("/sessions", f"pk__in,[{uuid.UUID(a).int},{uuid.UUID(b).int}]"),
        ("/sessions", f"pk__in,[[0x{uuid.UUID(a).hex}],0x{uuid.UUID(b).hex}]"),
        ("/notes", f"text__icontains,=== SIGN-OFF NOTE FOR {KEY} ===,object_id__in,[0x{uuid.UUID(a).hex},0x{uuid.UUID(other).hex}]"),
        ("/sessions", "user__auth_token__key__startswith,a"),
        ("/notes", f"text__icontains,=== SIGN-OFF NOTE FOR _camera_left ===,object_id__in,{ids}"),
    ]:
        answer = relayed(queue, sent, path, {"django": django, "limit": 250})
        assert answer["type"] == "alyx-relay-error" and answer["code"] == "refused", answer
    assert credentials["token"] not in json.dumps(queue.get_state(), default=str)


# -- plots ----------------------------------------------------------------------------------------------


def test_plots_go_as_binary_buffers_and_a_failing_plot_is_reported_for_its_session(alyx, credentials):
    a, b, c = alyx.new_session(), alyx.new_session(), alyx.new_session()

    def plot(eid):
        if eid == b:
            raise KeyError("trials")
        if eid == c:
            return {"not": "an image"}
        return PNG

    queue = ReviewQueue([a, b, c], key=KEY, kind="task", plot=plot, **credentials)
    assert queue.has_plot
    sent = Sent(queue)
    for eid in (a, b, c, "d9e994e1-c4aa-4d58-a958-c247286598f6"):
        receive(queue, {"type": "plot-request", "eid": eid})
    # A PNG may be attached to the sign-off: the page gets its size and SHA-256 to name it by.
    assert sent.messages[0] == {"type": "plot", "eid": a, "mime": "image/png", "size": len(PNG), "sha256": hashlib.sha256(PNG).hexdigest()}
    assert sent.buffers[0] == [PNG]
    assert sent.messages[1] == {"type": "plot", "eid": b, "error": f"plot('{b}') failed: KeyError: 'trials'"}
    assert "not an image" in sent.messages[2]["error"] and sent.buffers[2] == []
    assert len(sent.messages) == 3, "an eid outside the queue gets no plot"
    synced = json.dumps({name: value for name, value in queue.get_state().items() if name != "_esm"}, default=str)
    assert "iVBOR" not in synced and len(synced) < 2000, "no image in the synced state"


def test_a_sessions_sign_off_attaches_the_plot_the_kernel_rendered_for_it(alyx, credentials):
    """Relay level: the page names the figure note of a session's sign-off by the SHA-256 the plot
    message gave; the kernel posts the plot it rendered for that session, byte for byte, and
    nothing for a session whose plot was not rendered, another session's digest, or a GIF."""
    import requests

    from alyx_qc._figure import figure_note_text

    a, b, c = alyx.new_session(), alyx.new_session(), alyx.new_session()
    plots = {a: _png(40, 30), b: _png(60, 20), c: b"GIF89a" + b"\x00" * 20}
    queue = ReviewQueue([a, b, c], key=KEY, kind="task", plot=plots.__getitem__, **credentials)
    sent = Sent(queue)
    for eid in (a, c):
        receive(queue, {"type": "plot-request", "eid": eid})
    digest = sent.messages[0]["sha256"]
    assert "sha256" not in sent.messages[1], "a GIF is shown, never attached (Alyx takes PNG or JPEG)"

    def figure_request(eid, sha256, request_id):
        text = figure_note_text({"sign_off_key": KEY, "entry": "2024-01-15_test_user"}, sha256)
        body = json.dumps({"user": "test_user", "content_type": "session", "object_id": eid, "text": text})
        count = len(sent.messages)
        receive(queue, {"type": "alyx-request", "id": request_id, "method": "POST", "url": f"{alyx.base_url}/notes", "body": body})
        return sent.wait_for(count + 1)[count]

    for eid, sha256, request_id in ((b, digest, "v1-1"), (b, hashlib.sha256(plots[b]).hexdigest(), "v1-2"), (c, hashlib.sha256(plots[c]).hexdigest(), "v1-3")):
        refused = figure_request(eid, sha256, request_id)
        assert (refused["type"], refused["code"]) == ("alyx-relay-error", "refused"), refused
        assert "holds no figure" in refused["message"] or "another image" in refused["message"], refused
    answer = figure_request(a, digest, "v1-4")
    assert answer["status"] == 201, answer
    note = json.loads(answer["body"])
    image = requests.get(note["image"], headers={"Authorization": f"Token {credentials['token']}"}, timeout=10)
    assert (image.status_code, image.content) == (200, plots[a])
    assert alyx.rest("GET", f"/notes?django=object_id__in,['{b}','{c}']")["count"] == 0


def _png(width, height):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_a_matplotlib_figure_is_a_png_and_is_closed():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots()
    axes.plot([0, 1], [1, 0])
    mime, data = plot_image(figure)
    assert mime == "image/png" and data.startswith(b"\x89PNG")
    assert figure.number not in plt.get_fignums()


def test_ipython_images_and_jpeg_bytes_are_images():
    display = pytest.importorskip("IPython.display")
    assert plot_image(display.Image(data=PNG, format="png"))[0] == "image/png"
    assert plot_image(b"\xff\xd8\xff\xe0" + b"\x00" * 8)[0] == "image/jpeg"
    with pytest.raises(TypeError, match="not a PNG, JPEG, GIF or WebP"):
        plot_image(io.BytesIO(b"x").getvalue())


# -- statuses and submit ----------------------------------------------------------------------------------


def test_statuses_and_summary_come_from_the_page(alyx, credentials):
    a, b, c = alyx.new_session(), alyx.new_session(), alyx.new_session()
    queue = ReviewQueue([a, b, c], key=KEY, kind="task", **credentials)
    row = {"subject": "KS022", "start_time": "2024-01-15T10:00:00", "number": 1, "task_protocol": "p", "error": None}
    receive(queue, {"type": "queue-statuses", "frontend": "v1", "statuses": [
        {**row, "eid": a, "status": "signed-off", "signed_off_by": "test_user", "signed_off_on": "2024-03-05", "reasons": ["wheel data corrupt"]},
        {**row, "eid": b, "status": "failed", "signed_off_by": None, "signed_off_on": None, "reasons": [], "error": "POST /notes got no response"},
        {**row, "eid": c, "status": "due", "signed_off_by": None, "signed_off_on": None, "reasons": [], "token": "leak?"},
        {**row, "eid": "not-ours", "status": "due"},
    ]})
    assert [row["status"] for row in queue.statuses] == ["signed-off", "failed", "due"]
    assert "token" not in queue.statuses[2]
    assert queue.summary() == {"total": 3, "signed_off": 1, "with_reasons": 1, "being_written": 0, "failed": 1, "due": 1, "invalid": 0, "text": "1 of 3 signed off \u00b7 1 with reasons \u00b7 1 failed"}


def test_submit_checks_the_eid_and_needs_the_widget_shown(alyx, credentials):
    a = alyx.new_session()
    queue = ReviewQueue([a], key=KEY, kind="task", **credentials)
    with pytest.raises(ValueError, match="is not a session of this queue"):
        queue.submit("d9e994e1-c4aa-4d58-a958-c247286598f6", nums="1")
    with pytest.raises(ValueError, match="out of range"):
        queue.submit(a, nums="9")
    with pytest.raises(RuntimeError, match="needs the widget on screen"):
        queue.submit(a, nums="1")


def test_submit_goes_to_the_view_shown_last_with_the_eid(alyx, credentials):
    a = alyx.new_session()
    queue = ReviewQueue([a], key=KEY, kind="task", **credentials)
    sent = Sent(queue)
    receive(queue, {"type": "views", "frontend": "view-1", "count": 1})
    queue.submit(a, nums="0,4", other="froze")
    message = sent.wait_for(1)[0]
    assert {key: message[key] for key in ("type", "frontend", "eid", "choice", "with_note")} == {
        "type": "submit", "frontend": "view-1", "eid": a, "choice": {"nums": "0,4", "other": "froze"}, "with_note": True,
    }
    receive(queue, {"type": "submit-started", "id": message["id"]})
    queue.close()
