"""One computation of a memo entry at a time (`store.memo.Flights`, used by `Shared.memo`):
sessions asking for a figure another session is computing wait for it instead of computing
it beside it, and after a write the second of two never judges every lead again."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sla_core.store.memo import Flights
from sla_core.store.snapshot import Delta, Shared

SETTLE = 0.3  # seconds for the other threads to reach the memo while the first one computes


def frame() -> pd.DataFrame:
    return pd.DataFrame({"id": [1, 2, 3], "stage": ["mql", "sal", "won"]})


class Held:
    """A computation kept under way (`hold`) until the test lets it finish."""

    def __init__(self) -> None:
        self.started, self.finish = threading.Event(), threading.Event()

    def hold(self) -> None:
        self.started.set()
        assert self.finish.wait(10)


def asked_at_once(ask: Callable[[], Any], held: Held, others: int) -> dict[int, Any]:
    """What each caller got (0: the first; an exception it raised, if any): the `others`
    ask while the first one's computation is `held`."""
    answers: dict[int, Any] = {}

    def call(n: int) -> None:
        try:
            answers[n] = ask()
        except Exception as exc:  # noqa: BLE001 - the test reads what each caller got
            answers[n] = exc

    threads = [threading.Thread(target=call, args=(0,))]
    threads[0].start()
    assert held.started.wait(10)
    threads += [threading.Thread(target=call, args=(n,)) for n in range(1, others + 1)]
    for thread in threads[1:]:
        thread.start()
    time.sleep(SETTLE)
    held.finish.set()
    for thread in threads:
        thread.join(10)
    return answers


def test_sessions_asking_at_once_share_one_computation() -> None:
    shared = Shared("r1", frame())
    held = Held()
    runs: list[int] = []

    def compute() -> object:
        runs.append(1)
        held.hold()
        return object()

    answers = asked_at_once(lambda: shared.memo("k", compute), held, 5)
    assert len(runs) == 1
    assert len({id(answer) for answer in answers.values()}) == 1 and len(answers) == 6


def test_after_a_write_the_second_session_waits_for_the_figure_brought_forward() -> None:
    """Before: the first session took the previous revision's value to bring it forward, and
    the second, finding none, computed the figure from every lead (at a million leads, the
    clocks judged again: 1.2 s)."""
    before = Shared("r1", frame())
    before.memo("k", lambda: "old")
    after = Shared(
        "r2",
        frame(),
        before=before,
        delta=Delta(positions=np.array([1]), appended_from=3, columns=frozenset({"stage"})),
    )
    held = Held()
    computed: list[int] = []

    def compute() -> str:
        computed.append(1)
        return "every lead"

    def update(previous: str, delta: Delta) -> str:
        held.hold()
        return previous + " brought forward"

    answers = asked_at_once(lambda: after.memo("k", compute, update=update), held, 1)
    assert computed == []
    assert answers == {0: "old brought forward", 1: "old brought forward"}


def test_a_failed_computation_leaves_the_waiting_sessions_to_compute_their_own() -> None:
    shared = Shared("r1", frame())
    held = Held()
    runs: list[int] = []

    def compute() -> str:
        runs.append(1)
        if len(runs) == 1:
            held.hold()
            raise RuntimeError("the database went away")
        return "computed again"

    answers = asked_at_once(lambda: shared.memo("k", compute), held, 2)
    assert isinstance(answers[0], RuntimeError)  # the failure is the first caller's own
    assert answers[1] == answers[2] == "computed again"
    assert shared.memo("k", compute) == "computed again"  # and it was kept


def test_another_stamp_and_the_same_thread_never_wait() -> None:
    """A figure of another minute is computed beside the running one; a computation that
    asks for its own key again (re-entrant) computes instead of waiting on itself."""
    flights = Flights()
    held = Held()

    def slow() -> str:
        held.hold()
        return "minute 1"

    first = threading.Thread(target=lambda: flights.once("k", 1, slow))
    first.start()
    assert held.started.wait(10)
    assert flights.once("k", 2, lambda: "minute 2") == "minute 2"  # did not wait
    assert flights.once("other", 1, lambda: "other key") == "other key"
    held.finish.set()
    first.join(10)
    assert flights.once("k", 1, lambda: flights.once("k", 1, lambda: "inner")) == "inner"


def test_a_wait_has_an_end(monkeypatch: pytest.MonkeyPatch) -> None:
    flights = Flights()
    monkeypatch.setattr(Flights, "WAIT_AT_MOST", 0.2)
    held = Held()

    def stuck() -> str:
        held.hold()
        return "late"

    first = threading.Thread(target=lambda: flights.once("k", None, stuck))
    first.start()
    assert held.started.wait(10)
    assert flights.once("k", None, lambda: "mine") == "mine"
    held.finish.set()
    first.join(10)
