"""What a reader sees of a claim or a reference, prepared from rows the view already fetched.

`claim_page(claim, url=...)` groups the prefetched evidence by stance, numbers the references
in order of first use, draws one forest plot per effect measure and unit, lists related
claims in both directions and builds the schema.org ClaimReview data. No queries happen here
beyond the prefetches of `Claim.objects.public().with_evidence().with_relations()`.
`reference_page(reference)` gives the record as labelled fields, its Vancouver text, its
BibTeX, and where the citation as a source printed it differs from the verified record.
"""

from dataclasses import dataclass, field

from django.utils.safestring import mark_safe

from citations.bibtex import render_entry
from citations.identifiers import doi_url, pmid_url
from citations.text.compare import DIFFERS, NOT_GIVEN, Segment, field_status, word_diff
from citations.text.styles import name_list
from claims import integrity
from claims.citation_order import evidence_key
from claims.cite_this import reference_text
from claims.forest import ForestRow, forest_plot, number, render_svg
from claims.forms import public_topics
from claims.models import Topic
from claims.profile_page import (
    EvidenceProfile,
    ci_label,
    deciding_studies,
    evidence_profile,
    reader_reasons,
)
from claims.profile_page import grouped_overlaps as grouped_overlaps  # re-exported: tests
from claims.profile_page import spelled_out as spelled_out  # re-exported: tests
from claims.verdict import RETRACTED_WORDING as RETRACTED_WORDING  # re-exported: API, tests
from claims.verdict import grade_notes, is_compound, level_label, parts_of, reader_wording
from config.caching import Memo
from evidence.facts import claim_values, grade_values, item_values
from evidence.living import Freshness, freshness
from evidence.rubrics.levels import LEVEL_NUMBERS

GROUPS = (
    ("supports", "Evidence for"),
    ("contradicts", "Evidence against"),
    ("no_effect", "Found no effect"),
    ("mixed", "Mixed results"),
    ("asserts", "Sources that only assert it"),
    ("mentions", "Sources that only mention it"),
)
ALWAYS_SHOWN = {"supports", "contradicts"}
RELATION_INVERSE = {
    "contradicts": "Contradicted by",
    "refines": "Refined by",
    "depends_on": "Needed by",
    "part_of": "Has part",
}
RELATION_LABELS = {"part_of": "Part of"}  # the models' labels explain themselves to curators
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
    notes: list[str] = field(default_factory=list)
    parts: list = field(default_factory=list)  # a compound claim's parts, each with its grade
    freshness: Freshness | None = None  # saved searches, last searched, studies under review

    @property
    def retracted(self) -> bool:
        return self.claim.status == "retracted"

    @property
    def cites_retracted(self) -> bool:
        return any(flag.state == integrity.RETRACTED for flag in self.flags)

    def compound(self) -> bool:
        return is_compound(self.claim)


def ordered_items(claim) -> list:
    """Strongest designs first, then newest references: the claim's citation order
    (`claims.citation_order`, which its formatted export follows too)."""
    return sorted(
        claim.evidence.all(), key=lambda item: evidence_key(item.design, item.reference.year)
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
                label,
                item.effect_value,
                item.ci_low,
                item.ci_high,
                integrity.plotted_stance(item),
                ci_note=ci_label(item.ci_source, item.ci_derivation),
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
    """'1.7 (95% CI 1.2 to 2.2) BMD, % change per year', or '' when no effect is recorded; a
    derived interval says so: '(95% CI −1.68 to −0.04, derived from a P value)'."""
    if item.effect_value is None:
        return ""
    text = number(item.effect_value)
    if item.ci_low is not None:
        label = ci_label(item.ci_source, item.ci_derivation)
        text += f" (95% CI {number(item.ci_low)} to {number(item.ci_high)}"
        text += f", {label})" if label else ")"
    return f"{text} {item.effect_unit}".strip()


def related_claims(claim) -> list[tuple[str, object]]:
    """Claims related in either direction; a compound claim's parts are listed as its parts."""
    outgoing = [
        (RELATION_LABELS.get(r.kind) or r.get_kind_display(), r.to_claim)
        for r in claim.relations_from.all()
    ]
    incoming = [
        (RELATION_INVERSE[r.kind], r.from_claim)
        for r in claim.relations_to.all()
        if r.kind in RELATION_INVERSE
    ]
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


PROFILED_RUBRICS = ("grade-2", "grade-3")
COUNTED_LEVELS = ("high", "moderate", "low", "very_low")


# Profiles recomputed by this process, by the grading values they come from: a 200-item
# claim's takes several ms and thousands of objects to recompute, its values a tenth of that.
PROFILES = Memo(size=64)


def grade_profile(claim):
    """The engine's profile of a claim's stored grade, recomputed by the rubric that stored it
    from the prefetched evidence (once per process for the same grading values: `PROFILES`).
    None for grade-1 claims: they show their stored reasons."""
    rubric = claim.grade_rubric
    if rubric not in PROFILED_RUBRICS or not claim.grade_level:
        return None
    values = claim_values(claim), [item_values(item) for item in claim.evidence.all()]
    return PROFILES.get((rubric, values), lambda: grade_values(*values, rubric).profile)


def with_deciding_counts(claims, topics=None) -> list:
    """`claims` (`ClaimQuerySet.for_lists()`) as a list, each with `list_topics`
    (`with_list_topics`) and `deciding_count`: how many studies decide its grade, what
    list pages show instead of tallying evidence items; None without a profile (grade-1, not
    graded, insufficient). Stored with the grade (`Claim.grade_deciding`, written by every
    regrade, evidence.services): no evidence, no parts and no grading per request."""
    claims = with_list_topics(list(claims), topics)
    for claim in claims:
        claim.deciding_count = deciding_count(claim)
    return claims


def deciding_count(claim) -> int | None:
    """How many studies decide `claim`'s stored grade (`grade_deciding`), for a grade whose
    profile names them (COUNTED_LEVELS by a PROFILED_RUBRICS rubric); else None."""
    if claim.grade_level in COUNTED_LEVELS and claim.grade_rubric in PROFILED_RUBRICS:
        return claim.grade_deciding or None
    return None


def with_list_topics(claims: list, topics=None) -> list:
    """Each claim's `list_topics`, by name, from its `topic_ids` and the public topics
    (`topics`, else `claims.forms.public_topics()`, which a list's form reads anyway): no
    query, but one for a topic the public list does not hold yet (a count kept a while)."""
    known = topics_by_pk(public_topics() if topics is None else topics)
    missing = {pk for claim in claims for pk in claim.topic_ids if pk not in known}
    if missing:
        known = {**known, **{topic.pk: topic for topic in Topic.objects.filter(pk__in=missing)}}
    for claim in claims:
        topics = (known[pk] for pk in claim.topic_ids if pk in known)
        claim.list_topics = sorted(topics, key=lambda topic: topic.name)
    return claims


# The last list of topics `topics_by_pk` was given, and its dict (never changed once made).
_last_topics: tuple = (None, {})


def topics_by_pk(topics: list) -> dict:
    """{pk: topic} of `topics`, made once for the same list: a list page's are the public
    overview's, the same list while the public counts do not change (claims.counts)."""
    global _last_topics
    last, known = _last_topics
    if last is not topics:
        known = {topic.pk: topic for topic in topics}
        _last_topics = (topics, known)
    return known


def deciding_items(items, profile) -> list:
    """The evidence rows of the studies that decide the grade (by label)."""
    labels = set(deciding_studies(profile))
    return [item for item in items if item.label in labels]


def derivations(items) -> dict[str, str]:
    """How each derived confidence interval was obtained, by the item's label."""
    return {item.label: item.ci_derivation for item in items if item.ci_source == "derived"}


def claim_page(claim, *, url: str) -> ClaimPage:
    items = ordered_items(claim)
    references = numbered_references(items)
    parts = parts_of(claim)
    wording = reader_wording(claim, retracted=integrity.retracted_tests(items))
    profile = grade_profile(claim)
    page = ClaimPage(
        claim=claim,
        wording=wording,
        level_label=level_label(claim),
        groups=stance_groups(items),
        plots=plots(items),
        references=references,
        related=related_claims(claim),
        profile=evidence_profile(profile, derivations(items)),
        reasons=reader_reasons(claim.grade_reasons or [], profile),
        flags=integrity.flags(items),
        notes=grade_notes(claim, deciding_items(items, profile)),
        parts=parts,
        freshness=freshness(claim),
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
    formatted = reference_text(record)
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
