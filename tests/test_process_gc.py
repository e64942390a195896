"""The collector is told once which objects are here to stay (`store.process`, app.py)."""

from __future__ import annotations

import gc
import weakref

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
