"""The server's memory tuning (`store.process.tune_process`), which app.py applies."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import numpy as np
import pytest

from sla_core.store.process import GC_THRESHOLDS, tune_process

ADVISE = np._core.multiarray._set_madvise_hugepage  # noqa: SLF001 - numpy 2's switch


@pytest.fixture
def untuned() -> Iterator[None]:
    """The process as Python and numpy start it; put back as it was afterwards."""
    thresholds = gc.get_threshold()
    advised = ADVISE(True)
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*thresholds)
    ADVISE(advised)


def test_tuning_turns_off_huge_page_advice_and_collects_in_bigger_batches(untuned: None) -> None:
    tune_process()
    assert gc.get_threshold() == GC_THRESHOLDS
    assert ADVISE(False) is False  # the switch returns what it was: tune_process turned it off
    tune_process()  # again: the same, no harm
    assert gc.get_threshold() == GC_THRESHOLDS


def test_garbage_in_cycles_is_still_collected_without_being_asked(untuned: None) -> None:
    """Bigger batches, not none: cycles dropped by the thousand go without a gc.collect()."""
    tune_process()

    class Node:
        other: object

    first = Node()
    first.other = Node()
    first.other.other = first  # type: ignore[attr-defined]
    alive = weakref.ref(first)
    del first
    for _ in range(3 * GC_THRESHOLDS[0]):  # new containers: the young generation fills up
        node = Node()
        node.other = [node]
    assert alive() is None
