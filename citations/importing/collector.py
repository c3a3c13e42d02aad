"""Python's cyclic garbage collector paused for the length of an import.

An import builds tens of thousands of objects that live until it ends (records, plan
items, their dicts and names) and frees them by reference counting, not by collection; yet
each collection the allocations trigger walks every one of them again, which made a sixth
of the import of 8,754 real entries (bench/real_import.py). So the collector is paused while
a file is read, planned and written, and started again afterwards, when what the import
left behind goes to it in one pass. Memory stays bounded: the objects are those the import
holds anyway; only cycles (none in these objects) would wait for the end.
"""

import gc
from contextlib import contextmanager


@contextmanager
def collection_paused():
    """No cyclic collection inside; the collector as it was afterwards (re-entrant)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
