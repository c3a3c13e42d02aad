"""Bibliographic records: references, the people who wrote or edited them, and their order."""

import re

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import MD5, Lower
from django.urls import reverse
from simple_history.models import HistoricalRecords

from citations.choices import EntryType, Retraction, Role, Verification
from citations.identifiers import NORMALIZERS, InvalidIdentifier
from citations.models.querysets import ReferenceQuerySet
from citations.reference_records import bibtex_fields, reference_record
from citations.search import stored_vector
from citations.text.records import BibRecord, Name
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

# The attribute a list prefetch of a reference's contributors fills (`listed_contributors`).
CONTRIBUTOR_ROWS = "contributor_rows"


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
    # Computed by PostgreSQL from the row's own texts (citations.search); never written.
    search_vector = models.GeneratedField(
        expression=stored_vector("citations_reference"),
        output_field=SearchVectorField(null=True),
        db_persist=True,
        serialize=False,
    )

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
            # And whole books by ISBN: only the references that have one.
            models.Index(fields=["isbn"], condition=~Q(isbn=""), name="reference_isbn"),
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
        return bibtex_fields(self)

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


class ContributorManager(models.Manager):
    def get_by_natural_key(self, citekey, role, position):
        return self.get(reference__citekey=citekey, role=role, position=position)


class Contributor(models.Model):
    # No index of its own: `contributor_unique_position` leads with the reference.
    reference = models.ForeignKey(
        Reference, on_delete=models.CASCADE, related_name="contributors", db_index=False
    )
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
