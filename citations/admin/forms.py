"""The reference change form of the admin: authors typed as one list, a citekey generated
when left blank, and possible duplicates shown (with links) before anything is saved."""

from django import forms
from django.core.validators import MaxLengthValidator
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from citations import bibtex
from citations.identifiers import NORMALIZERS, InvalidIdentifier
from citations.models import Reference, Role
from citations.services import reference_generate_citekey
from citations.text.protection import PROTECTED_WORDS
from citations.text.sameness import DOI, REASONS
from citations.text.sameness import FIELDS as SAMENESS_FIELDS

AUTHORS_HELP = (
    'One list, in order: "Family, Given; Family, Given" (or one name a line), or BibTeX\'s '
    '"Given Family and Family, Given". Changing it replaces the authors below.'
)
CITEKEY_HELP = "Left blank, it is generated: {firstauthorfamily}{year}{firsttitleword}."
SAME_DOI_STORED = "A reference with this DOI is already stored: {links}."
POSSIBLE_DUPLICATE = (
    "Possibly a duplicate of {links}. If this is a different work, tick "
    '"Not a duplicate" and save again.'
)
NOT_A_DUPLICATE = "Not a duplicate: save anyway"
PROTECTED_WORDS_HELP = (
    'Words exports keep as typed, comma-separated ("von Neumann, DNA"): the BibTeX export '
    "braces them, so styles do not lower-case them; CSL-JSON marks them nocase."
)
PROTECTED_WORD_INVALID = "A protected word cannot hold braces or backslashes: {word!r}."
# An edit of these is checked again; one of the details alone (volume, issue, pages) is not.
IDENTIFYING_FIELDS = {"doi", "pmid", "isbn", "title", "year", "container_title", "entry_type"}


def admin_link(reference: Reference) -> str:
    url = reverse("admin:citations_reference_change", args=[reference.pk])
    return format_html('<a href="{}">{}</a>', url, reference.citekey)


def links(found) -> str:
    return format_html_join(", ", "{} ({})", ((admin_link(ref), why) for ref, why in found))


class ReferenceAdminForm(forms.ModelForm):
    authors = forms.CharField(
        required=False,
        help_text=AUTHORS_HELP,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
    )
    not_a_duplicate = forms.BooleanField(required=False, label=NOT_A_DUPLICATE)
    protected_words = forms.CharField(
        required=False, max_length=1000, label="Protected words", help_text=PROTECTED_WORDS_HELP
    )

    class Meta:
        model = Reference
        # The admin's fieldsets name every field shown; these are the ones this form reads.
        fields = ["citekey", "title", "year", "container_title", "doi", "pmid", "isbn"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in NORMALIZERS:  # lengths are checked once normalised ("978-0-306-...")
            if name in self.fields:
                unlimited(self.fields[name])
        self.fields["citekey"].required = False
        self.fields["citekey"].help_text = CITEKEY_HELP
        if self.instance.pk:
            rows = self.instance.contributors.filter(role=Role.AUTHOR).select_related("person")
            authors = [row.person.as_name() for row in rows.order_by("position")]
            self.fields["authors"].initial = bibtex.format_name_list(authors)
        self.author_names = None
        self.fields["protected_words"].initial = self.instance.latex_source.get(PROTECTED_WORDS)

    def clean_protected_words(self) -> str:
        words = [word.strip() for word in self.cleaned_data["protected_words"].split(",")]
        for word in words:
            if "{" in word or "}" in word or "\\" in word:
                raise forms.ValidationError(PROTECTED_WORD_INVALID.format(word=word))
        return ", ".join(dict.fromkeys(word for word in words if word))

    def save(self, commit=True):
        if "protected_words" in self.changed_data:
            words = self.cleaned_data["protected_words"]
            sources = {k: v for k, v in self.instance.latex_source.items() if k != PROTECTED_WORDS}
            self.instance.latex_source = {**sources, PROTECTED_WORDS: words} if words else sources
        return super().save(commit)

    def clean_authors(self):
        text = self.cleaned_data["authors"]
        if "authors" in self.changed_data:
            try:
                self.author_names = bibtex.parse_name_list(text)
            except bibtex.FieldValueError as error:
                raise forms.ValidationError(str(error)) from error
        return text

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("citekey") and cleaned.get("title"):
            cleaned["citekey"] = reference_generate_citekey(
                family=self.first_family(),
                year=cleaned.get("year"),
                title=cleaned["title"],
                exclude_pk=self.instance.pk,
            )
        self.check_duplicates(cleaned)
        return cleaned

    def first_family(self) -> str:
        if self.author_names is not None:
            return self.author_names[0].family if self.author_names else ""
        if self.instance.pk is None:
            return ""
        first = self.instance.contributors.filter(role=Role.AUTHOR).order_by("position")
        return first.values_list("person__family", flat=True).first() or ""

    def check_duplicates(self, cleaned) -> None:
        """On add, or when what identifies the work changed: a stored edit is not re-warned."""
        if self.instance.pk and not IDENTIFYING_FIELDS & set(self.changed_data):
            return
        values = {name: cleaned.get(name) for name in SAMENESS_FIELDS}
        for name in NORMALIZERS.keys() & values.keys():
            values[name] = normalised(name, values[name])
        values["first_author"] = self.first_family()
        found = Reference.objects.exclude(pk=self.instance.pk).same_work_as(values)
        same_doi = [(ref, REASONS[why]) for ref, why in found if why == DOI]
        if same_doi:
            self.add_error("doi", format_html(SAME_DOI_STORED, links=links(same_doi)))
        elif found and not cleaned.get("not_a_duplicate"):
            found = [(ref, REASONS[why]) for ref, why in found]
            raise forms.ValidationError(format_html(POSSIBLE_DUPLICATE, links=links(found)))


def unlimited(field: forms.CharField) -> None:
    field.max_length = None
    field.widget.attrs.pop("maxlength", None)
    field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]


def normalised(name: str, value):
    """An identifier as stored, or None when empty or not valid (the model reports that)."""
    if not value:
        return None
    try:
        return NORMALIZERS[name](value)
    except InvalidIdentifier:
        return None
