"""What a rubric returns: a `Grade`, and from grade-2 on a GRADE evidence `Profile` of it.

Pure data, shared by every rubric and by the reader pages. A profile has one `DomainRow` per
GRADE domain, in `DOMAINS` order:

- `domain`: one of `DOMAINS`;
- `change`: for the "start" row, the start level (1 very low .. 4 high); for every other row
  the levels it moved the grade (0, -1, -2, +1, +2);
- `judgement`: plain words ("Starts high", "Not serious", "Serious", "Very serious",
  "Up 1: large effect", "None");
- `studies`: labels of the studies behind the judgement ("Prior 1990");
- `footnote`: one plain sentence for a lay reader.

and three lists of sentences: which items were joined into one study and why
(`counted_once`), what was not counted and why (`not_counted`), and counted studies outside
the deciding set that point the other way (`other_way`).

grade-3 adds what its pages need (every field has a default, so grade-2 profiles stay valid):
- `provisional`: some deciding study's risk of bias is not assessed yet;
- `deciding`: labels of the studies that decide (the deciding set D), so pages can say
  "2 studies decide" instead of tallying items;
- `risks`: per deciding study its risk-of-bias judgement and the tool that judged it;
- `heterogeneity`: per deciding synthesis its I² and the direction of its pooled studies;
- `estimate`: the estimate imprecision was judged on (pooled or which study), its CI and
  where the CI came from, the MID and thresholds, the regions touched, the OIS;
- `caps`: the ceilings that apply (what was read, single study, laboratory result without a
  CI, unverified record) and whether each lowered the grade;
- `overlaps`: "X may include Y; check X's included studies" flags (never merged);
- `notes`: the reader notes the grade carries (provisional, prognostic, laboratory);
- `parts`: for a compound claim (not graded), the claims that are its parts.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields

DOMAINS = (
    "start",
    "risk_of_bias",
    "inconsistency",
    "indirectness",
    "imprecision",
    "publication_bias",
    "rating_up",
)
DOMAIN_TITLES = {
    "start": "Starting level",
    "risk_of_bias": "Risk of bias",
    "inconsistency": "Inconsistency",
    "indirectness": "Indirectness",
    "imprecision": "Imprecision",
    "publication_bias": "Publication bias",
    "rating_up": "Rating up",
}


def filled_at_once(cls):
    """Give frozen dataclass `cls` an `__init__` that fills the instance's `__dict__` in one
    step instead of one `object.__setattr__` call per field (what `frozen=True` generates):
    same parameters, defaults, instances, equality and hash, built in about a third of the
    time. Every claim page builds a profile of these (bench/grading.py, issue 20)."""
    defaults, params, names = {}, [], []
    for field in fields(cls):
        names.append(field.name)
        if field.default is MISSING:
            params.append(field.name)
        else:
            defaults[field.name] = field.default
            params.append(f"{field.name}=_defaults[{field.name!r}]")
    source = (
        f"def __init__(self, {', '.join(params)}):\n"
        f"    self.__dict__.update({', '.join(f'{name}={name}' for name in names)})\n"
    )
    namespace: dict = {"_defaults": defaults}
    exec(source, namespace)  # noqa: S102 - source built above from the class's own field names
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init
    return cls


@filled_at_once
@dataclass(frozen=True)
class DomainRow:
    domain: str
    change: int
    judgement: str
    studies: tuple[str, ...]
    footnote: str

    @property
    def title(self) -> str:
        return DOMAIN_TITLES[self.domain]


@filled_at_once
@dataclass(frozen=True)
class StudyRisk:
    """One deciding study's risk of bias: `judgement` is the model value (`low`,
    `some_concerns`, `high`, `critical`, `not_assessed`; `high` for an expression of concern
    unless critical), `tool` the instrument named by the curator ("RoB 2", "" when none), `text`
    the reader's words ("low (RoB 2)", "Not assessed (provisional)")."""

    study: str
    judgement: str
    tool: str
    text: str
    expression_of_concern: bool = False


@filled_at_once
@dataclass(frozen=True)
class Heterogeneity:
    """One deciding synthesis: its I² (None when not reported), `same_direction` (`yes`, `no`,
    `unknown`), the levels it alone would take (0..2) and `text`, e.g. "I² 81%; direction of
    the pooled studies: not checked"."""

    study: str
    i_squared: float | None
    same_direction: str
    change: int
    text: str


@filled_at_once
@dataclass(frozen=True)
class Estimate:
    """The estimate imprecision was judged on.

    `source` is `pooled` (the claim's pooled estimate) or `study` (`study` names it);
    `measure` `difference` or `ratio`; `ci_source` `reported` or `derived` (from a P value or
    a standard error: pages label it so); `mid` the claim's MID when it applied to this measure;
    `thresholds` (lower, upper) or None; `regions` the regions the CI touches, in order, of
    `important_low`, `trivial`, `important_high`; `twice` whether the CI also reaches twice the
    thresholds both ways; `ois` the optimal information size applied (400) with `total_size`,
    or None when not applied; `change` the levels imprecision took; `text` one plain sentence.
    """

    source: str
    study: str
    measure: str
    value: float | None
    ci_low: float
    ci_high: float
    ci_source: str = "reported"
    mid: float | None = None
    thresholds: tuple[float, float] | None = None
    regions: tuple[str, ...] = ()
    twice: bool = False
    ois: int | None = None
    total_size: int | None = None
    change: int = 0
    text: str = ""


@filled_at_once
@dataclass(frozen=True)
class Cap:
    """A ceiling on the grade. `kind`: `secondary` (nobody here read the study: very low),
    `narrative_review` (known through a narrative review: low), `single_study` (one
    unreplicated primary study: moderate), `laboratory_no_ci` (animal or cell results without
    a confidence interval: low), `unverified` (a record nobody checked: low). `at_most` is
    the level name, `applied` whether it lowered the grade, `text` one plain sentence."""

    kind: str
    at_most: str
    studies: tuple[str, ...]
    applied: bool
    text: str


@filled_at_once
@dataclass(frozen=True)
class Overlap:
    """A synthesis of unknown contents (`review`) that may include `other`: flagged, never
    merged. `text`: "X may include Y; check X's included studies"."""

    review: str
    other: str
    text: str


@filled_at_once
@dataclass(frozen=True)
class Profile:
    rows: tuple[DomainRow, ...]
    counted_once: tuple[str, ...] = ()
    not_counted: tuple[str, ...] = ()
    other_way: tuple[str, ...] = ()
    provisional: bool = False
    deciding: tuple[str, ...] = ()
    risks: tuple[StudyRisk, ...] = ()
    heterogeneity: tuple[Heterogeneity, ...] = ()
    estimate: Estimate | None = None
    caps: tuple[Cap, ...] = ()
    overlaps: tuple[Overlap, ...] = ()
    notes: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()

    def row(self, domain: str) -> DomainRow | None:
        return next((row for row in self.rows if row.domain == domain), None)


@filled_at_once
@dataclass(frozen=True)
class Grade:
    """A claim's grade: `level` (high, moderate, low, very_low, insufficient, not_graded),
    `direction` (supported, contradicted, contested, none; from grade-3 on also
    no_difference, "No difference shown"), plain `reasons`, the `rubric` that computed it,
    from grade-2 on its evidence `profile` (None for grade-1), and from grade-3 on whether it
    is `provisional` (a deciding study's risk of bias is not assessed yet; always False for
    grade-1 and grade-2), and `deciding`: how many studies decide it (the labels of its
    profile's deciding studies, `Profile.deciding`, else of its "start" row; 0 for grade-1 and
    for a claim not graded or with nothing counted), counted even without a profile, so a
    stored grade can keep what list pages show ("2 studies decide"). Positional order is kept
    for grade-1 and grade-2; pass `provisional` and `deciding` by keyword."""

    level: str
    direction: str
    reasons: tuple[str, ...]
    rubric: str = "grade-1"
    profile: Profile | None = None
    provisional: bool = False
    deciding: int = 0
