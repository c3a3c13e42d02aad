"""Living evidence: running a claim's saved searches, triaging what they find, and counting it.

- `search_run(search=...)` asks the search's source for what was published since its last
  run (or its own `date_from`) up to today (or its `date_until`), and keeps as candidates
  the records that are new: not a stored reference (same DOI, same PMID, or the same title
  and year, by `citations.text.sameness`'s title key) and not an earlier candidate of the
  claim, whatever its decision (so a "not relevant" record never comes back). One
  transaction per search: its candidates, its counts and how far it reached are written
  together, so a run over many claims that is killed resumes at the first search it had not
  finished (`searches_due`).
- `candidate_triage(...)` records a curator's decision; `candidate_include(...)` marks it
  relevant and gives the reference to cite (found by identifier, or created from the
  look-up), for the evidence form the admin opens next.
- `prisma_counts(claim)`: found, duplicates, screened (decided), screened out, included,
  under review. found = duplicates + candidates; candidates = screened out + included +
  under review.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.postgres.aggregates import JSONBAgg
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, JSONField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import MD5, Coalesce, JSONObject, Lower, Now
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from citations.models import Reference
from citations.services import reference_create_from_lookup, reference_lookup
from citations.sources import crossref, ncbi
from citations.sources.http import SourceError
from citations.sources.results import Article
from citations.text.sameness import title_hash
from claims.models import Claim
from evidence.search_models import Candidate, Decision, RecordAlert, SavedSearch, SearchSource
from evidence.services import share_references

REASON_REQUIRED = "Say why the study is not relevant: the reason is kept with the decision."
NO_IDENTIFIER = "This candidate has no DOI or PMID to look up; add its reference by hand."
REFERENCE_GONE = (
    "The reference of this candidate was deleted or merged meanwhile; include it again."
)


UNDER_REVIEW = (Decision.UNTRIAGED, Decision.LATER)


@dataclass(frozen=True)
class RunResult:
    search: SavedSearch
    found: int
    duplicates: int
    new: int


def searches_due(*, now=None, claim: Claim | None = None):
    """Saved searches never run, or last run more than `LEDGER_SEARCH_EVERY_DAYS` ago."""
    now = now or timezone.now()
    before = now - timedelta(days=settings.LEDGER_SEARCH_EVERY_DAYS)
    due = SavedSearch.objects.filter(Q(last_run_at__isnull=True) | Q(last_run_at__lt=before))
    if claim is not None:
        due = due.filter(claim=claim)
    return due.select_related("claim").order_by("pk")


def searches_run(*, searches, each=None) -> tuple[list[RunResult], list[tuple]]:
    """Run each search in turn; a source that fails is reported and the run goes on (that
    search stays due, so the next run asks again). `each(done)` is called after each. The
    command and the scheduled task both come here: progress is each search's own commit."""
    results, errors = [], []
    for done, search in enumerate(searches, 1):
        try:
            results.append(search_run(search=search))
        except SourceError as exc:
            errors.append((search, str(exc)))
        if each is not None:
            each(done)
    return results, errors


def search_window(search: SavedSearch, today: date) -> tuple[date | None, date]:
    """The publication days this run asks for: since the last run (or `date_from`), to
    today (or `date_until`). The last run's day is asked again: a record published that
    day after the run would otherwise be missed; it is de-duplicated."""
    since = search.last_run_until or search.date_from
    if search.date_from and since and since < search.date_from:
        since = search.date_from
    until = min(today, search.date_until) if search.date_until else today
    return since, until


def fetch(search: SavedSearch, since, until) -> list[Article]:
    """The records the source finds (network, through the one outbound client)."""
    if search.source == SearchSource.PUBMED:
        return ncbi.articles(ncbi.search(search.query, since=since, until=until))
    return crossref.search_works(search.query, since=since, until=until, filters=search.filters)


def search_run(*, search: SavedSearch, today: date | None = None) -> RunResult:
    """Run one saved search and keep what is new as candidates (one transaction)."""
    today = today or timezone.localdate()
    search.refresh_from_db()  # how far the last run reached, whoever ran it
    since, until = search_window(search, today)
    articles = fetch(search, since, until)  # outside the transaction: no lock held on I/O
    with transaction.atomic():
        locked = SavedSearch.objects.select_for_update().get(pk=search.pk)
        new = new_articles(locked.claim_id, articles)
        Candidate.objects.bulk_create(
            [candidate_from(locked, article) for article in new], ignore_conflicts=True
        )
        locked.found_count += len(articles)
        locked.duplicate_count += len(articles) - len(new)
        locked.last_run_at, locked.last_run_until = timezone.now(), until
        locked.save(
            update_fields=["found_count", "duplicate_count", "last_run_at", "last_run_until"]
        )
        Claim.objects.filter(pk=locked.claim_id).update(updated=Now())  # the page's line
    return RunResult(locked, len(articles), len(articles) - len(new), len(new))


def candidate_from(search: SavedSearch, article: Article) -> Candidate:
    return Candidate(
        claim_id=search.claim_id,
        search=search,
        source=search.source,
        pmid=article.pmid,
        doi=article.doi,
        title=article.title[:5000],
        abstract=article.abstract,
        journal=article.journal[:500],
        year=article.year[:20],
        publication_types=[t[:100] for t in article.publication_types],
    )


def new_articles(claim_id: int, articles: list[Article]) -> list[Article]:
    """The articles that are no stored reference, no earlier candidate of the claim, and
    not repeated within `articles` (the first of each is kept). Three queries in all."""
    dois = {a.doi for a in articles if a.doi}
    pmids = {a.pmid for a in articles if a.pmid}
    titles = {title_hash(a.title) for a in articles if a.title}
    refs = Reference.objects.alias(title_md5=MD5(Lower("title"))).filter(
        Q(doi__in=dois) | Q(pmid__in=pmids) | Q(title_md5__in=titles)
    )
    known = Candidate.objects.filter(claim_id=claim_id).alias(title_md5=MD5(Lower("title")))
    known = known.filter(Q(doi__in=dois) | Q(pmid__in=pmids) | Q(title_md5__in=titles))
    seen: set[tuple[str, str]] = set()
    for row in [
        *refs.values("doi", "pmid", "title", "year"),
        *known.values("doi", "pmid", "title", "year"),
    ]:
        seen |= keys(row["doi"] or "", row["pmid"] or "", row["title"] or "", row["year"] or "")
    new = []
    for article in articles:
        mine = keys(article.doi, article.pmid, article.title, article.year)
        if not mine & seen:
            new.append(article)
        seen |= mine
    return new


def keys(doi: str, pmid: str, title: str, year: str) -> set[tuple[str, str]]:
    """What makes two records one here: DOI, PMID, or title (as the sameness rule hashes
    it) with the year, when both are known."""
    found = set()
    if doi:
        found.add(("doi", doi.lower()))
    if pmid:
        found.add(("pmid", pmid))
    if title and year:
        found.add(("title", f"{title_hash(title)}:{str(year)[:4]}"))
    return found


@transaction.atomic
@transaction.atomic
def record_alerts_dismiss(*, alerts, actor) -> int:
    """Dismiss the open alerts among `alerts`, keeping who and when; how many were open."""
    ids = list(alerts.values_list("pk", flat=True))
    return (
        RecordAlert.objects.filter(pk__in=ids)
        .open()
        .update(dismissed_by=actor, dismissed_at=timezone.now())
    )


def candidate_triage(*, candidate: Candidate, decision: str, reason: str = "", actor) -> Candidate:
    """Record a curator's decision; "not relevant" needs the reason, which is kept."""
    if decision not in Decision.values or decision == Decision.UNTRIAGED:
        raise ValidationError({"decision": "Choose one of relevant, not_relevant, later."})
    if decision == Decision.NOT_RELEVANT and not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    candidate.decision, candidate.reason = decision, reason.strip()
    candidate.decided_by, candidate.decided_at = actor, timezone.now()
    candidate.save(update_fields=["decision", "reason", "decided_by", "decided_at"])
    Claim.objects.filter(pk=candidate.claim_id).update(updated=Now())
    return candidate


def candidate_include(*, candidate: Candidate, actor) -> Reference:
    """Mark the candidate relevant and give its reference: the stored one with its DOI or
    PMID, or one created from the look-up. The evidence item is then written through the
    evidence form (staged for a published claim: evidence.revisions)."""
    reference = stored_reference(candidate)
    if reference is None:
        identifier = candidate.doi or candidate.pmid
        if not identifier:
            raise ValidationError(NO_IDENTIFIER)
        result = reference_lookup(identifier=identifier)  # network: outside the transaction
        reference = result.duplicates[0] if result.duplicates else None
        reference = reference or reference_create_from_lookup(result=result, actor=actor)
    with transaction.atomic():
        # The reference first (FOR KEY SHARE, what the deferred check of the candidate's
        # foreign key takes at commit), then the claim: a reference save or merge locks the
        # reference, then the claims citing it; the other way round, each waits for the other.
        share_references({reference.pk})
        if not Reference.objects.filter(pk=reference.pk).exists():
            raise ValidationError(REFERENCE_GONE)
        candidate_triage(candidate=candidate, decision=Decision.RELEVANT, actor=actor)
        Candidate.objects.filter(pk=candidate.pk).update(reference=reference)
    return reference


def stored_reference(candidate: Candidate) -> Reference | None:
    wanted = Q(pk__in=[])
    if candidate.doi:
        wanted |= Q(doi=candidate.doi.lower())
    if candidate.pmid:
        wanted |= Q(pmid=candidate.pmid)
    return Reference.objects.filter(wanted).order_by("pk").first()


PRISMA_COLUMNS = (
    "found",
    "duplicates",
    "candidates",
    "screened",
    "screened_out",
    "included",
    "under_review",
)


def prisma_counts(claim: Claim) -> dict[str, int]:
    """The claim's screening record as PRISMA's flow counts it (two queries)."""
    return prisma_by_claim(Claim.objects.filter(pk=claim.pk)).get(claim.pk, prisma_row({}, {}))


def prisma_by_claim(claims) -> dict[int, dict[str, int]]:
    """`prisma_counts` of each of `claims` that has a saved search or a candidate, by claim
    id, in two grouped queries. found = duplicates + candidates; candidates = screened out
    + included + under review; screened = screened out + included."""
    ids = claims.values("pk")
    runs = {
        row["claim"]: row
        for row in SavedSearch.objects.filter(claim__in=ids)
        .values("claim")
        .annotate(found=Sum("found_count"), duplicates=Sum("duplicate_count"))
        .order_by()
    }
    decided = {
        row["claim"]: row
        for row in Candidate.objects.filter(claim__in=ids)
        .values("claim")
        .annotate(
            candidates=Count("pk"),
            screened_out=Count("pk", filter=Q(decision=Decision.NOT_RELEVANT)),
            included=Count("pk", filter=Q(decision=Decision.RELEVANT)),
            under_review=Count("pk", filter=Q(decision__in=UNDER_REVIEW)),
        )
        .order_by()
    }
    return {
        claim: prisma_row(runs.get(claim, {}), decided.get(claim, {}))
        for claim in runs.keys() | decided.keys()
    }


def prisma_row(runs: dict, decided: dict) -> dict[str, int]:
    counts = {
        "found": runs.get("found") or 0,
        "duplicates": runs.get("duplicates") or 0,
        **{
            k: decided.get(k, 0) for k in ("candidates", "screened_out", "included", "under_review")
        },
    }
    counts["screened"] = counts["screened_out"] + counts["included"]
    return {name: counts[name] for name in PRISMA_COLUMNS}


@dataclass(frozen=True)
class Freshness:
    """What the claim page tells readers about how its evidence was gathered: the saved
    searches (source, query, up to when), when last searched, and how many studies are
    under review. No candidate details."""

    searches: list
    last_searched: object = None
    under_review: int = 0

    @property
    def systematic(self) -> bool:
        return bool(self.searches)


def with_freshness(claims):
    """Claims annotated with what `freshness` reads, in the claims' own query (no query
    more on the reader path): `fresh_searches` (each search's source, query and reach, as
    JSON) and `fresh_under_review`."""
    searches = (
        SavedSearch.objects.filter(claim=OuterRef("pk"))
        .order_by()
        .values("claim")
        .annotate(
            rows=JSONBAgg(
                JSONObject(
                    source="source",
                    query="query",
                    until="last_run_until",
                    ran="last_run_at",
                ),
                order_by=("created", "id"),
            )
        )
        .values("rows")[:1]
    )
    pending = (
        Candidate.objects.filter(claim=OuterRef("pk"), decision__in=UNDER_REVIEW)
        .order_by()
        .values("claim")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return claims.annotate(
        fresh_searches=Subquery(searches, output_field=JSONField()),
        fresh_under_review=Coalesce(Subquery(pending), 0),
    )


def freshness(claim: Claim) -> Freshness:
    """The claim's freshness, from `with_freshness`'s annotations when the claim has them."""
    if not hasattr(claim, "fresh_searches"):
        claim = with_freshness(Claim.objects.filter(pk=claim.pk)).get()
    labels = dict(SearchSource.choices)
    searches = [
        SearchLine(
            source=labels.get(row["source"], row["source"]),
            query=row["query"],
            until=parse_date(row["until"] or "") if row["until"] else None,
            ran=parse_datetime(row["ran"]) if row["ran"] else None,
        )
        for row in claim.fresh_searches or []
    ]
    runs = [line.ran for line in searches if line.ran]
    return Freshness(
        searches=searches,
        last_searched=max(runs) if runs else None,
        under_review=claim.fresh_under_review if searches else 0,
    )


@dataclass(frozen=True)
class SearchLine:
    source: str
    query: str
    until: date | None
    ran: object
