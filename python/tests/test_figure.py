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
