"""alyx-qc in a notebook: sign off QC, or mark a session or probe insertion as CRITICAL, in Alyx.

>>> from alyx_qc import SignOff, CriticalNote
>>> SignOff(eid, key="_ephysChoiceWorld_00", kind="task", alyx=one.alyx)  # doctest: +SKIP
>>> CriticalNote(pid, alyx=one.alyx)                                      # doctest: +SKIP
>>> ReviewQueue(eids, key="_ephysChoiceWorld_00", kind="task", alyx=one.alyx)  # doctest: +SKIP

The widgets are a thin shim over the anywidget front end, which runs the QC workflows (notes
byte-identical to ``ibllib.qc.critical_reasons``); the kernel relays its requests to Alyx with
your credentials, which never reach the browser or the saved notebook.
"""

from importlib.metadata import PackageNotFoundError, version

from ._queue import ReviewQueue
from ._widget import CriticalNote, SignOff

try:
    __version__ = version("alyx-qc")
except PackageNotFoundError:  # pragma: no cover - a source tree on sys.path, not installed
    __version__ = "0.0.0+unknown"

__all__ = ["CriticalNote", "ReviewQueue", "SignOff", "__version__"]
