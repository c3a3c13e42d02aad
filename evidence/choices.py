"""The vocabularies of an evidence item (DESIGN names each value): TextChoices only,
importable without the models (evidence.models re-exports them)."""

from django.db import models


class Stance(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    CONTRADICTS = "contradicts", "Contradicts"
    NO_EFFECT = "no_effect", "Found no effect"
    MIXED = "mixed", "Mixed"
    ASSERTS = "asserts", "Asserts without testing"
    MENTIONS = "mentions", "Mentions only"


class Design(models.TextChoices):
    META_ANALYSIS_RCT = "meta_analysis_rct", "Meta-analysis of randomised trials"
    RCT = "rct", "Randomised controlled trial"
    META_ANALYSIS_OBS = "meta_analysis_obs", "Meta-analysis of observational studies"
    COHORT = "cohort", "Cohort study"
    CASE_CONTROL = "case_control", "Case-control study"
    CROSS_SECTIONAL = "cross_sectional", "Cross-sectional study"
    CASE_SERIES = "case_series", "Case series"
    ANIMAL = "animal", "Controlled animal experiment"
    IN_VITRO = "in_vitro", "In vitro study"
    NARRATIVE_REVIEW = "narrative_review", "Narrative review"
    TEXTBOOK = "textbook", "Textbook"
    EXPERT_OPINION = "expert_opinion", "Expert opinion"
    POPULAR = "popular", "Popular source"


class ItemPopulation(models.TextChoices):
    HUMANS = "humans", "Humans"
    ANIMALS = "animals", "Animals"
    CELLS = "cells", "Cells"


class EffectMeasure(models.TextChoices):
    DIFFERENCE = "difference", "Difference (no effect at 0)"
    RATIO = "ratio", "Ratio (no effect at 1)"


class RiskOfBias(models.TextChoices):
    LOW = "low", "Low"
    SOME_CONCERNS = "some_concerns", "Some concerns"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"
    NOT_ASSESSED = "not_assessed", "Not assessed"


class Via(models.TextChoices):
    DIRECT = "direct", "Read in the study itself"
    SYSTEMATIC_REVIEW = "systematic_review", "Reported by a systematic review"
    NARRATIVE_REVIEW = "narrative_review", "Reported by a narrative review"


class ItemCellSpecies(models.TextChoices):
    """The cells a study used (blank: not a cell study, or not given); a claim's scope is
    claims.models.ClaimCellSpecies."""

    UNSPECIFIED = "", "Not cells / not given"
    HUMAN = "human", "Human cells"
    ANIMAL = "animal", "Animal cells"


class Match(models.TextChoices):
    DIRECT = "direct", "Direct"
    RELATED = "related", "Related"
    REMOTE = "remote", "Remote"


class ComparatorMatch(models.TextChoices):
    DIRECT = "direct", "Direct"
    INDIRECT = "indirect", "Indirect"


class SameDirection(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Unknown"


class SmallStudyEffects(models.TextChoices):
    DETECTED = "detected", "Detected"
    NOT_DETECTED = "not_detected", "Not detected"
    NOT_ASSESSED = "not_assessed", "Not assessed"


class DoseResponse(models.TextChoices):
    SHOWN = "shown", "Shown"
    NOT_SHOWN = "not_shown", "Not shown"
    NOT_ASSESSED = "not_assessed", "Not assessed"


class Funding(models.TextChoices):
    INDUSTRY = "industry", "Industry"
    NON_INDUSTRY = "non_industry", "Non-industry"
    MIXED = "mixed", "Mixed"
    NOT_REPORTED = "not_reported", "Not reported"


class SourceAccess(models.TextChoices):
    FULL_TEXT = "full_text", "Full text"
    ABSTRACT = "abstract", "Abstract only"
    SECONDARY = "secondary", "Through another source"
    CITATION_ONLY = "citation_only", "Citation only (not read)"


class CISource(models.TextChoices):
    REPORTED = "reported", "Reported by the source"
    DERIVED = "derived", "Derived by the curator (e.g. from a P value)"


class Randomised(models.TextChoices):
    """Whether chance decided who (or which animal) got what: for animal experiments, random
    allocation (SYRCLE item 1); a genotype comparison is not randomised."""

    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_REPORTED = "not_reported", "Not reported"


class RobTool(models.TextChoices):
    """The tool a risk-of-bias judgement was made with (shown beside it: "low (RoB 2)")."""

    NONE = "", "No tool named"
    ROB2 = "rob2", "RoB 2"
    ROBINS_I = "robins_i", "ROBINS-I"
    ROBINS_E = "robins_e", "ROBINS-E"
    QUIPS = "quips", "QUIPS"
    SYRCLE = "syrcle", "SYRCLE"
    OTHER = "other", "Other"
