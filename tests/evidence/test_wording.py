from evidence.wording import BACKGROUND, NOT_GRADED, UNTESTED, plain_language


def test_wording_hedges_by_level_and_follows_direction():
    assert plain_language("high", "supported") == "The evidence shows this is true."
    assert plain_language("moderate", "supported") == "This is probably true."
    assert plain_language("low", "contradicted") == "This may not be true."
    assert plain_language("insufficient", "none") == UNTESTED
    assert plain_language("", "") == NOT_GRADED
    assert plain_language("not_graded", "none") == BACKGROUND
