"""Real-world style files: import, export, import again; keys, titles, years, names survive."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citations.bibtex import parse, render_entry
from citations.exports import bibtex_stream
from citations.models import Reference
from citations.services import reference_import_bibtex
from citations.text.records import BibRecord, Name

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parent.parent / "data"


def snapshot() -> list[tuple]:
    rows = []
    for reference in Reference.objects.with_contributors().order_by("citekey"):
        names = tuple(p.as_name() for p in reference.authors + reference.editors)
        rows.append((reference.citekey, reference.title, reference.year, names))
    return rows


@pytest.mark.parametrize(
    "name", ["zotero.bib", "jabref.bib", "biblatex.bib", "bom.bib", "mendeley.bib"]
)
def test_import_export_import_keeps_keys_titles_years_and_names(name):
    first = reference_import_bibtex(data=(DATA / name).read_bytes())
    assert first.ok
    before = snapshot()
    exported = "".join(bibtex_stream())
    assert parse(exported).problems == []
    Reference.objects.all().delete()
    second = reference_import_bibtex(data=exported)
    assert second.ok
    assert snapshot() == before


def test_zotero_file_maps_fields_and_keeps_unknown_ones():
    reference_import_bibtex(data=(DATA / "zotero.bib").read_bytes())
    chapter = Reference.objects.get(citekey="garcia_marquez_role_2005")
    assert chapter.container_title == "Handbook of Bone Biology"
    assert chapter.title == "The role of DNA repair in Bayesian models of bone"
    assert [str(p) for p in chapter.authors] == [
        "García Márquez, José",
        "de la Fuente, Juan, Jr.",
        "van der Berg, Hans",
    ]
    prior = Reference.objects.get(citekey="prior_spinal_1990")
    assert prior.extra_fields["file"].startswith("Full Text PDF:")
    assert prior.extra_fields["month"] == "November"


def test_jabref_file_resolves_strings_and_crossref():
    reference_import_bibtex(data=(DATA / "jabref.bib").read_bytes())
    paper = Reference.objects.get(citekey="Rickard2008")
    assert (paper.container_title, paper.year, paper.publisher) == (
        "Proceedings of the Endocrine Society Annual Meeting",
        2008,
        "Springer Verlag",
    )
    journal = Reference.objects.get(citekey="Gallagher1991").container_title
    assert journal == "Journal of Bone and Mineral Research"


def test_seed_references_export_and_parse_back_to_the_same_records(seed):
    stored = [r.to_record() for r in Reference.objects.with_contributors().order_by("citekey")]
    parsed = parse("".join(bibtex_stream()))
    assert parsed.problems == []
    assert len(parsed.records) == len(stored) > 0
    for back, record in zip(parsed.records, stored, strict=True):
        assert (back.key, back.fields, back.authors, back.editors) == (
            record.key,
            record.fields,
            record.authors,
            record.editors,
        )


WORD = st.text(alphabet=st.sampled_from(list("abcdeéüßøxyz")), min_size=1, max_size=8)
CAPITALISED = WORD.map(lambda word: word[0].upper() + word[1:])
NAMES = st.builds(
    Name,
    family=st.lists(CAPITALISED, min_size=1, max_size=2).map(" ".join),
    given=st.lists(CAPITALISED, max_size=2).map(" ".join),
    prefix=st.sampled_from(["", "van", "de la"]),
    suffix=st.sampled_from(["", "Jr."]),
)
PIECES = st.one_of(
    WORD,
    CAPITALISED,
    st.sampled_from(["DNA", "&", "%", "$", "#", "_", "{", "}", "~", "^", "\\", "$x^{2}$", "--"]),
)
TEXTS = st.lists(PIECES, min_size=1, max_size=6).map(" ".join)
ARTICLES = st.builds(
    BibRecord,
    entry_type=st.just("article"),
    key=st.from_regex(r"[a-z][a-z0-9]{0,12}", fullmatch=True),
    fields=st.fixed_dictionaries(
        {"title": TEXTS, "journal": TEXTS, "year": st.integers(1400, 2100).map(str)},
        optional={"note": TEXTS, "publisher": TEXTS},
    ),
    authors=st.lists(NAMES, max_size=3, unique=True),
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ARTICLES)
def test_export_then_import_through_the_database_gives_the_same_record(record):
    Reference.objects.all().delete()
    assert reference_import_bibtex(data=render_entry(record)).ok
    exported = parse("".join(bibtex_stream())).records
    assert len(exported) == 1
    back = exported[0]
    assert (back.key, back.fields, back.authors) == (record.key, record.fields, record.authors)
