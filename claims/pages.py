"""What a reader sees of a claim or a reference, prepared from rows the view already fetched.

`claim_page(claim, url=...)` groups the prefetched evidence by stance, numbers the references
in order of first use, draws one forest plot per effect measure and unit, lists related
claims in both directions and builds the schema.org ClaimReview data. No queries happen here
beyond the prefetches of `Claim.objects.public().with_evidence().with_relations()`.
`reference_page(reference)` gives the record as labelled fields, its Vancouver text, its
BibTeX, and where the citation as a source printed it differs from the verified record.
"""

import re
from dataclasses import dataclass, field

from django.utils.safestring import mark_safe

from citations.bibtex import render_entry
from citations.compare import DIFFERS, NOT_GIVEN, Segment, field_status, word_diff
from citations.identifiers import doi_url, pmid_url
from citations.styles import name_list, vancouver
from claims import integrity
from claims.forest import ForestRow, forest_plot, number, render_svg
from evidence.facts import claim_grade_profile
from evidence.models import Design
from evidence.rubrics.levels import LEVEL_NUMBERS, LEVEL_WORDS
from evidence.rubrics.profile import DOMAIN_TITLES
from evidence.wording import plain_language

GROUPS = (
    ("supports", "Evidence for"),
    ("contradicts", "Evidence against"),
    ("no_effect", "Found no effect"),
    ("mixed", "Mixed results"),
    ("asserts", "Sources that only assert it"),
    ("mentions", "Sources that only mention it"),
)
ALWAYS_SHOWN = {"supports", "contradicts"}
DESIGN_ORDER = list(Design.values)  # strongest designs first
RELATION_INVERSE = {
    "contradicts": "Contradicted by",
    "refines": "Refined by",
    "depends_on": "Needed by",
    "part_of": "Has part",
}
FIELD_LABELS = {
    "author": "Authors",
    "title": "Title",
    "journal": "Journal",
    "booktitle": "Book",
    "publisher": "Publisher",
    "year": "Year",
    "volume": "Volume",
    "number": "Issue",
    "pages": "Pages",
    "edition": "Edition",
}
PUBLISHER = {"@type": "Organization", "name": "Evidence Ledger"}


@dataclass
class EvidenceGroup:
    stance: str
    heading: str
    items: list


@dataclass(frozen=True)
class PlotRow:
    """One line of a plot's table of numbers."""

    label: str  # "Rickard 2008"
    stance: str  # "Supports"
    effect: str  # "1.7 (95% CI 1.2 to 2.2) BMD, % change per year"


@dataclass
class Plot:
    ident: str
    svg: str
    unit: str
    items: list
    table: list[PlotRow] = field(default_factory=list)


@dataclass(frozen=True)
class ProfileRow:
    """One domain of the evidence profile, ready to print."""

    domain: str  # "risk_of_bias": the anchor of its explanation on the methodology page
    name: str  # "Risk of bias"
    change: str  # "Starts high", "Down 1 level", "Up 2 levels", "No change"
    effect: str  # "start", "down", "up", "none": the CSS class of the change
    judgement: str  # "" when it would only repeat the change ("Starts high")
    studies: tuple[str, ...]
    footnote: str


@dataclass(frozen=True)
class EvidenceProfile:
    rows: tuple[ProfileRow, ...]
    counted_once: tuple[str, ...]
    not_counted: tuple[str, ...]
    other_way: tuple[str, ...]


@dataclass
class ClaimPage:
    claim: object
    wording: str
    level_label: str
    groups: list[EvidenceGroup]
    plots: list[Plot]
    references: list
    related: list[tuple[str, object]]
    json_ld: dict = field(default_factory=dict)
    profile: EvidenceProfile | None = None
    reasons: list[str] = field(default_factory=list)
    flags: list[integrity.Flag] = field(default_factory=list)

    @property
    def retracted(self) -> bool:
        return self.claim.status == "retracted"

    @property
    def cites_retracted(self) -> bool:
        return any(flag.state == integrity.RETRACTED for flag in self.flags)


def ordered_items(claim) -> list:
    """Strongest designs first, then newest references."""
    return sorted(
        claim.evidence.all(),
        key=lambda item: (DESIGN_ORDER.index(item.design), -(item.reference.year or 0)),
    )


def numbered_references(items) -> list:
    """Each cited reference once, numbered in order of first use (sets `reference.number`)."""
    references = {}
    for item in items:
        if item.reference_id not in references:
            item.reference.number = len(references) + 1
            references[item.reference_id] = item.reference
        item.reference = references[item.reference_id]
    return list(references.values())


def stance_groups(items) -> list[EvidenceGroup]:
    """Items by stance; those citing a retracted paper apart, after the rest (never counted)."""
    kept = [item for item in items if not integrity.is_retracted(item)]
    groups = []
    for stance, heading in GROUPS:
        members = [item for item in kept if item.stance == stance]
        if members or stance in ALWAYS_SHOWN:
            groups.append(EvidenceGroup(stance, heading, members))
    retracted = [item for item in items if integrity.is_retracted(item)]
    if retracted:
        groups.append(
            EvidenceGroup(integrity.RETRACTED_GROUP, integrity.RETRACTED_HEADING, retracted)
        )
    return groups


def plots(items) -> list[Plot]:
    """One forest plot per (effect measure, unit): effects in different units share no axis."""
    by_axis: dict[tuple[str, str], list] = {}
    for item in items:
        if None not in (item.effect_value, item.ci_low, item.ci_high):
            by_axis.setdefault((item.effect_measure, item.effect_unit), []).append(item)
    result = []
    for index, ((measure, unit), members) in enumerate(by_axis.items(), start=1):
        labels = [item.label for item in members]
        rows = [
            ForestRow(
                label, item.effect_value, item.ci_low, item.ci_high, integrity.plotted_stance(item)
            )
            for label, item in zip(labels, members, strict=True)
        ]
        is_ratio = measure == "ratio"
        plot = forest_plot(rows, null_value=1.0 if is_ratio else 0.0, unit=unit, log_scale=is_ratio)
        ident = f"forest-{index}"
        svg = mark_safe(render_svg(plot, ident=ident))  # noqa: S308 - render_svg escapes all text
        table = [
            PlotRow(label, integrity.table_stance(item), effect_text(item))
            for label, item in zip(labels, members, strict=True)
        ]
        result.append(Plot(ident, svg, unit, members, table))
    return result


def effect_text(item) -> str:
    """'1.7 (95% CI 1.2 to 2.2) BMD, % change per year', or '' when no effect is recorded."""
    if item.effect_value is None:
        return ""
    text = number(item.effect_value)
    if item.ci_low is not None:
        text += f" (95% CI {number(item.ci_low)} to {number(item.ci_high)})"
    return f"{text} {item.effect_unit}".strip()


def related_claims(claim) -> list[tuple[str, object]]:
    outgoing = [(r.get_kind_display(), r.to_claim) for r in claim.relations_from.all()]
    incoming = [(RELATION_INVERSE[r.kind], r.from_claim) for r in claim.relations_to.all()]
    return outgoing + incoming


def claim_review(claim, *, url: str, wording: str, references) -> dict:
    """schema.org ClaimReview: the claim, our rating of its evidence, and what it cites."""
    data = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim.statement,
        "author": PUBLISHER,
        "datePublished": (claim.published_at or claim.created).date().isoformat(),
        "dateModified": (claim.reviewed_at or claim.updated).date().isoformat(),
        "itemReviewed": {
            "@type": "Claim",
            "appearance": [
                {
                    "@type": "CreativeWork",
                    "name": reference.title,
                    **citation_link(reference),
                    **integrity.work_status(reference),
                }
                for reference in references
            ],
        },
        "reviewRating": {"@type": "Rating", "alternateName": wording},
    }
    level = LEVEL_NUMBERS.get(claim.effective_level)
    if level and claim.status != "retracted":
        data["reviewRating"].update(ratingValue=level, worstRating=1, bestRating=4)
    return data


def citation_link(reference) -> dict:
    """The most durable address of a reference: DOI, else PubMed, else its web address."""
    if reference.doi:
        return {"url": doi_url(reference.doi)}
    if reference.pmid:
        return {"url": pmid_url(reference.pmid)}
    return {"url": reference.url} if reference.url else {}


NOT_GRADED_LABEL = "Not graded"
UNGRADED_LEVELS = {"", None, "not_graded"}
RETRACTED_WORDING = "This claim has been retracted: it no longer states a verdict."
BACKGROUND_WORDING = "A background fact: not graded."


def level_label(claim) -> str:
    """'Moderate certainty'; 'Insufficient evidence' when nothing tested the claim."""
    if claim.effective_level == "insufficient":
        return "Insufficient evidence"
    if claim.effective_level in UNGRADED_LEVELS:
        return NOT_GRADED_LABEL
    display = claim.get_grade_override_display() or claim.get_grade_level_display()
    return f"{display} certainty" if display else NOT_GRADED_LABEL


def short_level_label(claim) -> str:
    """The badge of a claim in a list: 'Moderate', 'Insufficient', 'Not graded'."""
    if claim.effective_level in UNGRADED_LEVELS:
        return NOT_GRADED_LABEL
    return claim.get_grade_override_display() or claim.get_grade_level_display()


def reader_wording(claim, *, retracted: int = 0) -> str:
    """The one sentence a reader gets; a retracted claim states no verdict. `retracted`:
    how many of its tests cite a retracted paper (integrity.retracted_tests)."""
    if claim.status == "retracted":
        return RETRACTED_WORDING
    if claim.effective_level == "not_graded":
        return BACKGROUND_WORDING
    return plain_language(claim.effective_level, claim.grade_direction, retracted=retracted)


# Design codes that are not English words; a reader sees the model's label instead.
DESIGN_LABELS = {value: label for value, label in Design.choices if "_" in value or value == "rct"}
DESIGN_CODE = re.compile(r"\b(" + "|".join(sorted(DESIGN_LABELS, key=len, reverse=True)) + r")\b")


def spelled_out(text: str) -> str:
    """'Starts high: rct (Smith 2020)' -> 'Starts high: randomised controlled trial (...)'."""
    return DESIGN_CODE.sub(lambda m: lower_first(DESIGN_LABELS[m.group(1)]), text)


def lower_first(label: str) -> str:
    return label[0].lower() + label[1:]


GRADE2 = "grade-2"


def change_text(domain: str, change: int) -> tuple[str, str]:
    """(words, CSS class) for what a domain did to the level."""
    if domain == "start":
        return f"Starts {LEVEL_WORDS.get(change, 'unknown')}", "start"
    if change == 0:
        return "No change", "none"
    levels = "level" if abs(change) == 1 else "levels"
    return (f"Down {-change} {levels}", "down") if change < 0 else (f"Up {change} {levels}", "up")


def profile_rows(rows) -> tuple[ProfileRow, ...]:
    """The engine's `DomainRow`s in the order of the rubric's steps (docs/grading.md), in a
    reader's words."""
    order = list(DOMAIN_TITLES)
    ranked = sorted(rows, key=lambda row: order.index(row.domain) if row.domain in order else 99)
    result = []
    for row in ranked:
        change, effect = change_text(row.domain, row.change)
        judgement = spelled_out(row.judgement)
        result.append(
            ProfileRow(
                domain=row.domain,
                name=DOMAIN_TITLES.get(row.domain, row.domain.replace("_", " ").capitalize()),
                change=change,
                effect=effect,
                judgement="" if judgement.casefold() == change.casefold() else judgement,
                studies=tuple(row.studies),
                footnote=spelled_out(row.footnote),
            )
        )
    return tuple(result)


def evidence_profile(profile) -> EvidenceProfile | None:
    """What a reader sees of the engine's `Profile` (None stays None)."""
    if profile is None:
        return None
    return EvidenceProfile(
        rows=profile_rows(profile.rows),
        counted_once=tuple(spelled_out(text) for text in profile.counted_once),
        not_counted=tuple(spelled_out(text) for text in profile.not_counted),
        other_way=tuple(spelled_out(text) for text in profile.other_way),
    )


def grade_profile(claim):
    """The engine's profile of a grade-2 claim, recomputed from its prefetched evidence.

    None for claims stored by another rubric: they show their stored reasons.
    """
    if claim.grade_rubric != GRADE2 or not claim.grade_level:
        return None
    return claim_grade_profile(claim).profile


def claim_page(claim, *, url: str) -> ClaimPage:
    items = ordered_items(claim)
    references = numbered_references(items)
    wording = reader_wording(claim, retracted=integrity.retracted_tests(items))
    page = ClaimPage(
        claim=claim,
        wording=wording,
        level_label=level_label(claim),
        groups=stance_groups(items),
        plots=plots(items),
        references=references,
        related=related_claims(claim),
        profile=evidence_profile(grade_profile(claim)),
        reasons=[spelled_out(reason) for reason in claim.grade_reasons or []],
        flags=integrity.flags(items),
    )
    page.json_ld = claim_review(claim, url=url, wording=wording, references=references)
    return page


@dataclass
class RecordField:
    label: str
    value: str
    differs: bool
    not_given: bool = False


@dataclass
class ReferencePage:
    reference: object
    formatted: str
    bibtex: str
    fields: list[RecordField]
    cited: list[Segment]
    verified: list[Segment]


def reference_page(reference) -> ReferencePage:
    """The record as fields, its formatted text, and where the as-cited text differs."""
    record = reference.to_record()
    formatted = vancouver(record)
    status = field_status(reference.as_cited, record) if reference.as_cited else {}
    values = {"author": name_list(record.authors), **record.fields}
    values["pages"] = values.get("pages", "").replace("--", "\u2013")
    fields = [
        RecordField(label, values[name], status.get(name) == DIFFERS, status.get(name) == NOT_GIVEN)
        for name, label in FIELD_LABELS.items()
        if values.get(name)
    ]
    cited, verified = word_diff(reference.as_cited, formatted) if reference.as_cited else ([], [])
    return ReferencePage(reference, formatted, render_entry(record), fields, cited, verified)
