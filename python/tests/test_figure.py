"""figure=: what becomes the bytes sent to Alyx, and the clear errors for what cannot."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path

import pytest

from alyx_qc._figure import MAX_IMAGE_BYTES, FigureError, load_figure

PIL = pytest.importorskip("PIL.Image")


def _png(width: int = 40, height: int = 30) -> bytes:
    out = io.BytesIO()
    PIL.new("RGB", (width, height), (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


def _jpeg() -> bytes:
    out = io.BytesIO()
    PIL.new("RGB", (8, 6), (200, 30, 30)).save(out, format="JPEG")
    return out.getvalue()


def test_png_and_jpeg_bytes_are_kept_as_given():
    for data, content_type in ((_png(), "image/png"), (_jpeg(), "image/jpeg")):
        figure = load_figure(data)
        assert figure.data == data
        assert figure.content_type == content_type
        assert figure.sha256 == hashlib.sha256(data).hexdigest()
        assert figure.size == len(data)
    assert load_figure(bytearray(_png())).content_type == "image/png"


def test_a_path_as_str_or_pathlike(tmp_path: Path):
    path = tmp_path / "plot.png"
    path.write_bytes(_png())
    assert load_figure(path).data == path.read_bytes()
    assert load_figure(str(path)).data == path.read_bytes()


def test_a_matplotlib_figure_is_rendered_to_png():
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    from matplotlib.figure import Figure as MplFigure

    fig = MplFigure(figsize=(4, 3), dpi=50)
    fig.add_subplot().plot([0, 1, 2], [2, 0, 1])
    figure = load_figure(fig)
    assert figure.content_type == "image/png"
    with PIL.open(io.BytesIO(figure.data)) as image:
        assert image.size == (200, 150)


def test_anything_ipython_shows_as_an_image():
    image = PIL.new("RGB", (12, 9), (0, 0, 0))  # Pillow images have _repr_png_

    class Base64Jpeg:
        def _repr_jpeg_(self):
            import base64

            return base64.b64encode(_jpeg()).decode(), {"width": 8}

    assert load_figure(image).content_type == "image/png"
    assert load_figure(Base64Jpeg()).data == _jpeg()


def test_the_thumbnail_is_a_small_png():
    figure = load_figure(_png(1600, 900))
    assert figure.thumbnail is not None and figure.thumbnail.startswith(b"\x89PNG")
    with PIL.open(io.BytesIO(figure.thumbnail)) as thumb:
        assert thumb.size == (320, 180)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (b"not a png", r"is not a PNG or JPEG image \(it starts with 6e 6f 74 20\)"),
        (b"%PDF-1.7 ...", r"it is a PDF"),
        (b"", r"it is empty"),
        (_png()[:40], r"starts like an image but cannot be decoded"),
        (object(), r"figure= got a builtins\.object, which is not an image: pass a matplotlib figure"),
        (42, r"builtins\.int, which is not an image"),
    ],
)
def test_what_is_not_an_image_is_a_clear_error(value, message):
    with pytest.raises(FigureError, match=message):
        load_figure(value)


def test_over_ten_megabytes_is_refused(tmp_path: Path):
    big = _png() + b"\0" * MAX_IMAGE_BYTES
    with pytest.raises(FigureError, match=r"is 10\.0 MB, over the limit of 10\.0 MB: save it smaller"):
        load_figure(big)
    path = tmp_path / "big.png"
    path.write_bytes(big)
    with pytest.raises(FigureError, match=r"big\.png' is 10\.0 MB, over the limit"):
        load_figure(path)


def test_unreadable_paths(tmp_path: Path):
    with pytest.raises(FigureError, match=r"does not exist: check the path"):
        load_figure(tmp_path / "missing.png")
    with pytest.raises(FigureError, match=r"is a folder"):
        load_figure(tmp_path)
    locked = tmp_path / "locked.png"
    locked.write_bytes(_png())
    locked.chmod(0)
    if os.access(locked, os.R_OK):  # root reads anything
        pytest.skip("running as root: a file without permissions is still readable")
    with pytest.raises(FigureError, match=r"cannot be read \(permission denied\)"):
        load_figure(locked)


def test_a_figure_that_fails_to_render():
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure as MplFigure

    # A real plot that cannot be drawn: its title is mathtext with an unclosed brace.
    fig = MplFigure()
    fig.add_subplot().set_title(r"$\frac{1$")

    class NoImage:
        def _repr_png_(self):
            return None

    with pytest.raises(FigureError, match=r"matplotlib figure failed to render \(ValueError: .*fix the plot"):
        load_figure(fig)
    with pytest.raises(FigureError, match=r"NoImage\._repr_png_\(\) gave no PNG image"):
        load_figure(NoImage())


# -- the relay's figure requests ------------------------------------------------------------------

from alyx_qc._figure import check_figure_post, check_image_answer, figure_image_path, figure_note_text, multipart_note  # noqa: E402
from alyx_qc._scope import RelayRefused, RelayScope  # noqa: E402

EID = "2ffd3ed5-477e-4153-9af7-7fdad3c6946b"
KEY = "_ephysChoiceWorld_00"


def test_the_note_text_is_the_cores_byte_for_byte():
    sha = "a" * 64
    # The same strings as js/core/figure-note.test.ts.
    assert figure_note_text({"sign_off_key": KEY, "entry": "2024-01-15_test_user"}, sha) == (
        f'{{"title": "=== QC FIGURE ===", "sign_off_key": "_ephysChoiceWorld_00", "entry": "2024-01-15_test_user", "sha256": "{sha}"}}'
    )
    assert figure_note_text({"critical_note": "6f1a7a52-4e3b-4c9a-9d55-0b0c4a3e9f11"}, sha) == (
        f'{{"title": "=== QC FIGURE ===", "critical_note": "6f1a7a52-4e3b-4c9a-9d55-0b0c4a3e9f11", "sha256": "{sha}"}}'
    )


def _body(text: str, **fields: str) -> dict:
    return {"user": "test_user", "content_type": "session", "object_id": EID, "text": text, **fields}


def _no_fetch(path: str):
    raise AssertionError(f"no read expected, got {path}")


def test_a_sign_off_figure_request_of_this_widget_passes():
    figure = load_figure(_png())
    scope = RelayScope(objects={EID}, sign_off_keys={KEY}, figures=True)
    text = figure_note_text({"sign_off_key": KEY, "entry": "2024-01-15_test_user"}, figure.sha256)
    assert check_figure_post(_body(text), scope, "test_user", figure, _no_fetch) == _body(text)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"scope": {"figures": False}}, "attaches no figure"),
        ({"figure": None}, "holds no figure"),
        ({"body": {"image": "x"}}, "exactly the string fields"),
        ({"body": {"user": "reviewer2"}}, "written as 'test_user'"),
        ({"body": {"object_id": "0b2fd9a3-1c5e-4f4e-9a56-1f2d3c4b5a69"}}, "not an object of this widget"),
        ({"verdict": {"sign_off_key": "_camera_left", "entry": "2024-01-15_test_user"}}, "signs off only _ephysChoiceWorld_00"),
        ({"verdict": {"sign_off_key": KEY, "entry": "2024-01-15_reviewer2"}}, "own entry <date>_test_user"),
        ({"sha": "b" * 64}, "another image than the figure this widget holds"),
        ({"text": '{"title": "=== QC FIGURE ===", "sign_off_key": "_ephysChoiceWorld_00", "entry": "2024-01-15_test_user", "sha256": "%s", "extra": 1}'}, "not in the form alyx-qc writes"),
        ({"text": '{"title": "=== SIGN-OFF NOTE FOR _ephysChoiceWorld_00 ==="}'}, "titled '=== QC FIGURE ==='"),
    ],
)
def test_anything_else_is_refused(change, message):
    figure = load_figure(_png())
    scope = RelayScope(objects={EID}, sign_off_keys={KEY}, **{"figures": True, **change.get("scope", {})})
    verdict = change.get("verdict", {"sign_off_key": KEY, "entry": "2024-01-15_test_user"})
    text = change.get("text", figure_note_text(verdict, change.get("sha", figure.sha256)))
    if "%s" in text:
        text = text % figure.sha256
    with pytest.raises(RelayRefused, match=message):
        check_figure_post(_body(text, **change.get("body", {})), scope, "test_user", change.get("figure", figure), _no_fetch)


def test_a_critical_figure_names_a_critical_note_of_the_same_object():
    figure = load_figure(_jpeg())
    note_id = "6f1a7a52-4e3b-4c9a-9d55-0b0c4a3e9f11"
    scope = RelayScope(objects={EID}, critical=True, figures=True)
    text = figure_note_text({"critical_note": note_id}, figure.sha256)
    critical = {"id": note_id, "object_id": EID, "text": '{"title": "=== EXPERIMENTER REASON(S) FOR MARKING THE SESSION AS CRITICAL ===", "reasons_selected": [], "reason_for_other": "x"}'}
    assert check_figure_post(_body(text), scope, "test_user", figure, lambda path: (200, critical))["text"] == text
    with pytest.raises(RelayRefused, match="is not a critical note of"):
        check_figure_post(_body(text), scope, "test_user", figure, lambda path: (200, {**critical, "text": "free text"}))
    with pytest.raises(RelayRefused, match="could not read critical note"):
        check_figure_post(_body(text), scope, "test_user", figure, lambda path: (404, None))


def test_the_multipart_note_is_stored_by_alyx_byte_for_byte(alyx):
    import requests

    eid = alyx.new_session()
    figure = load_figure(_png(1500, 20))  # wider than Alyx's default 800 px: width=orig keeps it
    fields = {"user": "test_user", "content_type": "session", "object_id": eid, "text": figure_note_text({"sign_off_key": KEY, "entry": "2024-01-15_test_user"}, figure.sha256)}
    body, content_type = multipart_note(fields, figure)
    headers = {"Authorization": f"Token {alyx.token()}", "Accept": "application/json"}
    created = requests.post(f"{alyx.base_url}/notes", data=body, headers={**headers, "Content-Type": content_type}, timeout=10)
    assert created.status_code == 201, created.text
    note = created.json()
    scope = RelayScope(objects={eid}, sign_off_keys={KEY}, figures=True)
    path = figure_image_path(note, scope, alyx.base_url)
    image = requests.get(f"{alyx.base_url}{path}", headers=headers, timeout=10)
    assert check_image_answer(image.status_code, image.content) == "image/png"
    assert image.content == figure.data
    with pytest.raises(RelayRefused, match="not a file under"):
        figure_image_path({**note, "image": "https://elsewhere.example/uploaded/x.png"}, scope, alyx.base_url)
    with pytest.raises(RelayRefused, match="only the image of a figure note"):
        figure_image_path({**note, "object_id": EID}, scope, alyx.base_url)


def test_an_answer_that_is_not_an_image_is_named():
    # What Alyx 3.6.1's own /uploaded/ view answers: the file's path, as text.
    with pytest.raises(FigureError, match=r"Alyx did not serve the image \(it starts with 2f 76 61 72\)"):
        check_image_answer(200, b"/var/www/alyx/uploaded/2024/01/15/figure.png")
    with pytest.raises(FigureError, match="answered 403"):
        check_image_answer(403, b'{"detail": "x"}')


def _figure_post(relay, request_id, body):
    """The page's request for a figure note: ``POST /notes`` with the four fields as JSON, no file."""
    return relay.perform({"type": "alyx-request", "id": request_id, "method": "POST", "url": f"{relay.credentials.base_url}/notes", "body": body})


def test_the_relay_writes_the_held_figure_and_reads_it_back(alyx):
    """The page names the verdict; the kernel posts the bytes it holds and reads the image back."""
    import json

    from alyx_qc._credentials import Credentials
    from alyx_qc._figure import perform_image_request
    from alyx_qc._relay import Relay

    eid = alyx.new_session()
    relay = Relay(Credentials(alyx.base_url, "test_user", lambda: alyx.token()), scope=RelayScope(objects={eid}, sign_off_keys={KEY}, figures=True))
    relay.figure = load_figure(_png(900, 30))
    text = figure_note_text({"sign_off_key": KEY, "entry": "2024-01-15_test_user"}, relay.figure.sha256)
    body = json.dumps({"user": "test_user", "content_type": "session", "object_id": eid, "text": text})
    answer = _figure_post(relay, "f-1", body)
    assert (answer["type"], answer["status"]) == ("alyx-response", 201), answer
    note = json.loads(answer["body"])
    assert note["text"] == text and note["image"]
    image, buffers = perform_image_request(relay, {"type": "alyx-image-request", "id": "i-1", "note_id": note["id"]})
    assert image == {"type": "alyx-image", "id": "i-1", "content_type": "image/png"}
    assert buffers == [relay.figure.data]
    # Another object's note, or a sign-off note, is not read.
    other = alyx.new_session()
    refused, none = perform_image_request(relay, {"type": "alyx-image-request", "id": "i-2", "note_id": "not-a-uuid"})
    assert (refused["code"], none) == ("refused", [])
    forged = _figure_post(relay, "f-2", body.replace(eid, other))
    assert forged["code"] == "refused" and "not an object of this widget" in forged["message"]
    assert alyx.token() not in json.dumps([answer, image, refused, forged])


# -- SignOff(figure=), CriticalNote(figure=) -------------------------------------------------------


def test_the_widgets_hold_the_figure_in_the_kernel_and_show_a_thumbnail(alyx):
    import json

    from alyx_qc import CriticalNote, SignOff

    token = alyx.token()
    data = _png(1200, 800)
    widget = SignOff(EID, key=KEY, kind="task", base_url=alyx.base_url, token=token, username="test_user", figure=data)
    assert widget.figure == {"content_type": "image/png", "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    with PIL.open(io.BytesIO(widget.figure_thumbnail)) as thumb:
        assert thumb.size == (320, 213)
    state = json.dumps(widget.get_state(), default=lambda value: value.hex() if isinstance(value, (bytes, memoryview)) else str(value))
    assert data.hex() not in state, "the figure's bytes are not in the widget state"
    assert token not in state
    critical = CriticalNote(EID, base_url=alyx.base_url, token=token, username="test_user", figure=_jpeg())
    assert critical.figure["content_type"] == "image/jpeg"
    plain = SignOff(EID, key=KEY, kind="task", base_url=alyx.base_url, token=token, username="test_user")
    assert (plain.figure, plain.figure_thumbnail) == (None, b"")


def test_a_bad_figure_is_an_error_in_the_cell(alyx, tmp_path: Path):
    from alyx_qc import SignOff

    with pytest.raises(FigureError, match="does not exist"):
        SignOff(EID, key=KEY, kind="task", base_url=alyx.base_url, token=alyx.token(), username="test_user", figure=tmp_path / "nope.png")
    with pytest.raises(TypeError, match="Did you mean 'figure'"):
        SignOff(EID, key=KEY, kind="task", base_url=alyx.base_url, token=alyx.token(), username="test_user", figures=_png())


def test_the_widget_answers_the_pages_figure_messages(alyx):
    """The page names the verdict; the widget's kernel side writes the figure it holds, and sends
    a figure note's image back as the message's binary buffer."""
    import json
    import threading

    from alyx_qc import SignOff

    eid = alyx.new_session()
    data = _png(50, 40)
    widget = SignOff(eid, key=KEY, kind="task", base_url=alyx.base_url, token=alyx.token(), username="test_user", figure=data)
    sent: list = []
    arrived = threading.Event()

    def send(content, buffers=None):
        sent.append((json.loads(json.dumps(content)), buffers))
        arrived.set()

    widget.send = send
    text = figure_note_text({"sign_off_key": KEY, "entry": "2024-01-15_test_user"}, widget.figure["sha256"])
    body = json.dumps({"user": "test_user", "content_type": "session", "object_id": eid, "text": text})
    widget._handle_message(widget, {"type": "alyx-request", "id": "v1-1", "method": "POST", "url": f"{alyx.base_url}/notes", "body": body}, [])
    assert arrived.wait(10)
    answer, _ = sent.pop()
    assert (answer["id"], answer["status"]) == ("v1-1", 201), answer
    arrived.clear()
    widget._handle_message(widget, {"type": "alyx-image-request", "id": "v1-2", "note_id": json.loads(answer["body"])["id"]}, [])
    assert arrived.wait(10)
    image, buffers = sent.pop()
    assert image == {"type": "alyx-image", "id": "v1-2", "content_type": "image/png"}
    assert [bytes(buffer) for buffer in buffers] == [data]


def test_the_relay_reads_only_figure_images_of_its_objects(alyx):
    """A sign-off note, another object's figure, a figure request without figures in scope: refused."""
    import json

    from alyx_qc._credentials import Credentials
    from alyx_qc._figure import perform_image_request
    from alyx_qc._relay import Relay

    eid, other = alyx.new_session(), alyx.new_session()
    plain = alyx.rest("POST", "/notes", {"user": "test_user", "content_type": "session", "object_id": eid, "text": '{"title": "=== SIGN-OFF NOTE FOR _ephysChoiceWorld_00 ==="}'}, username="test_user")
    credentials = Credentials(alyx.base_url, "test_user", lambda: alyx.token())
    relay = Relay(credentials, scope=RelayScope(objects={eid}, sign_off_keys={KEY}, figures=True))
    relay.figure = load_figure(_png())
    # A figure note on another session, written by a relay scoped to it.
    theirs = Relay(credentials, scope=RelayScope(objects={other}, sign_off_keys={KEY}, figures=True))
    theirs.figure = relay.figure
    text = figure_note_text({"sign_off_key": KEY, "entry": "2024-01-15_test_user"}, relay.figure.sha256)
    written = _figure_post(theirs, "f", json.dumps({"user": "test_user", "content_type": "session", "object_id": other, "text": text}))
    assert written["status"] == 201, written
    for note_id, why in ((plain["id"], "only the image of a figure note"), (json.loads(written["body"])["id"], "only the image of a figure note")):
        answer, buffers = perform_image_request(relay, {"id": "i", "note_id": note_id})
        assert (answer["type"], answer["code"], buffers) == ("alyx-relay-error", "refused", []), answer
        assert why in answer["message"]
    closed = Relay(credentials, scope=RelayScope(objects={eid}, sign_off_keys={KEY}))
    closed.figure = relay.figure
    answer = _figure_post(closed, "f2", json.dumps({"user": "test_user", "content_type": "session", "object_id": eid, "text": text}))
    assert answer["code"] == "refused" and "attaches no figure" in answer["message"]
