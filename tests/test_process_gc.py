"""The collector is told once which objects are here to stay, and freed memory is handed back
after a page ran, at most once a second, off the page's thread (`store.process`, app.py)."""

from __future__ import annotations

import gc
import threading
import time
import weakref
from pathlib import Path

import pytest

from sla_core.store import process


def test_the_imports_are_frozen_once_and_later_garbage_is_still_collected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(process, "_frozen", False)
    gc.unfreeze()
    try:
        process.freeze_imports()
        frozen = gc.get_freeze_count()
        assert frozen > 1000  # this test process's modules, at least
        junk = [object() for _ in range(10)]  # noqa: F841 - objects the next call must not freeze
        process.freeze_imports()
        assert gc.get_freeze_count() == frozen  # once per process

        class Node:
            other: object

        first = Node()
        first.other = Node()
        first.other.other = first  # type: ignore[attr-defined]
        alive = weakref.ref(first)
        del first
        for _ in range(30_000):  # new containers: the collector runs by itself
            node = Node()
            node.other = [node]
        assert alive() is None
    finally:
        gc.unfreeze()


def test_a_run_hands_memory_back_once_per_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    given: list[str] = []
    done = threading.Event()

    def give_back() -> None:
        given.append(threading.current_thread().name)
        done.set()

    monkeypatch.setattr(process, "give_back_memory", give_back)
    monkeypatch.setattr(process, "_last_given", [0.0, 0.0, None])
    process.give_back_soon()
    assert done.wait(5)
    for _ in range(50):  # the runs right after it ask again: within the interval, nothing
        process.give_back_soon()
    time.sleep(0.2)
    assert given == ["leadpact-give-back"]  # once, on a thread of its own
    monkeypatch.setattr(
        process, "_last_given", [time.monotonic() - process.GIVE_BACK_EVERY, 0.0, None]
    )
    done.clear()
    process.give_back_soon()
    assert done.wait(5) and len(given) == 2  # the interval over: again


def test_a_page_runs_namespace_left_in_a_cycle_is_freed_after_the_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A page script's namespace refers to itself through the functions it defines, so what
    the page held (its revision's snapshot) outlives the run until the collector walks the
    oldest objects: the hand-back after the run collects it."""
    import types
    import weakref

    class Snapshot:  # what a page holds in its namespace
        pass

    page = types.ModuleType("__main__")
    page.__dict__["Snapshot"] = Snapshot
    script = "snap = Snapshot()\n\ndef keep_columns():\n    return snap\n"
    exec(script, page.__dict__)  # noqa: S102 - as Streamlit runs a page
    held = weakref.ref(page.__dict__["snap"])
    del page
    monkeypatch.setattr(process, "_last_given", [0.0, 0.0, None])
    gc.disable()  # the collector's own walks would blur what the hand-back does
    try:
        assert held() is not None  # the run is over, its namespace is not freed
        process.give_back_soon()
        for _ in range(100):
            if held() is None:
                break
            time.sleep(0.05)
        assert held() is None
    finally:
        gc.enable()


def test_a_run_on_a_new_revision_collects_sooner_and_hands_back_once_per_interval(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Within the hand-back interval, a run on a revision the last walk did not follow
    collects what the runs before it left (the old revision) at once, unless a walk ended
    less than `COLLECT_EVERY` ago; what that freed goes back to the system when the
    hand-back interval is over, as after any run."""
    import types

    def settled() -> None:
        for _ in range(250):
            if not process._giving.locked():  # noqa: SLF001
                return
            time.sleep(0.02)

    # a hand-back an earlier test began is over first: it would note its own revision
    settled()
    given: list[int] = []
    monkeypatch.setattr(process, "give_back_memory", lambda: given.append(1))
    # the intervals long: in a large process the collector's walk alone can outlast a second
    monkeypatch.setattr(process, "GIVE_BACK_EVERY", 3600.0)
    monkeypatch.setattr(process, "COLLECT_EVERY", 60.0)
    now = time.monotonic()
    monkeypatch.setattr(process, "_last_given", [now, now - 120.0, "r1"])  # given back just now

    class Snapshot:
        pass

    def left_over() -> weakref.ref[Snapshot]:  # a page run's namespace, in a cycle
        page = types.ModuleType("__main__")
        page.__dict__["Snapshot"] = Snapshot
        exec("snap = Snapshot()\n\ndef keep():\n    return snap\n", page.__dict__)  # noqa: S102
        return weakref.ref(page.__dict__["snap"])

    gc.disable()  # the collector's own walks would blur what the hand-back does
    try:
        same = left_over()
        process.give_back_soon("r1")  # the same revision, within the interval: nothing
        settled()
        assert same() is not None
        process.give_back_soon("r2")  # a write since: the leftovers are collected now
        settled()
        assert same() is None and given == []  # ... and handed back with the next interval
        assert process._last_given[2] == "r2"  # noqa: SLF001
        newer = left_over()
        process.give_back_soon("r3")  # another write at once: not within a minute's walk
        settled()
        assert newer() is not None
        process._last_given[1] -= 120.0  # noqa: SLF001 - the walk long over
        process.give_back_soon("r3")
        settled()
        assert newer() is None and given == []
    finally:
        gc.enable()


def mapped_resident_kib(path: Path) -> int:
    """How much of `path`'s mappings counts as this process's resident memory (Linux)."""
    total, inside = 0, False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        if line[:1].isalnum() and "-" in line.split(" ", 1)[0]:  # a mapping's first line
            inside = line.endswith(str(path))
        elif inside and line.startswith("Rss:"):
            total += int(line.split()[1])
    return total


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="reads Linux's /proc")
def test_a_mapped_files_pages_leave_the_resident_memory_at_a_hand_back(tmp_path: Path) -> None:
    """At a million leads the kept snapshot's pages, once read, stayed counted as the app's
    memory until it ended (96 MiB after the Leads page's fifty rows); a hand-back leaves
    them to the file cache, and what reads them still reads the same bytes."""
    path = tmp_path / "pages.bin"
    pages = bytes(i % 251 for i in range(2048))  # 8 MiB: page i holds byte i % 251
    path.write_bytes(b"".join(bytes([b]) * 4096 for b in pages))
    view = process.mapped(path)
    gone = weakref.ref(view)
    reader = memoryview(view)
    assert bytes(reader[::4096]) == pages  # every page read once
    assert mapped_resident_kib(path) >= 7 * 1024
    process.give_back_memory()
    assert mapped_resident_kib(path) < 1024
    assert bytes(reader[::4096]) == pages  # read again, the same
    assert mapped_resident_kib(path) >= 7 * 1024
    reader.release()
    del view, reader
    gc.collect()
    assert mapped_resident_kib(path) == 0  # unmapped with its last reader
    assert gone() is None  # and out of `process._MAPPED`, a weak set
