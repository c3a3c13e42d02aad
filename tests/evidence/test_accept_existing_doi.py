"""Accepting a match whose DOI another reference already holds names and links that record,
and the merge of the two, instead of failing on the unique DOI (issue 21)."""

import pytest
from django.urls import reverse

from citations.models import Verification
from evidence.verification import DOI_TAKEN
from tests.factories import ReferenceFactory

pytestmark = pytest.mark.django_db
MATCH_URL = reverse("admin:evidence_evidence_match")
RICKARD = "10.1210/en.2007-1247"
SEIFERT_CITED = (
    "Seifert M, et al. Bone growth and turnover in progesterone receptor knockout mice. "
    "Journal of Bone and Mineral Research. 2008."
)


def test_accepting_a_candidate_whose_doi_is_stored_names_and_links_that_record(
    curator_client, sources
):
    holder = ReferenceFactory(citekey="rickard2008bone", doi=RICKARD)
    reference = ReferenceFactory(title="(as cited)", as_cited=SEIFERT_CITED)
    sources.serve("/crossref/works", "crossref-search-seifert2008.json")
    url = f"{MATCH_URL}?ids={reference.pk}"
    response = curator_client.post(
        url, {"reference": reference.pk, "candidate": RICKARD}, follow=True
    )
    page = response.content.decode()
    assert DOI_TAKEN.format(doi=RICKARD, citekey="rickard2008bone") in page
    change = reverse("admin:citations_reference_change", args=[holder.pk])
    assert f'<a href="{change}">Open rickard2008bone</a>' in page
    merge = reverse("admin:citations_reference_merge")
    assert f'href="{merge}?ids={holder.pk},{reference.pk}&amp;survivor={holder.pk}"' in page
    reference.refresh_from_db()
    assert (reference.doi, reference.verification) == (None, Verification.UNVERIFIED)
