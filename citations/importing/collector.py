"""Python's cyclic garbage collector paused while a file is imported.

Reading and planning a file allocates a few hundred objects per entry (strings, tuples,
dicts, plan items), none of them in a reference cycle, and keeps most of them to the end
(the plan). Each allocation of 700 objects starts a collection of the young generations,
which walks every object a collection has not yet promoted: about a hundred collections in
an import of 8,754 real entries that free nothing, 5-7 % of the import's time
(bench/real_import.py, docs/scale.md round nine). Reference counting still frees everything
as usual; only cycles wait, and any the import made are collected when it ends.
"""

import gc
from contextlib import contextmanager


@contextmanager
def collector_paused():
    """No cyclic garbage collection inside the block; the collector as it was after it
    (a caller that had paused it keeps it paused)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
