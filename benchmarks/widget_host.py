"""The kernel side of the widget benchmark: alyx_qc's real widget classes and their relay, with
the Jupyter comm replaced by lines of JSON on stdin and stdout (called by
``benchmarks/widget-requests.ts``, which plays the front end in Chromium).

Usage::

    python benchmarks/widget_host.py --static DIR --base-url URL --username U --token T

``DIR`` holds the widget bundles the benchmark built (the package's ``static/`` is not touched).
Commands, one JSON object a line on stdin:

- ``{"cmd": "create", "id": W, "class": "SignOff" | "CriticalNote" | "ReviewQueue", "args": [...],
  "kwargs": {...}, "plot": "matplotlib" | "png"}`` answers ``{"event": "created", "id": W,
  "state": {...}}`` (the synced traits) or ``{"event": "error", ...}``; ``plot`` gives the queue
  a ``plot(eid)``: a matplotlib figure of a few hundred points (when matplotlib is there, as it is
  with ibllib), else PNG bytes;
- ``{"cmd": "saved", "id": W}`` answers ``{"event": "saved", "id": W, "state": {...}}``: every
  synced trait, ``_esm`` and the model names included, as a notebook saves the widget;
- ``{"cmd": "msg", "id": W, "content": {...}}``: a custom message from the front end (what the
  comm would hand to the widget);
- ``{"cmd": "call", "id": W, "method": "submit", "kwargs": {...}}``: a method of the widget, as
  a notebook cell calls it;
- ``{"cmd": "close", "id": W}``.

Every ``widget.send(content, buffers)`` (the relay's answers, ``submit`` messages, plots) comes
out as ``{"event": "send", "id": W, "content": {...}, "buffers": [base64, ...]}``. The token is handed over once on the command
line (as a notebook passes ``token=``), stays in this process, and is never written out.
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import threading
import traceback
from pathlib import Path
from typing import Any, Callable, Dict


def _noise_png(width: int = 400, height: int = 300) -> bytes:
    """A valid RGB PNG of pseudo-random pixels (about 350 KB), made with zlib alone."""
    import random
    import struct
    import zlib

    rng = random.Random(7)
    rows = b"".join(b"\x00" + rng.randbytes(width * 3) for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def _plot_function(kind: str) -> Callable[[str], Any]:
    """What a reviewer's notebook passes as ``plot=``."""
    if kind == "matplotlib":
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            kind = "png"
        else:

            def plot(eid: str) -> Any:
                seed = int(eid[:8], 16)
                figure, axes = plt.subplots(figsize=(6, 3), dpi=100)
                axes.plot([((seed >> (i % 24)) % 97) / 97 + i / 300 for i in range(300)])
                axes.set_title(eid)
                return figure

            return plot
    data = _noise_png()
    return lambda eid: data


def _jsonable(state: Dict[str, Any]) -> Dict[str, Any]:
    """Binary traits (a figure's thumbnail) as ``{"$bytes": base64}``: the page makes them DataViews,
    as anywidget does, and a saved notebook holds them base64 encoded too."""
    return {name: {"$bytes": base64.b64encode(bytes(value)).decode("ascii")} if isinstance(value, (bytes, bytearray, memoryview)) else value for name, value in state.items()}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--static", required=True)
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("--token", required=True)
    args = parser.parse_args(argv)

    import alyx_qc
    from alyx_qc import _widget

    # The bundles the benchmark built, instead of the package's (another build may be writing those).
    _widget._STATIC = Path(args.static)

    out_lock = threading.Lock()

    def emit(event: Dict[str, Any]) -> None:
        # The relay answers from its worker threads: one line at a time.
        with out_lock:
            sys.stdout.write(json.dumps(event) + "\n")
            sys.stdout.flush()

    widgets: Dict[str, Any] = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        command = json.loads(line)
        wid = str(command.get("id", ""))
        try:
            if command["cmd"] == "create":
                cls = getattr(alyx_qc, command["class"])
                kwargs = dict(command.get("kwargs", {}))
                if command.get("plot"):
                    kwargs["plot"] = _plot_function(command["plot"])
                widget = cls(*command.get("args", []), base_url=args.base_url, username=args.username, token=args.token, **kwargs)

                def send(content: Any, buffers: Any = None, wid: str = wid) -> None:
                    encoded = [base64.b64encode(bytes(buffer)).decode("ascii") for buffer in buffers or []]
                    emit({"event": "send", "id": wid, "content": content, "buffers": encoded})

                widget.send = send
                widget._repr_mimebundle_()  # displayed, as the last expression of a cell
                widgets[wid] = widget
                state = _jsonable({name: value for name, value in widget.get_state().items() if not name.startswith("_")})
                emit({"event": "created", "id": wid, "state": state})
            elif command["cmd"] == "msg":
                widget = widgets[wid]
                widget._handle_message(widget, command["content"], [])
            elif command["cmd"] == "saved":
                emit({"event": "saved", "id": wid, "state": _jsonable(widgets[wid].get_state())})
            elif command["cmd"] == "call":
                getattr(widgets[wid], command["method"])(**command.get("kwargs", {}))
                emit({"event": "called", "id": wid, "method": command["method"]})
            elif command["cmd"] == "close":
                widgets.pop(wid).close()
        except Exception as error:  # noqa: BLE001 - reported to the benchmark, which fails the row
            emit({"event": "error", "id": wid, "error": f"{type(error).__name__}: {error}", "trace": traceback.format_exc(limit=4)})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
