"""grade-2's words for a lay reader: designs spelled out ("randomised controlled trial",
never `rct`), routes, populations, stances, risks, why an item is not counted, and the small
helpers that name studies and numbers. Pure; grade-3 reads them too."""

DESIGN_WORDS = {
    "meta_analysis_rct": (
        "meta-analysis of randomised trials",
        "meta-analyses of randomised trials",
    ),
    "rct": ("randomised controlled trial", "randomised controlled trials"),
    "meta_analysis_obs": (
        "meta-analysis of observational studies",
        "meta-analyses of observational studies",
    ),
    "cohort": ("cohort study", "cohort studies"),
    "case_control": ("case-control study", "case-control studies"),
    "cross_sectional": ("cross-sectional study", "cross-sectional studies"),
    "case_series": ("case series", "case series"),
    "animal": ("controlled animal experiment", "controlled animal experiments"),
    "in_vitro": ("laboratory study on cells", "laboratory studies on cells"),
    "narrative_review": ("narrative review", "narrative reviews"),
    "textbook": ("textbook", "textbooks"),
    "expert_opinion": ("expert opinion", "expert opinions"),
    "popular": ("popular article", "popular articles"),
}
VIA_WORDS = {
    "direct": "",
    "systematic_review": " reported by a systematic review",
    "narrative_review": " reported by a narrative review",
}
FAMILY_WORDS = {
    "randomised": "randomised trials",
    "observational": "observational studies",
    "animal": "animal experiments",
    "cells": "laboratory studies on cells",
}
POPULATION_WORDS = {"humans": "people", "animals": "animals", "cells": "cells", "any": "anyone"}
STANCE_WORDS = {
    "supports": "supports it",
    "contradicts": "contradicts it",
    "no_effect": "found no effect",
    "mixed": "found mixed results",
    "asserts": "only asserts it",
    "mentions": "only mentions it",
}
RISK_WORDS = {
    "not_assessed": "not assessed",
    "some_concerns": "some concerns",
    "high": "high",
    "critical": "critical",
}
NOT_COUNTED_WORDS = {
    "retracted": "the paper was retracted",
    "not_found": "no such publication could be found",
    "asserts": "it states the claim without testing it",
    "mentions": "it only mentions the claim",
    "secondary": "it is not a study of its own; the studies it reports count when entered"
    " with their own design",
    "citation_only": "only its citation was seen, not the paper",
}
SEVERITY = {0: "Not serious", -1: "Serious", -2: "Very serious", -3: "Extremely serious"}
DOMAIN_WORDS = {
    "indirectness": "indirectness",
    "risk_of_bias": "risk of bias",
    "inconsistency": "inconsistency",
    "imprecision": "imprecision",
    "publication_bias": "publication bias",
}
START_FOOTNOTES = {
    4: "Randomised trials and controlled experiments start high: chance, not choice, decides"
    " who is treated.",
    2: "Observational studies start low: people who chose an exposure may differ in other ways.",
    1: "Case series start very low: they have no comparison group.",
}
ASSOCIATION_FOOTNOTE = "For a claim of association, cohort studies start high."
UP_WORDS = {
    "very_large": "very large effect",
    "large": "large effect",
    "dose_response": "dose-response",
    "confounding": "confounding would hide the effect",
}


def design_words(item, plural: bool = False) -> str:
    return DESIGN_WORDS[item.design][1 if plural else 0] + VIA_WORDS[item.via]


def names(studies) -> str:
    if len(studies) == 1:
        return studies[0].label
    return "; ".join(dict.fromkeys([study.label for study in studies]))


def labels(studies) -> tuple[str, ...]:
    if len(studies) == 1:
        return (studies[0].label,)
    return tuple(dict.fromkeys([study.label for study in studies]))


def number(value: float) -> str:
    return format(value, ",g")


def sentence(text: str) -> str:
    return text[0].upper() + text[1:] + "."


def described(item) -> str:
    """'Prior 1990 (a narrative review)'."""
    return f"{item.name} ({DESCRIPTIONS[item.design, item.via]})"


def _article(words: str) -> str:
    return ("an " if words[0] in "aeiou" else "a ") + words


DESCRIPTIONS = {
    (design, via): _article(words[0] + route)
    for design, words in DESIGN_WORDS.items()
    for via, route in VIA_WORDS.items()
}
