"""The shared snapshot's memo as domain functions take it: who asks is checked, then the memo.

A figure memoised in `Shared.memo` is shared by every session of the data revision. A page
that looked in the memo itself could hand a figure computed for one user to another who
may not see it (a hit skips the function that checks). So the domain function that computes
a figure takes the memo, checks the acting user's permission first, builds its own key
and only then looks: pages call that one function and never `.memo(` themselves.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Hashable
from typing import Any, Protocol, TypeVar

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
