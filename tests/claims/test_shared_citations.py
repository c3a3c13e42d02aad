"""A claim page's reference list formats each citation once for every process sharing the
page cache (Redis as deployed; the tests' local memory stands in for it): a fresh process (a
new or restarted worker) reads what another one formatted (claims.cite_this.shared_texts),
and, with the page cache off, each evidence item and reference entry is rendered once a
process for what it shows (config.caching)."""

import pytest
from django.conf import settings
from django.core.cache import caches

from citations import citing
from citations.models import Reference
from config.caching import forget_all
from tests.factories import ClaimFactory, ContributorFactory, EvidenceFactory

pytestmark = pytest.mark.django_db

FRAGMENTS = {"claims/_evidence_item.html", "claims/_reference.html"}


@pytest.fixture
def claim():
    claim = ClaimFactory()
    for n in range(3):
        item = EvidenceFactory(claim=claim, reference__title=f"Bone study number {n}")
        ContributorFactory(reference=item.reference, person__family=f"Osteon{n}", position=0)
    return claim


@pytest.fixture
def formatting(monkeypatch):
    """The records citeproc-py formats (the real engine, counted)."""
    formatted = []
    real = citing.entry

    def counted(record, *args, **kwargs):
        formatted.append(record.fields.get("title"))
        return real(record, *args, **kwargs)

    monkeypatch.setattr(citing, "entry", counted)
    return formatted


def fresh_process():
    """Forget what this process remembers, as a new worker starts without it."""
    citing._entries.clear()
    forget_all()


def rendered(client, claim):
    response = client.get(claim.get_absolute_url() + "?render")
    assert response.status_code == 200
    return response.text, {t.name for t in response.templates} & FRAGMENTS


def test_a_fresh_process_formats_no_citation_another_one_formatted(client, claim, formatting):
    caches[settings.PAGE_CACHE].clear()
    fresh_process()
    first, _ = rendered(client, claim)
    references = [title for title in formatting if title.startswith("Bone study")]
    assert sorted(references) == [f"Bone study number {n}" for n in range(3)]
    assert formatting.count(claim.statement) == 4  # the page's own "Cite this", four styles
    fresh_process()
    formatting.clear()
    again, drawn = rendered(client, claim)
    assert formatting == []
    assert drawn == FRAGMENTS  # rendered again, with the citations as formatted before
    assert again == first


def test_an_edited_reference_is_formatted_again(client, claim, formatting):
    rendered(client, claim)
    reference = Reference.objects.get(title="Bone study number 1")
    reference.title = "Bone study, corrected"
    reference.save()
    fresh_process()
    formatting.clear()
    page, _ = rendered(client, claim)
    assert formatting == ["Bone study, corrected"]
    assert "Bone study, corrected" in page
    assert "Bone study number 1" not in page


def test_with_the_page_cache_off_unchanged_fragments_are_rendered_once(client, claim):
    fresh_process()
    first, drawn = rendered(client, claim)
    again, drawn_again = rendered(client, claim)
    assert drawn == FRAGMENTS
    assert drawn_again == set()
    assert again == first


def test_a_remembered_page_costs_no_query_more(client, claim, django_assert_num_queries):
    fresh_process()
    with django_assert_num_queries(8) as cold:  # claim, its prefetches (the cache: memory)
        rendered(client, claim)
    with django_assert_num_queries(len(cold)):
        rendered(client, claim)
