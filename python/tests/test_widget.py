"""The widget classes: their traits, their options, the messages they send the front end, and
that the token is in none of it."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
import traitlets

import alyx_qc
from alyx_qc import CriticalNote, SignOff
from alyx_qc import _widget

SESSION = "d9e994e1-c4aa-4d58-a958-c247286598f6"
INSERTION = "9f7834cb-8a17-4681-a679-2909aeaaa688"


class Sent:
    """Captures what a widget sends its front end (`Widget.send`), from any thread."""

    def __init__(self, widget):
        self.messages = []
        self._event = threading.Event()
        widget.send = self  # instance attribute: used wherever the widget calls self.send

    def __call__(self, content, buffers=None):  # noqa: ARG002
        self.messages.append(json.loads(json.dumps(content)))
        self._event.set()

    def wait_for(self, count, timeout=10):
        deadline = threading.Event()
        timer = threading.Timer(timeout, deadline.set)
        timer.start()
        while len(self.messages) < count and not deadline.is_set():
            self._event.wait(0.05)
            self._event.clear()
        timer.cancel()
        assert len(self.messages) >= count, f"expected {count} messages, got {self.messages}"
        return self.messages


@pytest.fixture
def token(alyx):
    return alyx.token("test_user")


@pytest.fixture
def signoff(alyx, token):
    return SignOff(SESSION, key="_ephysChoiceWorld_00", kind="task", base_url=alyx.base_url, token=token, username="test_user")


def receive(widget, content):
    """A custom message from the front end, as ipywidgets delivers it."""
    widget._handle_message(widget, content, [])


def test_the_issue_example_with_ones_client(alyx, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    from one.webclient import AlyxClient

    one_alyx = AlyxClient(base_url=alyx.base_url, username="test_user", password="TapetesBloc18", silent=True, cache_dir=tmp_path)
    signoff = SignOff(SESSION, key="_ephysChoiceWorld_00", kind="task", alyx=one_alyx)
    note = CriticalNote(INSERTION, alyx=one_alyx)
    assert (signoff.mode, signoff.target, signoff.sign_off_key, signoff.kind) == ("signoff", SESSION, "_ephysChoiceWorld_00", "task")
    assert (note.mode, note.target, note.content_type, note.gui_only) == ("critical", INSERTION, None, False)
    for widget in (signoff, note):
        assert (widget.base_url, widget.user) == (alyx.base_url, "test_user")


def test_traits_start_empty_and_loading(signoff):
    assert signoff.selected == [] and signoff.other is None
    assert signoff.status == "loading" and signoff.error == ""
    assert signoff.last_written is None and signoff.existing_notes == []


def test_synced_state_is_the_documented_contract(signoff):
    ours = {name for name in signoff.keys if not name.startswith("_") and name not in {"layout", "tabbable", "tooltip"}}
    assert ours == {
        "mode", "target", "sign_off_key", "kind", "note_kind", "content_type", "gui_only", "base_url", "user",
        "selected", "other", "status", "error", "last_written", "existing_notes", "figure", "figure_thumbnail",
    }


def test_a_sign_off_widget_sends_its_page_its_kind_from_the_build(signoff):
    # The page's bundle has no kinds table: the kind comes from the kinds.json the widget build
    # writes from js/core/sign-off-kinds.ts, whole (the panel lists its reasons, "Other" last).
    kinds = json.loads((Path(_widget.__file__).parent / "static" / "kinds.json").read_text(encoding="utf-8"))
    assert signoff.note_kind == kinds["kinds"]["signoff-task"]
    assert signoff.note_kind["reasons"][-1] == "Other" and signoff.note_kind["reasons"][0] == "raw trial data does not exist"
    assert kinds["aliases"]["raw_ephys"] == kinds["aliases"]["raw-ephys"] == "signoff-raw-ephys"


def test_a_critical_note_widget_sends_no_sign_off_kind(alyx, token):
    assert CriticalNote(INSERTION, base_url=alyx.base_url, token=token, username="test_user").note_kind is None


def test_every_public_trait_has_a_docstring():
    source = (_widget.__file__ and open(_widget.__file__).read()) or ""
    for name in ("mode", "target", "sign_off_key", "kind", "note_kind", "content_type", "gui_only", "base_url", "user",
                 "selected", "other", "status", "error", "last_written", "existing_notes", "figure", "figure_thumbnail"):
        assert f'    {name} = t.' in source
        after = source.split(f'    {name} = t.', 1)[1].split("\n", 2)[1]
        assert after.strip().startswith('"""'), f"{name} has no docstring under it"


def test_the_token_is_in_no_trait(signoff, token):
    state = signoff.get_state()
    assert token not in json.dumps(state, default=str)
    assert not any("token" in name for name in state)


def test_what_the_widget_is_about_is_fixed(signoff):
    with pytest.raises(traitlets.TraitError, match="fixed when the widget is created"):
        signoff.target = INSERTION
    with pytest.raises(traitlets.TraitError, match="fixed"):
        signoff.base_url = "http://elsewhere"
    signoff.selected = ["wheel data corrupt"]  # the reviewer's choice is not
    assert signoff.selected == ["wheel data corrupt"]


@pytest.mark.parametrize(
    "cls, args, wrong, hint",
    [
        (SignOff, (SESSION,), {"key": "_x", "kind": "task", "usernme": "u"}, "username"),
        (SignOff, (SESSION,), {"key": "_x", "kind": "task", "base_ulr": "http://x"}, "base_url"),
        (CriticalNote, (INSERTION,), {"contenttype": "session"}, "content_type"),
        (CriticalNote, (INSERTION,), {"guionly": True}, "gui_only"),
    ],
)
def test_unknown_options_fail_with_a_spelling_hint(cls, args, wrong, hint):
    with pytest.raises(TypeError, match=f"Did you mean '{hint}'"):
        cls(*args, **wrong)


def test_a_missing_bundle_says_how_to_build_it(monkeypatch, alyx, token, tmp_path):
    monkeypatch.setattr(_widget, "_STATIC", tmp_path)
    with pytest.raises(FileNotFoundError, match="npm run build:widget"):
        CriticalNote(INSERTION, base_url=alyx.base_url, token=token, username="test_user")


def test_relays_a_request_and_answers_with_its_id(signoff, alyx):
    sent = Sent(signoff)
    receive(signoff, {"type": "alyx-request", "id": "f-1", "method": "GET", "url": f"{alyx.base_url}/sessions/{SESSION}"})
    [answer] = sent.wait_for(1)
    assert answer["type"] == "alyx-response" and answer["id"] == "f-1" and answer["status"] == 200
    assert json.loads(answer["body"])["id"] == SESSION


def test_refusals_come_back_as_typed_relay_errors(signoff):
    sent = Sent(signoff)
    receive(signoff, {"type": "alyx-request", "id": "f-2", "method": "GET", "url": "http://attacker.example/steal"})
    [answer] = sent.wait_for(1)
    assert answer == {
        "type": "alyx-relay-error",
        "id": "f-2",
        "code": "refused",
        "message": answer["message"],
    }
    assert "only the Alyx this widget was created for" in answer["message"]


def test_other_messages_are_ignored(signoff):
    sent = Sent(signoff)
    receive(signoff, {"type": "something-else"})
    receive(signoff, "not a dict")
    assert sent.messages == []


def test_submit_needs_a_view(signoff):
    with pytest.raises(RuntimeError, match="Display it first"):
        signoff.submit(nums="1")
    receive(signoff, {"type": "views", "frontend": "page-a", "count": 1})
    receive(signoff, {"type": "views", "frontend": "page-a", "count": 0})
    with pytest.raises(RuntimeError, match="needs the widget on screen"):
        signoff.submit(nums="1")


def test_submit_after_display_waits_for_the_first_view(signoff):
    # "Run All": display and submit() run before the kernel reads the front end's messages.
    sent = Sent(signoff)
    signoff._repr_mimebundle_()
    signoff.submit(nums="2")
    assert sent.messages == [] and signoff.status == "pending"
    receive(signoff, {"type": "views", "frontend": "page-a", "count": 1})
    assert sent.messages == [{"type": "submit", "id": "s-1", "frontend": "page-a", "choice": {"nums": "2", "other": None}, "with_note": True}]
    receive(signoff, {"type": "views", "frontend": "page-b", "count": 1})
    assert len(sent.messages) == 1


def test_submit_goes_to_one_front_end_the_last_one_active(signoff):
    sent = Sent(signoff)
    receive(signoff, {"type": "views", "frontend": "page-a", "count": 1})
    receive(signoff, {"type": "views", "frontend": "page-b", "count": 2})
    signoff.submit(nums="1,3", other="the wheel flickers")
    receive(signoff, {"type": "views", "frontend": "page-a", "count": 1})
    signoff.submit(["wheel data corrupt"], with_note=False)
    assert sent.messages == [
        {"type": "submit", "id": "s-1", "frontend": "page-b", "choice": {"nums": "1,3", "other": "the wheel flickers"}, "with_note": True},
        {"type": "submit", "id": "s-2", "frontend": "page-a", "choice": {"reasons": ["wheel data corrupt"], "other": None}, "with_note": False},
    ]
    assert signoff.status == "pending"


def test_submit_without_reasons_sends_what_is_ticked(alyx, token):
    note = CriticalNote(INSERTION, base_url=alyx.base_url, token=token, username="test_user")
    sent = Sent(note)
    receive(note, {"type": "views", "frontend": "p", "count": 1})
    note.selected = ["Drift", "Other"]
    note.other = "probe moved"
    note.submit(overwrite=True)
    assert sent.messages == [
        {"type": "submit", "id": "s-1", "frontend": "p", "choice": {"reasons": ["Drift", "Other"], "other": "probe moved"}, "overwrite": True}
    ]


def test_submit_refuses_mixed_or_stringly_reasons(signoff):
    receive(signoff, {"type": "views", "frontend": "p", "count": 1})
    with pytest.raises(TypeError, match="not both"):
        signoff.submit(["wheel data corrupt"], nums="1")
    with pytest.raises(TypeError, match="list of reason texts"):
        signoff.submit("wheel data corrupt")


def test_the_token_is_in_no_message_to_the_front_end(signoff, alyx, token):
    sent = Sent(signoff)
    receive(signoff, {"type": "views", "frontend": "p", "count": 1})
    requests_sent = [
        ("GET", f"{alyx.base_url}/sessions/{SESSION}", None),
        ("GET", f"{alyx.base_url}/notes?django=object_id,{SESSION}", None),
        ("GET", f"{alyx.base_url}/auth-token", None),
        ("POST", f"{alyx.base_url}/notes", json.dumps({"text": token})),
        ("GET", f"http://127.0.0.1:1/{token}", None),
    ]
    for index, (method, url, body) in enumerate(requests_sent):
        message = {"type": "alyx-request", "id": f"t-{index}", "method": method, "url": url}
        if body is not None:
            message["body"] = body
        receive(signoff, message)
    signoff.submit(nums="0")
    messages = sent.wait_for(len(requests_sent) + 1)
    assert token not in json.dumps(messages)
    assert token not in json.dumps(signoff.get_state(), default=str)


def test_close_drops_requests_not_yet_sent(signoff, alyx):
    sent = Sent(signoff)
    signoff.close()
    assert sent.messages == []


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda c: SignOff("not-a-uuid", key="_ephysChoiceWorld_00", kind="task", **c), r'"not-a-uuid" is not a UUID'),
        (lambda c: CriticalNote("a8098c1a-f86e-11da-bd1a-00112444be1e", **c), r"version-1 UUID, but Alyx ids are version 4"),
        (lambda c: SignOff(SESSION, key="x,(y)", kind="task", **c), r'"x,\(y\)" is not a sign-off key'),
        (lambda c: SignOff(SESSION, key="", kind="task", **c), r'"" is not a sign-off key'),
        # Issue 13 item 15: `$` matched before a trailing newline; a 10,001-character key was written.
        (lambda c: SignOff(SESSION, key="_ephysChoiceWorld_00\n", kind="task", **c), r'"_ephysChoiceWorld_00\\n" is not a sign-off key'),
        (lambda c: SignOff(SESSION, key="_" + "a" * 10_000, kind="task", **c), r"10001 characters long, over the limit of 64"),
        (lambda c: CriticalNote(SESSION, content_type="Session", **c), r"'Session' is not an Alyx model name"),
        (lambda c: CriticalNote(SESSION, content_type="actions.session", **c), r"not an Alyx model name"),
        (lambda c: CriticalNote(SESSION, content_type="session\n", **c), r"not an Alyx model name"),
        (lambda c: SignOff(SESSION, key="_ephysChoiceWorld_00", kind="histology", **c), r'Unknown sign-off kind "histology"\. Use one of: task'),
    ],
)
def test_bad_ids_keys_and_kinds_fail_in_the_cell_before_any_request(make, message):
    # The base URL is a closed port: had anything been sent, this would be a connection error.
    with pytest.raises(ValueError, match=message):
        make({"base_url": "http://127.0.0.1:9", "token": "t", "username": "u"})


# -- issue 13 item 3: flags take True or False only ----------------------------------------------------


@pytest.mark.parametrize("value", ["False", "no", [0], 0, 1, None, "True"])
def test_attack_a_flag_that_is_not_a_bool_raises_naming_it(alyx, token, value):
    # overwrite="False" was truthy and deleted an existing critical note without asking.
    note = CriticalNote(INSERTION, base_url=alyx.base_url, token=token, username="test_user")
    signoff = SignOff(SESSION, key="_ephysChoiceWorld_00", kind="task", base_url=alyx.base_url, token=token, username="test_user")
    sent_note, sent_signoff = Sent(note), Sent(signoff)
    receive(note, {"type": "views", "frontend": "p", "count": 1})
    receive(signoff, {"type": "views", "frontend": "p", "count": 1})
    with pytest.raises(TypeError, match=r"overwrite= takes True or False"):
        note.submit(["Drift"], overwrite=value)
    with pytest.raises(TypeError, match=r"with_note= takes True or False"):
        signoff.submit(["wheel data corrupt"], with_note=value)
    with pytest.raises(TypeError, match=r"gui_only= takes True or False"):
        CriticalNote(INSERTION, base_url=alyx.base_url, token=token, username="test_user", gui_only=value)
    assert sent_note.messages == [] and sent_signoff.messages == []


# -- item 15 (issue 14): reason numbers are checked in the cell -----------------------------------------


@pytest.mark.parametrize(
    "make, nums, message",
    [
        ("signoff", "9", r"Reason number 9 in nums= is out of range: choose from 0 to 4 for the task sign-off"),
        ("signoff", "1,x", r"not a list of reason numbers"),
        ("signoff", "-1", r"not a list of reason numbers"),
        ("signoff", "", r"not a list of reason numbers"),
        ("critical", "7", r"from 0 to 4 for a session, 0 to 6 for an insertion"),
        ("gui", "5", r"from 0 to 4 \(the alignment GUI's reasons\)"),
    ],
)
def test_reason_numbers_out_of_range_raise_in_the_cell(alyx, token, make, nums, message):
    widget = {
        "signoff": lambda: SignOff(SESSION, key="_ephysChoiceWorld_00", kind="task", base_url=alyx.base_url, token=token, username="test_user"),
        "critical": lambda: CriticalNote(SESSION, base_url=alyx.base_url, token=token, username="test_user"),
        "gui": lambda: CriticalNote(INSERTION, base_url=alyx.base_url, token=token, username="test_user", gui_only=True),
    }[make]()
    sent = Sent(widget)
    receive(widget, {"type": "views", "frontend": "p", "count": 1})
    with pytest.raises(ValueError, match=message):
        widget.submit(nums=nums)
    assert sent.messages == [] and widget.status == "loading"


def test_nums_as_a_number_raises_saying_it_takes_a_string(signoff):
    receive(signoff, {"type": "views", "frontend": "p", "count": 1})
    with pytest.raises(TypeError, match=r'nums= takes the reason numbers as a string like "1,3"'):
        signoff.submit(nums=1)


# -- item 16: the page's messages cannot hang or crash the kernel side -------------------------------


@pytest.mark.parametrize(
    "message",
    [
        {"type": "views", "frontend": "fake", "count": "1"},
        {"type": "views", "frontend": "fake", "count": True},
        {"type": "views", "frontend": "fake", "count": -1},
        {"type": "views", "frontend": ["fake"], "count": 1},
        {"type": "views", "frontend": "", "count": 1},
        {"type": "views", "frontend": "x" * 1000, "count": 1},
        {"type": "views"},
        {"type": "alyx-abort", "id": {"x": 1}},
        {"type": "alyx-abort"},
        {"type": "submit-started", "id": ["s-1"]},
        {"type": ["views"]},
        {"type": "alyx-request", "id": "q", "method": "GET", "url": 5},
    ],
)
def test_attack_malformed_page_messages_are_ignored_or_answered(signoff, message):
    sent = Sent(signoff)
    receive(signoff, message)
    if message.get("type") == "alyx-request":
        [answer] = sent.wait_for(1)
        assert answer["type"] == "alyx-relay-error" and answer["code"] == "refused"
    else:
        assert sent.messages == []
    # No fake view was registered: submit() still needs one.
    with pytest.raises(RuntimeError, match="needs the widget on screen"):
        signoff.submit(nums="1")


def test_attack_a_fake_view_cannot_make_submit_wait_forever(signoff, monkeypatch):
    # Issue 13 item 16: a fake "views" message made Python's submit() wait forever.
    monkeypatch.setattr(_widget, "SUBMIT_ACK_SECONDS", 0.3)
    sent = Sent(signoff)
    receive(signoff, {"type": "views", "frontend": "fake-view", "count": 1})
    signoff.submit(nums="1")
    assert signoff.status == "pending"
    deadline = threading.Event()
    for _ in range(40):
        if signoff.status == "failed":
            break
        deadline.wait(0.05)
    assert signoff.status == "failed"
    assert "submit() was not taken up within 0.3 s: the view it was sent to (fake-view) did not say it started it" in signoff.error
    assert "call submit() again" in signoff.error
    assert sent.messages[0]["id"] == "s-1"


def test_a_view_that_takes_up_submit_stops_the_wait(signoff, monkeypatch):
    monkeypatch.setattr(_widget, "SUBMIT_ACK_SECONDS", 0.3)
    Sent(signoff)
    receive(signoff, {"type": "views", "frontend": "p", "count": 1})
    signoff.submit(nums="1")
    receive(signoff, {"type": "submit-started", "id": "s-1"})
    threading.Event().wait(0.6)
    assert signoff.status == "pending" and signoff.error == ""


def test_displayed_without_any_view_gives_up_too(signoff, monkeypatch):
    monkeypatch.setattr(_widget, "SUBMIT_ACK_SECONDS", 0.3)
    sent = Sent(signoff)
    signoff._repr_mimebundle_()
    signoff.submit(nums="1")
    threading.Event().wait(0.8)
    assert signoff.status == "failed" and "no view of the widget appeared" in signoff.error
    # A view that comes later does not run the abandoned submission.
    receive(signoff, {"type": "views", "frontend": "late", "count": 1})
    assert sent.messages == []


def test_the_relay_scope_is_the_widgets_own(alyx, token):
    signoff = SignOff(SESSION, key="_ephysChoiceWorld_00", kind="task", base_url=alyx.base_url, token=token, username="test_user")
    note = CriticalNote(INSERTION, base_url=alyx.base_url, token=token, username="test_user")
    signoff_scope, note_scope = signoff._QcWidget__relay.scope, note._QcWidget__relay.scope
    assert (signoff_scope.objects, signoff_scope.sign_off_keys, signoff_scope.critical) == (frozenset({SESSION}), frozenset({"_ephysChoiceWorld_00"}), False)
    assert (note_scope.objects, note_scope.sign_off_keys, note_scope.critical) == (frozenset({INSERTION}), frozenset(), True)


def test_attack_a_token_with_a_line_break_never_reaches_the_widget_state(alyx):
    token = alyx.token("test_user")
    with pytest.raises(ValueError, match="is not an Alyx token") as raised:
        SignOff(SESSION, key="_ephysChoiceWorld_00", kind="task", base_url=alyx.base_url, token=token[:20] + "\r\n" + token[20:], username="test_user")
    assert token[:12] not in str(raised.value) and token[20:32] not in str(raised.value)


def test_attack_another_users_token_under_my_name_raises_in_the_cell(alyx):
    with pytest.raises(PermissionError, match=r"belongs to 'test_user', not 'admin'"):
        SignOff(SESSION, key="_ephysChoiceWorld_00", kind="task", base_url=alyx.base_url, token=alyx.token("test_user"), username="admin")
