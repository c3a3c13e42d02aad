"""`batched`: consecutive lists of at most `size` items, taken lazily (pure, no database)."""

from itertools import count

from citations.batches import batched


def test_batched_cuts_an_iterable_into_lists_in_order():
    assert list(batched(range(5), 2)) == [[0, 1], [2, 3], [4]]
    assert list(batched([], 3)) == []


def test_batched_takes_only_what_it_yields_from_a_generator():
    endless = count()
    assert next(batched(endless, 3)) == [0, 1, 2]
    assert next(endless) == 3
