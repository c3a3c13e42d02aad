"""Plain-language wording of a grade, after the GRADE working group's informative statements
(GRADE 26, Santesso 2020).

The certainty level sets the hedge ("shows", "probably", "may", "very uncertain"); the
direction sets what is stated: the claim (`supported`), its opposite (`contradicted`), little
or no difference (`no_difference`, grade-3's reading of null results) or disagreement
(`contested`). grade-3 claims read `GRADE3_PHRASES` (docs/grading.md, "Reader wording");
claims stored by grade-1 or grade-2 keep the sentences of their rubric (`LEVEL_PHRASES`),
whose "contradicted" still counted null results as votes against.

Notes a page adds to the sentence: `PROVISIONAL_NOTE` when some deciding study's risk of bias
was never assessed, `PROGNOSTIC_NOTE` for a prognostic-factor claim, `LABORATORY_NOTE` when
a claim about people is decided by animal or cell studies.
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

GRADE3_PHRASES = {
    ("high", "supported"): "The evidence shows that this is true.",
    ("moderate", "supported"): "This is probably true.",
    ("low", "supported"): "This may be true.",
    ("very_low", "supported"): "The evidence is very uncertain; it may point this way.",
    ("high", "contradicted"): "The evidence shows the opposite.",
    ("moderate", "contradicted"): "The opposite is probably true.",
    ("low", "contradicted"): "The opposite may be true.",
    ("very_low", "contradicted"): "The evidence is very uncertain; it may point the other way.",
    ("high", "no_difference"): "It makes little or no difference.",
    ("moderate", "no_difference"): "It probably makes little or no difference.",
    ("low", "no_difference"): "It may make little or no difference.",
    ("very_low", "no_difference"): "No difference shown; the evidence is very uncertain.",
    ("high", "contested"): "The best studies disagree.",
    ("moderate", "contested"): "The best studies disagree.",
    ("low", "contested"): "The studies disagree; we cannot tell.",
    ("very_low", "contested"): "The studies disagree and the evidence is very uncertain.",
}

# The rubrics whose grades keep their own sentences; every later rubric reads GRADE3_PHRASES.
EARLIER_RUBRICS = ("grade-1", "grade-2")

NOT_GRADED = "Not graded yet."
UNTESTED = "No study has tested this: sources only assert it."
# grade-3: "insufficient" may also mean that what tested it was not counted (retracted, not
# read...), so the sentence does not say that nothing tested it.
NO_COUNTED_STUDY = "No study recorded here that counts has tested this."
BACKGROUND = "A background fact: the evidence grade does not rate it."
# A grade that counts nothing because every study that tested the claim was retracted says so:
# "sources only assert it" would hide the retraction.
RETRACTED_ONLY = "The only study was retracted; nothing else tests this."
ALL_RETRACTED = "All {count} studies were retracted; nothing else tests this."

COMPOUND = "A statement of several parts: it is not graded itself; each part has its own grade."

PROVISIONAL_NOTE = "Provisional: risk of bias not yet assessed."
PROGNOSTIC_NOTE = (
    "This grade is about an association that predicts risk; it says nothing about cause."
)
LABORATORY_NOTE = "Based on laboratory or animal studies, not on people."
VERY_LOW_MEANING = "The true effect is likely to be substantially different."


def plain_language(level: str, direction: str, *, rubric: str = "", retracted: int = 0) -> str:
    """One sentence a reader understands, e.g. plain_language("moderate", "supported").

    `rubric` is the rubric that stored the grade; grade-1 and grade-2 grades keep their own
    sentences, any other (and none given) reads grade-3's table. `retracted` is how many
    items that tested the claim cite a retracted paper.
    """
    if not level:
        return NOT_GRADED
    if level == "not_graded":
        return BACKGROUND
    earlier = rubric in EARLIER_RUBRICS
    if level == "insufficient" or direction == "none":
        if retracted:
            return untested(retracted)
        return UNTESTED if earlier else NO_COUNTED_STUDY
    phrases = LEVEL_PHRASES if earlier else GRADE3_PHRASES
    return phrases.get((level, direction), NOT_GRADED)


def untested(retracted: int) -> str:
    """Why nothing counted: every test was retracted."""
    if retracted == 1:
        return RETRACTED_ONLY
    return ALL_RETRACTED.format(count=retracted)
