"""The API's side of the import hardening: a macro bomb is refused in bounded memory, an
injected DOI is a 400, a conflict is a 409, and exports never let a value close its field."""

import pytest

from citations import bibtex, services
from citations.identifiers import INVALID_DOI
from citations.importing import applying
from citations.models import Reference
from tests.citations.test_bibtex_limits import (
    ATTACKS,
    INJECTED_DOI,
    MIB,
    field_names,
    macro_bomb,
    measured,
)
from tests.citations.test_import_hardening import RACE, conflicting_plan
from tests.factories import ReferenceFactory

pytestmark = pytest.mark.django_db
URL = "/api/references/import/"
BIBTEX = "application/x-bibtex"


def test_api_dry_run_refuses_a_macro_bomb_fast_in_bounded_memory(curator_api):
    response, seconds, peak = measured(
        curator_api.post, f"{URL}?dry_run=1", macro_bomb(40).encode(), content_type=BIBTEX
    )

    assert response.status_code == 200
    refused = bibtex.MACRO_REFUSED.format(macro="s40")
    assert f"line 42 [bomb]: {refused}" in response.json()["problems"]
    assert (response.json()["created"], response.json()["invalid"]) == (0, 21)
    assert seconds < 2
    assert peak < 50 * MIB


def test_api_import_of_a_20_level_bomb_stores_no_2_mib_title(curator_api):
    response = curator_api.post(URL, macro_bomb(20).encode(), content_type=BIBTEX)

    assert response.status_code == 400
    limit = bibtex.EXPANSION_TOO_LARGE.format(limit=bibtex.MAX_EXPANSION)
    assert response.json()["problems"] == [f"line 22 [bomb]: {limit}"]
    assert Reference.objects.count() == 0


def test_api_refuses_an_injected_doi_or_url_with_field_errors(curator_api):
    response = curator_api.post(
        "/api/references/",
        {"citekey": "x2020", "title": "T", "doi": INJECTED_DOI, "url": "https://e.org/a}b"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["doi"] == [INVALID_DOI]
    assert "url" in response.json()
    assert Reference.objects.count() == 0


def test_api_import_answers_409_when_another_writer_changed_the_entries(curator_api, monkeypatch):
    conflicting_plan(monkeypatch)

    response = curator_api.post(URL, RACE.encode(), content_type=BIBTEX)

    assert response.status_code == 409
    assert response.json()["detail"] == applying.CONFLICT
    assert response.json()["written"] is False
    assert list(Reference.objects.values_list("citekey", flat=True)) == ["other2020"]


def test_bibtex_export_of_stored_attack_values_writes_no_extra_field(curator_api):
    reference = ReferenceFactory(citekey="k2020", title="Safe")
    extra = {name: value for name, value in ATTACKS.items() if name not in {"doi", "url"}}
    # Values stored before validation was strict, or through a path that skips it.
    Reference.objects.filter(pk=reference.pk).update(
        doi=INJECTED_DOI.lower(), url=ATTACKS["url"], extra_fields=extra
    )

    response = curator_api.get("/api/references/k2020/?format=bibtex")
    text = b"".join(response.streaming_content).decode()

    assert sorted(field_names(text)) == sorted(
        ["title", "journal", "year", "note", "doi", "url", "abstract", "eprint", "file", "pdf"]
        + ["howpublished"]
    )
    (record,) = bibtex.parse(text).records
    assert record.fields["title"] == "Safe"
    assert record.authors == []


def test_services_read_the_limits_from_the_settings(settings):
    settings.BIBTEX_MAX_EXPANSION_BYTES = 5
    plan = services.reference_import_plan(data='@string{a="123456"}\n@article{x, title=a}')
    assert plan.items[0].messages[0] == bibtex.EXPANSION_TOO_LARGE.format(limit=5)
