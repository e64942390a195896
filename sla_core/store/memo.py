"""The shared snapshot's memo as domain functions take it: who asks is checked, then the memo.

A figure memoised in `Shared.memo` is shared by every session of the data revision. A page
that looked in the memo itself could hand a figure computed for one user to another who
may not see it (a hit skips the function that checks). So the domain function that computes
a figure takes the memo, checks the acting user's permission first, builds its own key
and only then looks: pages call that one function and never `.memo(` themselves.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Hashable
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar, cast

T = TypeVar("T")


class Memo(Protocol):
    """`Shared.memo`'s signature: `compute()` once per key (and stamp) and data revision."""

    def __call__(
        self,
        key: Hashable,
        compute: Callable[[], T],
        *,
        stamp: Hashable = None,
        update: Callable[[T, Any], T] | None = None,
        reads: Collection[str] | None = None,
    ) -> T:
        """The value of `compute()` for `key`, computed again when `stamp` changed."""
        ...


def no_memo(
    key: Hashable,
    compute: Callable[[], T],
    *,
    stamp: Hashable = None,
    update: Callable[[T, Any], T] | None = None,
    reads: Collection[str] | None = None,
) -> T:
    """Compute every time (callers without a shared snapshot: the CLI, tests)."""
    return compute()


@dataclass
class _Flight:
    """One computation under way: who runs it and, once `done`, what it gave."""

    stamp: Hashable
    owner: int
    done: threading.Event = field(default_factory=threading.Event)
    value: Any = None
    ok: bool = False


class Flights:
    """At most one computation of a key at a time (single flight): a caller asking for a
    key another thread is computing for the same stamp waits for that value instead of
    computing it beside it.

    At a million leads that is the clocks of every lead: two people whose pages ran just
    after a write both brought them forward, or worse, the second judged every lead again
    (the first had taken the previous revision's value to bring forward). A computation
    that fails leaves its waiters to compute on their own; a wait longer than `WAIT_AT_MOST`
    seconds does too, so no caller can wait on another forever.
    """

    WAIT_AT_MOST = 60.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[Hashable, _Flight] = {}

    def once(self, key: Hashable, stamp: Hashable, run: Callable[[], T]) -> T:
        """`run()`, unless another thread is running it for `key` and `stamp`: then what
        that gave (or `run()` after all, when it failed or took too long)."""
        me = threading.get_ident()
        with self._lock:
            flight = self._running.get(key)
            if flight is None or flight.stamp != stamp or flight.owner == me:
                flight = self._running[key] = _Flight(stamp, me)
                theirs = None
            else:
                theirs = flight
        if theirs is not None:
            if theirs.done.wait(self.WAIT_AT_MOST) and theirs.ok:
                return cast(T, theirs.value)
            return run()
        try:
            flight.value = run()
            flight.ok = True
            return cast(T, flight.value)
        finally:
            with self._lock:
                if self._running.get(key) is flight:
                    del self._running[key]
            flight.done.set()
