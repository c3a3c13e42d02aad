"""Batches: an iterable cut into consecutive lists of at most `size` items.

Python 3.12's `itertools.batched` does this (yielding tuples); we support 3.11, so this is
the one copy the repository uses. It is lazy: a generator's items are never held whole.
"""

from collections.abc import Iterable, Iterator
from itertools import islice


def batched(items: Iterable, size: int) -> Iterator[list]:
    """Lists of `size` items in order, the last one shorter when `items` runs out."""
    items = iter(items)
    while batch := list(islice(items, size)):
        yield batch
