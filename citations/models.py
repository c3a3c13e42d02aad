"""Bibliographic records: references, the people who wrote or edited them, and their order."""

import re
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import MD5, Coalesce, Lower
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from citations.identifiers import NORMALIZERS, InvalidIdentifier
from citations.search import ranked_search, similar_to
from citations.text.records import BibRecord, Name
from citations.text.sameness import FIELDS as SAMENESS_FIELDS
from citations.text.sameness import WORK, candidate_keys, same_work, title_hash
from config.model_checks import choice_constraints

# Real bibliographies cite historical works (1066) and announced ones; the check constraint,
# `clean`, the importer and the API's year filters all read this one range.
YEAR_MIN, YEAR_MAX = 1, 2200
YEAR_OUT_OF_RANGE = f"Year must be between {YEAR_MIN} and {YEAR_MAX}."
CITEKEY_FROZEN = "This citekey is cited by a claim and never changes."
URL_UNSAFE = "A URL cannot hold braces, quotes or backslashes (write them as %7B, %7D, %22, %5C)."
URL_UNSAFE_CHARS = re.compile(r'[{}"\\]')
RETRACTION_DETAILS_NEED_STATE = (
    "A notice or date of a retraction needs a retraction state other than none."
)
# What describes the work, in reading order (not how it is identified, checked or used): the
# admin form, the API and a verification against a source read the list from here.
BIBLIOGRAPHIC_FIELDS = (
    "entry_type",
    "title",
    "container_title",
    "publisher",
    "year",
    "volume",
    "issue",
    "pages",
    "edition",
)
IDENTIFIER_FIELDS = tuple(NORMALIZERS)  # doi, pmid, pmcid, isbn: stored normalised
BOOKTITLE_TYPES = {"inproceedings", "incollection", "inbook", "conference", "bookinbook"}


# The attribute a list prefetch of a reference's contributors fills (`listed_contributors`).
CONTRIBUTOR_ROWS = "contributor_rows"


class EntryType(models.TextChoices):
    """The entry types of BibTeX and biblatex (standard, aliases and non-standard types)."""

    ARTICLE = "article", "Article"
    BOOK = "book", "Book"
    MVBOOK = "mvbook", "Multi-volume book"
    INBOOK = "inbook", "Part of a book"
    BOOKINBOOK = "bookinbook", "Book in a book"
    SUPPBOOK = "suppbook", "Supplement to a book"
    BOOKLET = "booklet", "Booklet"
    COLLECTION = "collection", "Collection"
    MVCOLLECTION = "mvcollection", "Multi-volume collection"
    INCOLLECTION = "incollection", "Contribution to a collection"
    SUPPCOLLECTION = "suppcollection", "Supplement to a collection"
    DATASET = "dataset", "Data set"
    MANUAL = "manual", "Manual"
    MISC = "misc", "Miscellaneous"
    ONLINE = "online", "Online resource"
    PATENT = "patent", "Patent"
    PERIODICAL = "periodical", "Periodical issue"
    SUPPPERIODICAL = "suppperiodical", "Supplement to a periodical"
    PROCEEDINGS = "proceedings", "Proceedings"
    MVPROCEEDINGS = "mvproceedings", "Multi-volume proceedings"
    INPROCEEDINGS = "inproceedings", "Conference paper"
    REFERENCE = "reference", "Reference work"
    MVREFERENCE = "mvreference", "Multi-volume reference work"
    INREFERENCE = "inreference", "Entry in a reference work"
    REPORT = "report", "Report"
    SET = "set", "Entry set"
    SOFTWARE = "software", "Software"
    THESIS = "thesis", "Thesis"
    UNPUBLISHED = "unpublished", "Unpublished"
    XDATA = "xdata", "Data container (xdata)"
    # BibTeX's types that biblatex keeps as aliases.
    CONFERENCE = "conference", "Conference paper (BibTeX)"
    ELECTRONIC = "electronic", "Electronic resource (alias of online)"
    MASTERSTHESIS = "mastersthesis", "Master's thesis"
    PHDTHESIS = "phdthesis", "PhD thesis"
    TECHREPORT = "techreport", "Technical report"
    WWW = "www", "Web page (alias of online)"
    # biblatex's non-standard types (supported by some styles).
    ARTWORK = "artwork", "Artwork"
    AUDIO = "audio", "Audio"
    BIBNOTE = "bibnote", "Bibliographic note"
    COMMENTARY = "commentary", "Commentary"
    IMAGE = "image", "Image"
    JURISDICTION = "jurisdiction", "Court decision"
    LEGISLATION = "legislation", "Legislation"
    LEGAL = "legal", "Legal document"
    LETTER = "letter", "Letter"
    MOVIE = "movie", "Movie"
    MUSIC = "music", "Music"
    PERFORMANCE = "performance", "Performance"
    REVIEW = "review", "Review"
    STANDARD = "standard", "Standard"
    VIDEO = "video", "Video"


UNKNOWN_ENTRY_TYPE = "{entry_type!r} is not a BibTeX or biblatex entry type (e.g. article, book)."


class Verification(models.TextChoices):
    UNVERIFIED = "unverified", "Unverified"
    VERIFIED = "verified", "Verified"
    DISCREPANCY = "discrepancy", "Cited with discrepancies"
    NOT_FOUND = "not_found", "Not found (searched, no such record)"


class Retraction(models.TextChoices):
    """What the publisher later said about the record; separate from whether we verified it."""

    NONE = "none", "None"
    RETRACTED = "retracted", "Retracted"
    EXPRESSION_OF_CONCERN = "expression_of_concern", "Expression of concern"
    CORRECTED = "corrected", "Corrected"


class Role(models.TextChoices):
    AUTHOR = "author", "Author"
    EDITOR = "editor", "Editor"


class PersonManager(models.Manager):
    def get_by_natural_key(self, family, given, prefix, suffix):
        return self.get(family=family, given=given, prefix=prefix, suffix=suffix)


class Person(models.Model):
    family = models.CharField(max_length=200, help_text="Family name, or the full corporate name.")
    given = models.CharField(max_length=200, blank=True)
    prefix = models.CharField(max_length=50, blank=True, help_text='"von" part, e.g. "van".')
    suffix = models.CharField(max_length=50, blank=True, help_text='e.g. "Jr."')
    orcid = models.CharField("ORCID", max_length=19, blank=True)

    history = HistoricalRecords()
    objects = PersonManager()

    class Meta:
        ordering = ["family", "given"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(
                fields=["family", "given", "prefix", "suffix"], name="person_unique_name"
            ),
            models.UniqueConstraint(
                fields=["orcid"], condition=~Q(orcid=""), name="person_unique_orcid"
            ),
        ]

    def __str__(self):
        family = f"{self.prefix} {self.family}".strip()
        parts = [family, self.given, self.suffix]
        return ", ".join(part for part in parts if part)

    def natural_key(self):
        return (self.family, self.given, self.prefix, self.suffix)

    def as_name(self) -> Name:
        return Name(family=self.family, given=self.given, prefix=self.prefix, suffix=self.suffix)


class ReferenceQuerySet(models.QuerySet):
    def by_doi(self, doi: str):
        return self.filter(doi=doi.lower())

    def merged_from(self, citekey: str):
        """The reference an old citekey was merged into (`ReferenceAlias`), where a reader
        should go instead; never the one holding that citekey itself (a redirect would loop)."""
        return self.filter(aliases__citekey=citekey).exclude(citekey=citekey)

    def with_contributors(self):
        return self.prefetch_related(
            models.Prefetch("contributors", queryset=Contributor.objects.select_related("person"))
        )

    def cited_by(self, claims):
        """References that are evidence for any of `claims` (a Claim queryset), each once.
        Who may see which claims is the caller's to say (`Claim.objects.public()`,
        `.visible_to(user)`): citations knows no claims."""
        evidence = self.model._meta.get_field("evidence").related_model
        cited = evidence.objects.filter(reference=models.OuterRef("pk"), claim__in=claims)
        return self.filter(models.Exists(cited))  # a semi-join: no DISTINCT over every column

    def with_first_author(self):
        """Each reference annotated with `first_author`: its first author's family name, ""
        without one (the sameness rule's `first_author`)."""
        first = Contributor.objects.filter(reference=models.OuterRef("pk"), role=Role.AUTHOR)
        family = first.order_by("position").values("person__family")[:1]
        return self.annotate(first_author=Coalesce(models.Subquery(family), models.Value("")))

    def same_work_as(self, values: dict) -> list[tuple["Reference", str]]:
        """The references that are the same work as the record `values` (field values and
        `first_author`), each with the rule that says so, by `citations.text.sameness`."""
        wanted = Q(pk__in=[])
        for name, key in candidate_keys(values):
            if name == WORK:
                wanted |= Q(title_md5=title_hash(values["title"]), year=values["year"])
            else:
                wanted |= Q(**{name: key})
        rows = self.alias(title_md5=MD5(Lower("title"))).filter(wanted).with_first_author()
        found = [(ref, same_work(values, sameness_record(ref))) for ref in rows.order_by("pk")]
        return [(ref, why) for ref, why in found if why]

    def due_for_verification(self, *, checked_before, only_unverified: bool = False):
        """Not looked up since `checked_before` (never checked first): verify_references."""
        due = self.filter(
            Q(verification_checked_at__isnull=True) | Q(verification_checked_at__lt=checked_before)
        )
        if only_unverified:
            due = due.filter(verification=Verification.UNVERIFIED)
        return due.order_by(F("verification_checked_at").asc(nulls_first=True), "pk")

    def due_for_retraction_check(self, *, checked_before):
        """With a DOI or PMID, not asked about since `checked_before`: check_retractions."""
        due = self.filter(Q(doi__isnull=False) | ~Q(pmid=""))
        due = due.filter(
            Q(retraction_checked_at__isnull=True) | Q(retraction_checked_at__lt=checked_before)
        )
        return due.order_by(F("retraction_checked_at").asc(nulls_first=True), "pk")

    def search(self, query: str):
        """Full-text search of title, container, as-cited text and abstract (title weighs most)."""
        return ranked_search(
            self,
            query,
            tiebreak="citekey",
        )

    def similar_to(self, term: str):
        """Typo-tolerant look-up by citekey, title or an author's family name, closest first
        (pg_trgm word similarity; citations.search.similar_to)."""
        authors = Contributor.objects.using(self.db)
        by_author = authors.filter(person__family__trigram_word_similar=term)
        return similar_to(
            self, term, ("citekey", "title"), also=Q(pk__in=by_author.values("reference"))
        )


class ReferenceManager(models.Manager.from_queryset(ReferenceQuerySet)):
    def get_by_natural_key(self, citekey):
        return self.get(citekey=citekey)


class Reference(models.Model):
    citekey = models.CharField(
        max_length=100,
        unique=True,
        help_text="{firstauthorfamily}{year}{firsttitleword}; never changes once cited.",
    )
    original_key = models.CharField(
        max_length=200, blank=True, help_text="The key an imported file used, when it differs."
    )
    entry_type = models.CharField(
        max_length=40, choices=EntryType.choices, default=EntryType.ARTICLE
    )
    title = models.TextField()
    container_title = models.TextField(blank=True, help_text="Journal or book title.")
    publisher = models.CharField(max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    volume = models.CharField(max_length=50, blank=True)
    issue = models.CharField(max_length=50, blank=True)
    pages = models.CharField(max_length=50, blank=True)
    edition = models.CharField(max_length=50, blank=True)
    doi = models.CharField("DOI", max_length=255, null=True, blank=True)
    pmid = models.CharField("PMID", max_length=10, blank=True)
    pmcid = models.CharField("PMCID", max_length=12, blank=True)
    isbn = models.CharField("ISBN", max_length=13, blank=True)
    url = models.URLField(max_length=1000, blank=True)
    abstract = models.TextField(blank=True)
    extra_fields = models.JSONField(
        default=dict, blank=True, help_text="BibTeX fields not modelled above, kept verbatim."
    )
    latex_source = models.JSONField(
        default=dict,
        blank=True,
        help_text="BibTeX field name -> its LaTeX as imported, where the text alone would not "
        "write it back the same; a BibTeX export writes it while the field is unedited.",
    )
    verification = models.CharField(
        max_length=20, choices=Verification.choices, default=Verification.UNVERIFIED
    )
    as_cited = models.TextField(
        blank=True, help_text="The citation exactly as the citing source printed it."
    )
    verification_note = models.TextField(blank=True)
    retraction = models.CharField(
        max_length=25,
        choices=Retraction.choices,
        default=Retraction.NONE,
        help_text="What the publisher later said: e.g. retracted in 2019, or a correction.",
    )
    retraction_notice = models.CharField(
        max_length=1000,
        blank=True,
        help_text="DOI or URL of the notice, e.g. 10.1016/s0140-6736(10)60175-4.",
    )
    retraction_date = models.DateField(
        null=True, blank=True, help_text="When the notice was published, e.g. 2010-02-06."
    )
    verification_checked_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When manage.py verify_references last looked this record up.",
    )
    retraction_checked_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When manage.py check_retractions last asked about this record.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    # Filled by a database trigger on PostgreSQL (citations.search); never written by Python.
    search_vector = SearchVectorField(null=True, editable=False, serialize=False)

    # No index on the history's citekey: history is read by reference id, never by citekey
    # (two btree indexes that cost the import's history rows a third of their time).
    history = HistoricalRecords(excluded_fields=["search_vector"], no_db_index=["citekey"])
    objects = ReferenceManager()

    class Meta:
        ordering = ["citekey"]
        constraints = [
            models.UniqueConstraint(fields=["doi"], name="reference_unique_doi"),
            models.CheckConstraint(
                condition=Q(doi__isnull=True) | Q(doi=Lower("doi")),
                name="reference_doi_normalised",
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=YEAR_MIN, year__lte=YEAR_MAX),
                name="reference_year_range",
            ),
            *choice_constraints(
                "reference",
                verification=Verification,
                entry_type=EntryType,
                retraction=Retraction,
            ),
            models.CheckConstraint(condition=~Q(citekey=""), name="reference_citekey_set"),
            models.CheckConstraint(
                condition=~Q(retraction=Retraction.NONE)
                | Q(retraction_notice="", retraction_date__isnull=True),
                name="reference_retraction_details_need_state",
            ),
        ]
        indexes = [
            models.Index(fields=["pmid"]),
            models.Index(fields=["year"]),
            # Imports look titles up by a hash: a btree cannot hold a title of any length.
            models.Index(MD5(Lower("title")), name="reference_title_md5"),
            # The few retracted references: a list row's count of items citing one
            # (ClaimQuerySet.with_retracted_tests) probes this small index, not each row.
            models.Index(
                fields=["id"],
                condition=Q(retraction=Retraction.RETRACTED),
                name="reference_retracted",
            ),
        ]

    def __str__(self):
        return f"{self.citekey}: {self.title[:80]}"

    def get_absolute_url(self):
        return reverse("reference-detail", kwargs={"citekey": self.citekey})

    def natural_key(self):
        return (self.citekey,)

    def clean_fields(self, exclude=None):
        """Normalise identifiers first, so length checks see the stored form."""
        exclude = set(exclude or ())
        errors = {}
        if self.doi == "":
            self.doi = None
        for field, normalize in NORMALIZERS.items():
            value = getattr(self, field)
            if value and field not in exclude:
                try:
                    setattr(self, field, normalize(value))
                except InvalidIdentifier as exc:
                    errors[field] = [str(exc)]
        try:
            super().clean_fields(exclude=exclude | set(errors))
        except ValidationError as exc:
            errors.update(exc.message_dict)
        if self.url and "url" not in exclude and URL_UNSAFE_CHARS.search(self.url):
            errors.setdefault("url", []).append(URL_UNSAFE)
        if errors:
            raise ValidationError(errors)

    def clean(self):
        if self.year is not None and not YEAR_MIN <= self.year <= YEAR_MAX:
            raise ValidationError({"year": YEAR_OUT_OF_RANGE})
        has_details = self.retraction_notice or self.retraction_date is not None
        if self.retraction == Retraction.NONE and has_details:
            raise ValidationError({"retraction": RETRACTION_DETAILS_NEED_STATE})
        if self.citekey_renamed() and self.evidence.exists():
            raise ValidationError({"citekey": CITEKEY_FROZEN})

    @classmethod
    def from_db(cls, db, field_names, values):
        reference = super().from_db(db, field_names, values)
        # Remembered as loaded, so the citekey freeze needs no query to see a rename.
        reference._loaded_citekey = reference.__dict__.get("citekey")
        return reference

    def citekey_renamed(self) -> bool:
        """True when this stored reference is being given a new citekey."""
        if self.pk is None:
            return False
        loaded = getattr(self, "_loaded_citekey", None)
        if loaded is None:
            rows = type(self)._base_manager.filter(pk=self.pk).values_list("citekey", flat=True)
            loaded = rows.first()
        return loaded not in (None, self.citekey)

    def to_record(self) -> BibRecord:
        """This reference as a plain record (uses prefetched contributors when present)."""
        authors = [person.as_name() for person in self.authors]
        return reference_record(self, authors, [person.as_name() for person in self.editors])

    def bibtex_fields(self) -> dict[str, object]:
        container = "booktitle" if self.entry_type in BOOKTITLE_TYPES else "journal"
        return {
            "title": self.title,
            container: self.container_title,
            "publisher": self.publisher,
            "year": self.year,
            "volume": self.volume,
            "number": self.issue,
            "pages": self.pages,
            "edition": self.edition,
            "doi": self.doi,
            "pmid": self.pmid,
            "pmcid": self.pmcid,
            "isbn": self.isbn,
            "url": self.url,
            "abstract": self.abstract,
        }

    def listed_contributors(self):
        """The contributors in order: the prefetched ones when there are, as a list
        (`contributor_rows`, `Claim.objects.with_evidence()`: Django's prefetch would clone
        a queryset for each of a 200-item claim's references) or as prefetched (read as they
        are, not through `contributors.all()`, which builds a queryset each call), else a query."""
        rows = getattr(self, CONTRIBUTOR_ROWS, None)
        if rows is not None:
            return rows
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("contributors")
        return self.contributors.all() if prefetched is None else prefetched

    @property
    def authors(self):
        """Ordered authors (uses prefetched contributors when present)."""
        return [c.person for c in self.listed_contributors() if c.role == Role.AUTHOR]

    @property
    def editors(self):
        return [c.person for c in self.listed_contributors() if c.role == Role.EDITOR]


def sameness_record(reference) -> dict:
    """A stored reference as `citations.text.sameness` compares it (read `with_first_author()`)."""
    return {name: getattr(reference, name) for name in SAMENESS_FIELDS} | {
        "first_author": getattr(reference, "first_author", "")
    }


def reference_record(reference, authors: list[Name], editors: list[Name]) -> BibRecord:
    """A reference as a plain record: the one mapping from the database to BibTeX fields.

    `reference` is a `Reference`, or a row with its attribute names (`values_list(...,
    named=True)`): exports read rows, which spares building a model instance per reference.
    Extra fields come first; a column with a value overrides the extra field of its name.
    """
    fields = {name: str(value) for name, value in reference.extra_fields.items()}
    for name, value in Reference.bibtex_fields(reference).items():
        if value is not None and value != "":
            fields[name] = str(value)
    sources = dict(reference.latex_source) if reference.latex_source else {}
    return BibRecord(
        reference.entry_type,
        reference.citekey,
        fields,
        authors,
        editors,
        sources=sources,
        notice=notice_text(reference.retraction, reference.retraction_notice),
    )


NOTICE_LABELS = {
    Retraction.RETRACTED: "Retracted",
    Retraction.EXPRESSION_OF_CONCERN: "Expression of concern",
}


def notice_text(retraction: str, notice: str) -> str:
    """What an export says of a retracted work: 'Retracted: <notice DOI or URL>'; '' when
    the work is under no notice a reader must know of (a correction is not one)."""
    label = NOTICE_LABELS.get(retraction)
    if label is None:
        return ""
    return f"{label}: {notice}" if notice else label


class ContributorManager(models.Manager):
    def get_by_natural_key(self, citekey, role, position):
        return self.get(reference__citekey=citekey, role=role, position=position)


class Contributor(models.Model):
    reference = models.ForeignKey(Reference, on_delete=models.CASCADE, related_name="contributors")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="contributions")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.AUTHOR)
    position = models.PositiveSmallIntegerField(default=0)

    objects = ContributorManager()

    class Meta:
        ordering = ["reference", "role", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["reference", "role", "position"], name="contributor_unique_position"
            ),
            *choice_constraints("contributor", role=Role),
        ]

    def __str__(self):
        return f"{self.person} ({self.role} {self.position + 1})"

    def natural_key(self):
        return (self.reference.citekey, self.role, self.position)

    natural_key.dependencies = ["citations.reference", "citations.person"]


class ReferenceAlias(models.Model):
    """A citekey that was merged into another reference: its page and lookups redirect there
    for good. The note says what the merge moved; `as_cited` keeps how a source printed the
    merged record (its own "as cited" text, attributed to this citekey)."""

    citekey = models.CharField(max_length=100, unique=True)
    reference = models.ForeignKey(Reference, on_delete=models.CASCADE, related_name="aliases")
    note = models.TextField(blank=True)
    as_cited = models.TextField(
        blank=True, help_text="The merged record's citation as a source printed it."
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["citekey"]
        verbose_name_plural = "reference aliases"

    def __str__(self):
        return f"{self.citekey} -> {self.reference.citekey}"


class ImportJobQuerySet(models.QuerySet):
    def stale(self):
        """Jobs a curator left more than a day ago: previews never imported, finished jobs."""
        return self.filter(updated__lt=timezone.now() - timedelta(days=1)).exclude(
            state__in=[ImportJob.State.QUEUED, ImportJob.State.RUNNING]
        )

    def stopped(self, *, silent_for: timedelta):
        """Running jobs whose worker has said nothing for `silent_for`: it is gone."""
        cutoff = timezone.now() - silent_for
        beat = Coalesce("heartbeat", "updated")
        return self.filter(state=ImportJob.State.RUNNING).alias(beat=beat).filter(beat__lt=cutoff)


class ImportJob(models.Model):
    """A BibTeX import from the admin: the uploaded file, kept on the server (never in the
    session) from the preview to the import, and then the background job's progress and
    result. The file is dropped when the job ends; stale rows are deleted."""

    class State(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    data = models.BinaryField(blank=True)
    encoding = models.CharField(max_length=40, blank=True)
    format = models.CharField(
        max_length=20,
        default="bibtex",
        help_text="The file's format: bibtex, ris, csl, medline or pubmed-xml (citations.readers).",
    )
    on_duplicate = models.CharField(max_length=10)
    skip_invalid = models.BooleanField(default=False)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PREVIEWED)
    stage = models.CharField(max_length=200, blank=True, help_text="What the job is doing.")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    written = models.BooleanField(default=False)
    message = models.TextField(blank=True, help_text="The result, or why nothing was written.")
    # A preview run as a job (the file was too large to preview within a request): an API
    # dry run keeps the API's answer here and ends; an admin preview keeps the plan's table
    # and waits, PREVIEWED, for the curator to import it.
    dry_run = models.BooleanField(default=False, help_text="An API dry run: preview only.")
    preview = models.JSONField(null=True, blank=True, help_text="The preview, once made.")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    heartbeat = models.DateTimeField(
        null=True, blank=True, help_text="When the worker running the job last said it was alive."
    )
    task_id = models.CharField(
        max_length=64, blank=True, help_text="The background task (django-tasks) that runs it."
    )

    objects = ImportJobQuerySet.as_manager()

    def __str__(self):
        return f"BibTeX import {self.token} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    @property
    def retryable(self) -> bool:
        """Failed with its file kept: its worker stopped (citations.job_recovery)."""
        return self.state == self.State.FAILED and len(self.data or b"") > 0


class ZoteroLibrary(models.Model):
    """A Zotero user or group library (or one collection of it) imported into the ledger,
    and the library version it was last synced at: the next sync asks Zotero only for the
    items changed since (`since=<version>`). Its items are found again by their Zotero key
    (`extra_fields["zoterokey"]`)."""

    class Kind(models.TextChoices):
        USER = "user", "User library"
        GROUP = "group", "Group library"

    kind = models.CharField(max_length=5, choices=Kind.choices, default=Kind.GROUP)
    library_id = models.CharField(max_length=20, help_text="The numeric user or group ID.")
    collection = models.CharField(max_length=20, blank=True, help_text="A collection key, or all.")
    version = models.PositiveBigIntegerField(default=0, help_text="Library version last synced.")
    synced = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "library_id", "collection"], name="zotero_library_unique"
            ),
        ]
        verbose_name_plural = "Zotero libraries"

    def __str__(self):
        where = f"{self.kind}s/{self.library_id}"
        return f"{where}/collections/{self.collection}" if self.collection else where

    @property
    def items_path(self) -> str:
        """The API path of the library's (or the collection's) items."""
        return f"/{self}/items"
