"""Curation of references: contributors inline, identifiers, verification, BibTeX in and out."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Count
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from citations import bibtex, importing, merge, possible_duplicates, readers
from citations.admin import where_used
from citations.admin.forms import ReferenceAdminForm
from citations.admin.history import HistoryAdmin
from citations.admin.merge import MergeAdminMixin
from citations.api.parsers import FORM_OVERHEAD_BYTES, TOO_LARGE, declared_length
from citations.exports import bibtex_stream
from citations.identifiers import InvalidIdentifier
from citations.job_recovery import import_jobs_recover
from citations.models import (
    BIBLIOGRAPHIC_FIELDS,
    IDENTIFIER_FIELDS,
    Contributor,
    ImportJob,
    Person,
    Reference,
    Role,
    Verification,
)
from citations.services import (
    UPDATE_NEEDS_CHANGE,
    import_job_create,
    may_change_references,
    needs_preview_job,
    reference_create_from_lookup,
    reference_import_plan,
    reference_lookup,
    reference_number_contributors,
    reference_set_contributors,
)
from citations.sources.http import SourceError
from citations.tasks import import_job_retry, import_job_start, import_preview_start
from config.admin_urls import admin_page_path

NO_BIBTEX_GIVEN = "Upload a .bib file or paste BibTeX text."
IMPORT_EXPIRED = "The preview has expired: upload the file again."
# The session holds only the token of the previewed job; the file stays in the database.
SESSION_KEY = "citations_bibtex_import"
# Entries the import preview lists (all are counted): 50,000 rows are 15 MB of HTML.
PREVIEW_ROWS = 1000
ADDED_FROM_IDENTIFIER = "Added {citekey} from {source}."


def next_free(taken: set[tuple[str, int]], role: str) -> int:
    """The position after the last one `role` holds."""
    return max((position for r, position in taken if r == role), default=-1) + 1


class BibTeXImportForm(forms.Form):
    file = forms.FileField(
        required=False,
        label="File",
        help_text="BibTeX (.bib), RIS (.ris), CSL-JSON (.json), PubMed MEDLINE (.nbib, .txt) "
        "or PubMed XML (.xml).",
    )
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 12, "cols": 90}))
    format = forms.ChoiceField(
        required=False,
        choices=[("", "From the file's extension (pasted text: BibTeX)")]
        + [(name, readers.LABELS[name]) for name in readers.FORMATS],
    )
    on_duplicate = forms.ChoiceField(
        choices=[(c, c) for c in importing.ON_DUPLICATE_CHOICES], initial=importing.SKIP
    )
    skip_invalid = forms.BooleanField(required=False, help_text="Import the valid entries anyway.")
    encoding = forms.CharField(
        required=False,
        max_length=40,
        help_text="Only for a file that is not UTF-8, e.g. windows-1252.",
    )

    def clean_encoding(self):
        value = self.cleaned_data["encoding"].strip()
        try:
            return bibtex.check_encoding(value) if value else ""
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def clean(self):
        cleaned = super().clean()
        upload, text = cleaned.get("file"), cleaned.get("text", "")
        if not upload and not text.strip():
            raise forms.ValidationError(NO_BIBTEX_GIVEN)
        limit = settings.BIBTEX_IMPORT_MAX_BYTES
        if (upload.size if upload else len(text.encode("utf-8"))) > limit:
            raise forms.ValidationError(TOO_LARGE.format(limit=limit))
        return cleaned

    def bibtex(self) -> bytes:
        upload = self.cleaned_data.get("file")
        return upload.read() if upload else self.cleaned_data["text"].encode("utf-8")

    def format_of(self, data: bytes) -> str:
        """The format chosen, else the upload's extension's, else BibTeX."""
        upload = self.cleaned_data.get("file")
        if chosen := self.cleaned_data.get("format"):
            return chosen
        name = upload.name if upload else ""
        return readers.format_for_filename(name, data, default=readers.BIBTEX)


class IdentifierForm(forms.Form):
    identifier = forms.CharField(
        label="DOI, PMID, PMCID or ISBN",
        max_length=300,
        help_text="e.g. 10.1210/en.2007-1247, 18276762, PMC4592269 or 978-0-323-59712-8",
    )


# Rows the contributors inline shows at most: each row's person widget costs a query and a
# form, so a reference with 10,000 authors timed out; past this, a read-only summary stands
# in for the inline and the Authors list (one text field) is where its authors are edited.
EDITABLE_CONTRIBUTORS = 50
MANY_CONTRIBUTORS = (
    "{authors} author(s) and {editors} editor(s): too many to edit row by row here. The "
    "Authors field above holds every author in order; changing it replaces them."
)


class ContributorInline(admin.TabularInline):
    """Contributors in order; positions number themselves (a new row goes last). Shown for
    references with at most `EDITABLE_CONTRIBUTORS` contributors."""

    model = Contributor
    extra = 1
    autocomplete_fields = ["person"]
    ordering = ["role", "position"]
    fields = ["person", "role", "number"]
    readonly_fields = ["number"]

    @admin.display(description="#")
    def number(self, obj):
        return obj.position + 1 if obj.pk else ""

    def get_queryset(self, request):
        # Each row's title (`Contributor.__str__`) names its person.
        return super().get_queryset(request).select_related("person")


@admin.register(Person)
class PersonAdmin(MergeAdminMixin, HistoryAdmin):
    list_display = ["family", "given", "prefix", "suffix", "orcid", "reference_count"]
    search_fields = ["family", "given", "orcid"]
    list_filter = ["contributions__role"]
    readonly_fields = ["references"]
    actions = ["merge_selected"]
    change_list_template = "admin/citations/person/change_list.html"
    merge_service = staticmethod(merge.person_merge)
    merge_plan = staticmethod(merge.person_merge_plan)
    duplicate_groups = staticmethod(possible_duplicates.person_duplicate_groups)

    @admin.display(description="References")
    def references(self, obj):
        return where_used.person_references(obj) if obj.pk else "-"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(reference_count=Count("contributions__reference", distinct=True))
        )

    @admin.display(description="References", ordering="reference_count")
    def reference_count(self, obj):
        return obj.reference_count


class ReferenceAdmin(MergeAdminMixin, HistoryAdmin):
    """The curation of references. Registered by evidence.admin (`CitedReferenceAdmin`),
    which sets the two writes that also regrade the claims citing a reference:
    `merge_service` (evidence moves) and `verification_service` (keyword arguments
    reference, verification, note and actor): citations knows no claims."""

    list_display = [
        "citekey",
        "short_title",
        "container_title",
        "year",
        "doi",
        "verification",
        "retraction",
        "evidence_count",
    ]
    list_filter = ["verification", "retraction", "entry_type", "year"]
    search_fields = [
        "citekey",
        "title",
        "container_title",
        "doi",
        "pmid",
        "as_cited",
        "contributors__person__family",
    ]
    ordering = ["citekey"]
    form = ReferenceAdminForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_search_results(self, request, queryset, search_term):
        """The admin's word search, plus references close to the term (typos allowed)."""
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if not search_term.strip():
            return found, may_have_duplicates
        close = queryset.filter(pk__in=queryset.similar_to(search_term).values("pk"))
        return found | close, may_have_duplicates

    inlines = [ContributorInline]
    actions = ["mark_verified", "match_citations", "export_bibtex", "merge_selected"]
    change_list_template = "admin/citations/reference/change_list.html"
    verification_service = None
    merge_plan = staticmethod(merge.reference_merge_plan)
    duplicate_groups = staticmethod(possible_duplicates.reference_duplicate_groups)
    readonly_fields = ["created", "updated", "used_by", "merged_from", "contributors_summary"]
    fieldsets = [
        (
            None,
            {"fields": ["citekey", "authors", *BIBLIOGRAPHIC_FIELDS, "protected_words"]},
        ),
        ("Identifiers", {"fields": [*IDENTIFIER_FIELDS, "url", "not_a_duplicate"]}),
        (
            "Verification",
            {"fields": ["verification", "as_cited", "merged_from", "verification_note"]},
        ),
        ("Retraction", {"fields": ["retraction", "retraction_notice", "retraction_date"]}),
        ("Where used", {"fields": ["used_by"]}),
        (
            "More",
            {
                "classes": ["collapse"],
                "fields": ["abstract", "original_key", "extra_fields", "created", "updated"],
            },
        ),
    ]

    def changelist_view(self, request, extra_context=None):
        """The list without the navigation sidebar (the breadcrumbs lead back): at 1280 px the
        sidebar and the filters leave too little room for every column of a reference."""
        context = {"is_nav_sidebar_enabled": False, **(extra_context or {})}
        return super().changelist_view(request, extra_context=context)

    def get_queryset(self, request):
        # Distinct: a search joins contributors, which would count each item once per author.
        return (
            super().get_queryset(request).annotate(evidence_total=Count("evidence", distinct=True))
        )

    def contributor_counts(self, obj) -> dict[str, int]:
        """{role: count} of a stored reference, counted once per request's object."""
        if not hasattr(obj, "_contributor_counts"):
            rows = obj.contributors.values("role").annotate(count=Count("pk")).order_by()
            obj._contributor_counts = {row["role"]: row["count"] for row in rows}
        return obj._contributor_counts

    def has_many_contributors(self, obj) -> bool:
        return obj is not None and sum(self.contributor_counts(obj).values()) > (
            EDITABLE_CONTRIBUTORS
        )

    def get_inlines(self, request, obj):
        return [] if self.has_many_contributors(obj) else super().get_inlines(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self.has_many_contributors(obj):
            return fieldsets
        (name, options), *rest = fieldsets
        fields = list(options["fields"])
        fields.insert(fields.index("authors") + 1, "contributors_summary")
        return [(name, {**options, "fields": fields}), *rest]

    @admin.display(description="Contributors")
    def contributors_summary(self, obj):
        counts = self.contributor_counts(obj)
        return MANY_CONTRIBUTORS.format(
            authors=f"{counts.get(Role.AUTHOR, 0):,}", editors=f"{counts.get(Role.EDITOR, 0):,}"
        )

    @admin.display(description="Evidence items and claims")
    def used_by(self, obj):
        return where_used.reference_uses(obj) if obj.pk else "-"

    @admin.display(description="Merged into this record")
    def merged_from(self, obj):
        """Each old citekey with how its source printed it: a merge keeps both texts."""
        aliases = obj.aliases.all() if obj.pk else []
        rows = format_html_join(
            "", "<li><code>{}</code>: {}</li>", ((a.citekey, a.as_cited or "-") for a in aliases)
        )
        return format_html("<ul>{}</ul>", rows) if rows else "-"

    def save_model(self, request, obj, form, change):
        """Save; a changed verification goes through its service (rules, history)."""
        verification, note = obj.verification, obj.verification_note
        verified = change and {"verification", "verification_note"} & set(form.changed_data)
        if verified:
            stored = Reference.objects.get(pk=obj.pk)
            obj.verification, obj.verification_note = stored.verification, stored.verification_note
        super().save_model(request, obj, form, change)
        if verified:
            self.verification_service(
                reference=obj, verification=verification, note=note, actor=request.user
            )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Contributor:
            return super().save_formset(request, form, formset, change)
        rows = formset.save(commit=False)
        for row in formset.deleted_objects:
            if row.pk:
                row.delete()
        taken = set(form.instance.contributors.values_list("role", "position"))
        # A new row, or one moved to the other role, goes last in its role.
        moved = {row.pk for row, fields in formset.changed_objects if "role" in fields}
        for row in rows:
            if row.pk is None or row.pk in moved:
                row.position = next_free(taken, row.role)
                taken.add((row.role, row.position))
            row.save()
        return None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if form.author_names is not None:
            reference_set_contributors(
                reference=form.instance, names=form.author_names, actor=request.user
            )
        reference_number_contributors(reference=form.instance)

    @admin.display(description="Title", ordering="title")
    def short_title(self, obj):
        return obj.title if len(obj.title) <= 80 else obj.title[:79] + "…"

    @admin.display(description="Evidence", ordering="evidence_total")
    def evidence_count(self, obj):
        return obj.evidence_total

    @admin.action(description="Mark selected references as verified", permissions=["change"])
    def mark_verified(self, request, queryset):
        with transaction.atomic():
            for reference in queryset.order_by("pk"):
                self.verification_service(
                    reference=reference, verification=Verification.VERIFIED, actor=request.user
                )
        self.message_user(request, f"{queryset.count()} reference(s) marked verified.")

    @admin.action(description="Match selected citations to records", permissions=["change"])
    def match_citations(self, request, queryset):
        ids = ",".join(str(pk) for pk in queryset.values_list("pk", flat=True)[:10])
        return redirect(f"{reverse('admin:evidence_evidence_match')}?ids={ids}")

    @admin.action(description="Export selected as BibTeX", permissions=["view"])
    def export_bibtex(self, request, queryset):
        response = StreamingHttpResponse(
            bibtex_stream(queryset), content_type="application/x-bibtex; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="references.bib"'
        return response

    def get_urls(self):
        return [
            admin_page_path(self, "import-bibtex/", self.import_bibtex_view, "import_bibtex"),
            admin_page_path(
                self, "import-bibtex/<uuid:token>/", self.import_job_view, "import_bibtex_job"
            ),
            admin_page_path(
                self, "add-from-identifier/", self.add_from_identifier_view, "add_from_identifier"
            ),
            *super().get_urls(),
        ]

    def add_from_identifier_view(self, request):
        """Identifier -> fetched record with authors, citekey and duplicates -> Save."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = IdentifierForm(request.POST or None)
        result = None
        if request.method == "POST" and form.is_valid():
            try:
                result = reference_lookup(identifier=form.cleaned_data["identifier"])
                if "save" in request.POST:
                    reference = reference_create_from_lookup(result=result, actor=request.user)
                    done = ADDED_FROM_IDENTIFIER.format(
                        citekey=reference.citekey, source=result.found.source
                    )
                    self.message_user(request, done, messages.SUCCESS)
                    return redirect(
                        reverse("admin:citations_reference_change", args=[reference.pk])
                    )
            except (InvalidIdentifier, SourceError, ValidationError) as exc:
                form.add_error(None, "; ".join(getattr(exc, "messages", [str(exc)])))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Add reference from DOI / PMID / PMCID / ISBN",
            "form": form,
            "result": result,
        }
        return TemplateResponse(
            request, "admin/citations/reference/add_from_identifier.html", context
        )

    def import_bibtex_view(self, request):
        """Upload or paste -> preview of the plan (nothing written) -> Import."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST" and upload_too_large(request):
            return self._import_refused_unread(request)
        if request.method == "POST" and "confirm" in request.POST:
            return self._import_confirmed(request)
        form = BibTeXImportForm(request.POST or None, request.FILES or None)
        plan, refused = None, ""
        if request.method == "POST" and form.is_valid():
            options = {name: form.cleaned_data[name] for name in IMPORT_OPTIONS}
            if options["on_duplicate"] == importing.UPDATE and not may_change_references(
                request.user
            ):
                raise PermissionDenied(UPDATE_NEEDS_CHANGE)
            data = form.bibtex()
            job = import_job_create(
                user=request.user, data=data, format=form.format_of(data), **options
            )
            request.session[SESSION_KEY] = str(job.token)
            if needs_preview_job(job.data):  # too large to preview within the request
                import_preview_start(job)
                return redirect(self._url("import_bibtex_job", token=job.token))
            plan = reference_import_plan(
                data=bytes(job.data), encoding=job.encoding, format=job.format
            )
            refused = importing.refusal(plan, options["on_duplicate"], options["skip_invalid"])
        elif request.method == "GET" and "preview" in request.GET:
            plan = self._previewed_plan(request, request.GET["preview"])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import BibTeX",
            "form": form,
            "plan": plan,
            "refused": refused,  # the import would write nothing: no Import button
            **preview_rows(plan),
        }
        return TemplateResponse(request, "admin/citations/reference/import_bibtex.html", context)

    def _previewed_plan(self, request, token: str) -> dict | None:
        """The preview a job made of the curator's upload awaiting confirmation, if any."""
        if token != request.session.get(SESSION_KEY):
            return None
        job = ImportJob.objects.filter(
            token=token, user=request.user, state=ImportJob.State.PREVIEWED
        ).first()
        return job.preview if job is not None else None

    def _import_refused_unread(self, request):
        """413 from the declared size alone: the body (a file of any size) is never read."""
        limit = settings.BIBTEX_IMPORT_MAX_BYTES
        self.message_user(request, TOO_LARGE.format(limit=limit), messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Import BibTeX",
            "form": BibTeXImportForm(),
        }
        template = "admin/citations/reference/import_bibtex.html"
        return TemplateResponse(request, template, context, status=413)

    def _import_confirmed(self, request):
        """Queue the previewed job and show its progress (large files take a while)."""
        token = request.session.pop(SESSION_KEY, None)
        job = ImportJob.objects.filter(
            token=token, user=request.user, state=ImportJob.State.PREVIEWED
        ).first()
        if job is None:
            self.message_user(request, IMPORT_EXPIRED, messages.ERROR)
            return redirect(request.path)
        import_job_start(job)
        return redirect(self._url("import_bibtex_job", token=job.token))

    def import_job_view(self, request, token):
        """A job's progress, refreshed until it ends; then its result, where it belongs. A
        job whose worker stopped stays here, with its reason and a Retry button."""
        import_jobs_recover()
        job = get_object_or_404(ImportJob, token=token, user=request.user)
        if request.method == "POST" and "retry" in request.POST:
            return self._import_retry(request, job)
        if job.state == ImportJob.State.PREVIEWED and job.preview is not None:
            return redirect(f"{self._url('import_bibtex')}?preview={job.token}")
        if job.finished and not job.retryable:
            level = messages.SUCCESS if job.written else messages.ERROR
            self.message_user(request, job.message, level)
            return redirect(self._url("changelist" if job.written else "import_bibtex"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Importing BibTeX",
            "job": job,
        }
        return TemplateResponse(request, "admin/citations/reference/import_job.html", context)

    def _import_retry(self, request, job):
        try:
            import_job_retry(job=job)
        except ValidationError as exc:
            self.message_user(request, "; ".join(exc.messages), messages.ERROR)
        return redirect(self._url("import_bibtex_job", token=job.token))

    def _url(self, name: str, **kwargs) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}", kwargs=kwargs)


IMPORT_OPTIONS = ("encoding", "on_duplicate", "skip_invalid")


def preview_rows(plan) -> dict:
    """The rows a preview lists, of a plan or of a preview job's plain data, and how many
    it leaves out."""
    if not plan:
        return {}
    items = plan["items"] if isinstance(plan, dict) else plan.items
    return {
        "preview_rows": items[:PREVIEW_ROWS],
        "rows_not_shown": max(0, len(items) - PREVIEW_ROWS),
    }


def upload_too_large(request) -> bool:
    return declared_length(request) > settings.BIBTEX_IMPORT_MAX_BYTES + FORM_OVERHEAD_BYTES
