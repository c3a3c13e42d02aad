"""Plain-language wording of a grade, after the GRADE working group's suggested statements.

The certainty level sets the hedge ("increases", "probably increases", "may increase",
"very uncertain"); the direction sets whether the statement holds, fails or is disputed.
"""

LEVEL_PHRASES = {
    ("high", "supported"): "The evidence shows this is true.",
    ("moderate", "supported"): "This is probably true.",
    ("low", "supported"): "This may be true.",
    ("very_low", "supported"): "The evidence is very uncertain; it may or may not be true.",
    ("high", "contradicted"): "The evidence shows this is not true.",
    ("moderate", "contradicted"): "This is probably not true.",
    ("low", "contradicted"): "This may not be true.",
    ("very_low", "contradicted"): "The evidence is very uncertain; it may or may not be true.",
    ("high", "contested"): "Strong studies disagree about this.",
    ("moderate", "contested"): "Studies disagree; this may or may not be true.",
    ("low", "contested"): "Studies disagree; this may or may not be true.",
    ("very_low", "contested"): "The evidence is very uncertain and studies disagree.",
}

NOT_GRADED = "Not graded yet."
UNTESTED = "No study has tested this: sources only assert it."
BACKGROUND = "A background fact: the evidence grade does not rate it."


def plain_language(level: str, direction: str) -> str:
    """One sentence a reader understands, e.g. plain_language("moderate", "supported")."""
    if not level:
        return NOT_GRADED
    if level == "not_graded":
        return BACKGROUND
    if level == "insufficient" or direction == "none":
        return UNTESTED
    return LEVEL_PHRASES.get((level, direction), NOT_GRADED)
