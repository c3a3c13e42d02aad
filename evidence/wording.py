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
# A grade that counts nothing because every study that tested the claim was retracted says so:
# "sources only assert it" would hide the retraction.
RETRACTED_ONLY = "The only study was retracted; nothing else tests this."
ALL_RETRACTED = "All {count} studies were retracted; nothing else tests this."


def plain_language(level: str, direction: str, *, retracted: int = 0) -> str:
    """One sentence a reader understands, e.g. plain_language("moderate", "supported").

    `retracted` is how many items that tested the claim cite a retracted paper."""
    if not level:
        return NOT_GRADED
    if level == "not_graded":
        return BACKGROUND
    if level == "insufficient" or direction == "none":
        return untested(retracted)
    return LEVEL_PHRASES.get((level, direction), NOT_GRADED)


def untested(retracted: int) -> str:
    """Why nothing counted: every test was retracted, or nothing ever tested it."""
    if retracted == 1:
        return RETRACTED_ONLY
    return ALL_RETRACTED.format(count=retracted) if retracted else UNTESTED
