"""How the server process handles memory, tuned for a snapshot of a million leads.

A write brings dozens of per-lead columns up to date (issue 17, "current within a blink"):
each is a fresh array of a few MiB, and every rerun builds thousands of small pandas
objects. Two defaults made that slow, measured on the Compliance page at 1M leads:

- numpy advises the kernel to back big arrays with 2 MiB pages; with transparent huge pages
  on "madvise" (a common default) each fresh array is then faulted in by compacting memory
  on the spot: copying one column of a million leads took 20 ms instead of 4.
- Python's collector ran its young generation every 700 new containers and the whole heap
  (a quarter of a million objects) now and then: 36 ms of every write-then-rerun; with the
  thresholds below, 4 ms.
"""

from __future__ import annotations

import gc

import numpy as np

# Young collections every 10,000 new containers (not 700); the older generations follow
# after 50 and 100 of those: garbage in cycles is still collected, just in bigger batches.
GC_THRESHOLDS = (10_000, 50, 100)


def tune_process() -> None:
    """Small pages for numpy's arrays and fewer collections; safe to call again."""
    multiarray = getattr(getattr(np, "_core", None), "multiarray", None)
    advise = getattr(multiarray, "_set_madvise_hugepage", None)  # numpy 2's switch
    if advise is not None:
        advise(False)
    gc.set_threshold(*GC_THRESHOLDS)
