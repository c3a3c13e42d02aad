"""The citekey rule and collision suffixes: pure, no database."""

from hypothesis import given
from hypothesis import strategies as st

from citations.citekeys import TakenKeys, base_key, suffix, unique_key


def test_base_key_follows_the_design_rule():
    assert base_key("Prior", 1990, "Spinal bone loss and ovulatory disturbances") == (
        "prior1990spinal"
    )
    assert base_key("Dören", 2003, "The effects of hormone therapy") == "doren2003effects"
    assert base_key("", None, "On bone") == "anonndbone"


def test_suffixes_run_a_to_z_then_aa():
    assert [suffix(n) for n in (0, 1, 25, 26, 27, 701, 702)] == [
        "a", "b", "z", "aa", "ab", "zz", "aaa",
    ]  # fmt: skip


def test_many_entries_with_one_base_get_consecutive_suffixes():
    taken = TakenKeys({"smith2020bone"})
    keys = []
    for _ in range(30):
        keys.append(unique_key("smith2020bone", taken))
        taken.add(keys[-1])
    assert keys[:3] == ["smith2020bonea", "smith2020boneb", "smith2020bonec"]
    assert keys[-1] == "smith2020bonead"
    assert taken.first_free["smith2020bone"] == 29


@given(st.sets(st.sampled_from([f"k{suffix(n)}" for n in range(40)] + ["k"])), st.integers(1, 30))
def test_remembered_start_gives_the_same_keys_as_a_fresh_search(stored, count):
    remembered, plain = TakenKeys(stored), set(stored)
    for _ in range(count):
        fast, slow = unique_key("k", remembered), unique_key("k", plain)
        assert fast == slow
        remembered.add(fast)
        plain.add(slow)
