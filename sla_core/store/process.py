"""The server process's garbage collector, told once which objects are here to stay.

Python's collector walks every tracked object now and then to find cycles: after the app's
imports (Streamlit, pandas, pyarrow, altair) that is a quarter of a million objects that
live as long as the process, walked again and again while a page reruns. `gc.freeze`
moves them out of its sight; what is created afterwards is collected as before.
"""

from __future__ import annotations

import gc

_frozen = False


def freeze_imports() -> None:
    """Once per process, after the imports: keep the objects alive so far out of the
    collector's walks (they are never garbage). Later calls do nothing."""
    global _frozen  # noqa: PLW0603 - once per process
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()
