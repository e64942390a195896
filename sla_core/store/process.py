"""The server process's memory: the garbage collector, told once which objects are here
to stay, the C allocator, told to hand back what the figures freed, and the files mapped
into memory, whose pages a hand-back leaves to the system's file cache.

Python's collector walks every tracked object now and then to find cycles: after the app's
imports (Streamlit, pandas, pyarrow, altair) that is a quarter of a million objects that
live as long as the process, walked again and again while a page reruns. `gc.freeze`
moves them out of its sight; what is created afterwards is collected as before.
"""

from __future__ import annotations

import ctypes
import gc
import mmap
import threading
import time
import weakref
from collections.abc import Hashable
from contextlib import suppress
from pathlib import Path
from typing import Any

import pyarrow as pa

_frozen = False


def freeze_imports() -> None:
    """Once per process, after the imports: keep the objects alive so far out of the
    collector's walks (they are never garbage). Later calls do nothing."""
    global _frozen  # noqa: PLW0603 - once per process
    if not _frozen:
        _frozen = True
        gc.collect()
        gc.freeze()


def give_back_memory() -> None:
    """Return the memory a read or a figure freed to the system. Without it the process
    keeps it: at a million leads on PostgreSQL ~370 MiB after a read (ADBC's buffers, freed
    into the C allocator's arenas, and Arrow's pool), and 50-170 MiB after a page that
    judged the clocks again, which every figure computed afterwards then comes on top of."""
    pa.default_memory_pool().release_unused()
    release_file_pages()
    try:
        trim = ctypes.CDLL(None).malloc_trim  # glibc only
    except (OSError, AttributeError):
        return
    trim(0)


# Every file `mapped` that something still reads (a mapping goes when its last reader does).
_MAPPED: weakref.WeakSet[mmap.mmap] = weakref.WeakSet()


def mapped(path: Path) -> mmap.mmap:
    """`path` mapped into memory, read-only, its pages shared with the system's file cache.

    A read of a page makes it count as this process's resident memory until
    `release_file_pages`: at a million leads the Leads page's fifty rows of the kept
    snapshot touched 96 MiB of it (the system maps 64 KiB around each page read), and
    the clocks' first judgement every stamp column, all held as the app's own until the
    process ended. A page released stays in the file cache: the next read maps it again
    without reading the disk.
    """
    with path.open("rb") as file:
        view = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    _MAPPED.add(view)
    return view


def release_file_pages() -> None:
    """Take the pages of every `mapped` file out of this process's resident memory (they
    stay in the file cache). Harmless to readers: a page read again is mapped again."""
    advice = getattr(mmap, "MADV_DONTNEED", None)  # not on Windows
    if advice is None:
        return
    for view in list(_MAPPED):
        with suppress(ValueError, OSError):  # closed meanwhile
            view.madvise(advice)


# At most one hand-back at a time, and at most one per this many seconds: it takes 50-70 ms
# at a million leads, mostly the collector's walk (on a thread of its own).
GIVE_BACK_EVERY = 1.0
# A run on a new data revision collects sooner, but not within this many seconds of the last
# walk: each walk holds the interpreter 25-60 ms, which a rerun beside it waits for.
COLLECT_EVERY = 0.5
_giving = threading.Lock()
# when the last hand-back ended, when the last walk ended, the revision it followed
_last_given: list[Any] = [0.0, 0.0, None]


def give_back_soon(revision: Hashable = None) -> None:
    """After a page ran on the data's `revision`: collect the garbage cycles, then
    `give_back_memory`, on a thread of its own, unless one is running or ran less than
    `GIVE_BACK_EVERY` seconds ago (the next run asks again).

    The cycles first: each page run leaves its script's namespace (the functions a page
    defines refer back to it) holding what the page held, its revision's snapshot included,
    until Python's collector walks its oldest objects. At a million leads it did so after
    about seven runs with writes between them: ~23 MiB of refreshed columns and figures
    per revision were left over meanwhile (160 MiB before the walk). The walk takes 25-60
    ms there (the imports' objects are out of its sight: `freeze_imports`; what pages import
    later is not).

    A run on a new revision collects sooner: `COLLECT_EVERY` seconds after the last walk,
    not `GIVE_BACK_EVERY` after the last hand-back; the revision before it is what is left
    over. Held back by the second, runs right after writes (a rep logging calls, sessions
    rerunning on each other's writes) piled up two or three revisions' leftovers, and the
    server's peak varied by 150 MiB from one run of the benchmark to the next. What was freed
    goes back to the system at most once a second still (memory handed back is memory the
    next run takes from the system again)."""
    given_at, collected_at, followed = _last_given
    at = time.monotonic()
    due = at - given_at >= GIVE_BACK_EVERY
    sooner = revision != followed and at - collected_at >= COLLECT_EVERY
    if not (due or sooner) or not _giving.acquire(blocking=False):
        return

    def work() -> None:
        try:
            gc.collect()
            if due:
                give_back_memory()
        finally:
            ended = time.monotonic()
            _last_given[:] = [ended if due else given_at, ended, revision]
            _giving.release()

    threading.Thread(target=work, name="leadpact-give-back", daemon=True).start()
