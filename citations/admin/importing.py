"""The reference admin's ways in: a BibTeX (RIS, CSL-JSON, PubMed) file previewed as a
job and imported on confirmation, and a reference added from a DOI, PMID, PMCID or ISBN.
ReferenceAdmin (citations.admin.references) takes these views from `ReferenceImportAdminMixin`."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse

from citations import bibtex, importing, readers
from citations.api.parsers import FORM_OVERHEAD_BYTES, TOO_LARGE, declared_length
from citations.identifiers import InvalidIdentifier
from citations.job_recovery import import_jobs_recover
from citations.models import ImportJob
from citations.services import (
    UPDATE_NEEDS_CHANGE,
    import_job_create,
    may_change_references,
    needs_preview_job,
    reference_create_from_lookup,
    reference_import_plan,
    reference_lookup,
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


class ReferenceImportAdminMixin:
    """The import and add-from-identifier pages of the reference admin, and their URLs."""

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
