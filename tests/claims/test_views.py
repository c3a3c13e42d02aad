"""Public pages with the test client: visibility, content, escaping and query counts."""

import json
import re

import pytest
from django.urls import reverse

from claims.forms import INVALID_FILTER
from claims.models import ClaimRelation
from evidence.services import claims_regrade
from evidence.wording import UNTESTED
from tests.factories import (
    ClaimFactory,
    ContributorFactory,
    EvidenceFactory,
    PersonFactory,
    ReferenceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

XSS = "<script>alert('x')</script> Progesterone builds bone"


def authored_reference(family="Rickard", **kwargs):
    reference = ReferenceFactory(**kwargs)
    ContributorFactory(reference=reference, person=PersonFactory(family=family, given="David J."))
    return reference


def graded_claim(**kwargs):
    defaults = {
        "grade_level": "moderate",
        "grade_direction": "supported",
        "grade_reasons": ["Starts high: rct (Rickard 2008)", "Down 1: imprecision"],
        "grade_rubric": "grade-1",
    }
    return ClaimFactory(**{**defaults, **kwargs})


def badge(level: str, label: str, anchor: str = "") -> str:
    """A grade badge: a link to what the level means on the methodology page."""
    return (
        f'<a class="grade grade-{level}" href="/methodology/#{anchor or "level-" + level}" '
        f'title="What this grade means">{label}</a>'
    )


def json_ld(html: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


def test_claim_page_shows_statement_badge_wording_and_reasons(client):
    claim = graded_claim(statement="Progesterone increases bone density.")
    response = client.get(claim.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="claim-statement">Progesterone increases bone density.</h1>' in html
    assert badge("moderate", "Moderate certainty") in html
    assert '<p class="verdict-wording">This is probably true.</p>' in html
    assert "<li>Starts high: randomised controlled trial (Rickard 2008)</li>" in html
    assert '<span class="direction direction-supported">Supported</span>' in html


def test_curator_override_is_shown_beside_the_computed_grade(client):
    claim = graded_claim(grade_override="low", override_rationale="Trials were tiny.")
    html = client.get(claim.get_absolute_url()).content.decode()
    assert badge("low", "Low certainty") in html
    assert "Curator’s grade: Low.</strong> Trials were tiny." in html
    assert "Computed grade: <strong>Moderate</strong>" in html
    assert '<p class="verdict-wording">This may be true.</p>' in html


@pytest.mark.parametrize("status", ["draft", "in_review"])
def test_unpublished_claims_are_not_found(client, status):
    claim = ClaimFactory(status=status)
    assert client.get(claim.get_absolute_url()).status_code == 404
    assert claim.statement not in client.get(reverse("claim-list")).content.decode()


def test_reference_page_with_a_nul_in_the_citekey_is_not_found(client):
    assert client.get("/references/rickard%002008/").status_code == 404


def test_retracted_claim_shows_banner_with_reason(client):
    claim = ClaimFactory(status="retracted", retraction_reason="The key study was withdrawn.")
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "This claim page has been retracted.</strong> The key study was withdrawn." in html


def test_evidence_is_split_for_against_mixed_and_asserting(client):
    claim = graded_claim()
    EvidenceFactory(claim=claim, stance="supports", reference=authored_reference("Prior"))
    EvidenceFactory(claim=claim, stance="contradicts", reference=authored_reference("Rickard"))
    EvidenceFactory(claim=claim, stance="asserts", design="popular", sample_size=None)
    html = client.get(claim.get_absolute_url()).content.decode()
    sections = dict(re.findall(r'<h3 id="group-(\w+)">.*?</h3>(.*?)</section>', html, re.S))
    assert list(sections) == ["supports", "contradicts", "asserts"]
    assert "Prior 2020" in sections["supports"]
    assert "Rickard" not in sections["supports"]
    assert "Rickard 2020" in sections["contradicts"]
    assert "<dd>not reported</dd>" in sections["asserts"]


def test_evidence_row_shows_design_population_size_effect_and_quote(client):
    item = EvidenceFactory(
        claim=graded_claim(),
        reference=authored_reference(),
        population_detail="postmenopausal women",
        sample_size=875,
        effect_value=1.7,
        ci_low=1.2,
        ci_high=2.2,
        effect_unit="BMD, % change",
        quote="Bone density rose.",
        locator="Table 2",
    )
    html = client.get(item.claim.get_absolute_url()).content.decode()
    assert "<dd>Randomised controlled trial</dd>" in html
    assert "<dd>Humans: postmenopausal women</dd>" in html
    assert "<dd>875</dd>" in html
    assert "<dd>1.7 (95% CI 1.2 to 2.2) BMD, % change</dd>" in html
    assert "<blockquote><p>Bone density rose.</p></blockquote>" in html
    assert "<figcaption>Rickard 2020, Table 2</figcaption>" in html


def test_forest_plot_is_drawn_only_for_items_with_effect_and_interval(client):
    claim = graded_claim()
    EvidenceFactory(claim=claim, effect_value=1.0, ci_low=0.5, ci_high=1.5, effect_unit="g/cm2")
    EvidenceFactory(claim=claim, effect_value=2.0)
    html = client.get(claim.get_absolute_url()).content.decode()
    assert html.count('<svg class="forest-plot"') == 1
    assert html.count('<g class="fp-row">') == 1
    assert (
        "<figcaption>1 study with an effect and its 95% confidence interval.</figcaption>" in html
    )
    assert ">g/cm2</text>" in html


def test_claim_without_effects_has_no_forest_plot(client):
    claim = graded_claim()
    EvidenceFactory(claim=claim)
    assert "forest-plot" not in client.get(claim.get_absolute_url()).content.decode()


def test_references_are_formatted_linked_and_flagged_when_cited_wrongly(client):
    reference = authored_reference(
        doi="10.1210/en.2007-1247",
        pmid="18276762",
        verification="discrepancy",
        as_cited="Rickard D. Bone growth. Endocrinology 2007.",
    )
    claim = graded_claim()
    EvidenceFactory(claim=claim, reference=reference)
    html = client.get(claim.get_absolute_url()).content.decode()
    assert f"Rickard DJ. {reference.title}. Journal of Bone Research. 2020." in html
    assert '<a href="https://doi.org/10.1210/en.2007-1247">DOI: 10.1210/en.2007-1247</a>' in html
    assert '<a href="https://pubmed.ncbi.nlm.nih.gov/18276762/">PubMed: 18276762</a>' in html
    assert "Cited with errors.</strong> The source printed: <q>Rickard D." in html
    assert f'<a href="{reference.get_absolute_url()}">Compare with the verified record</a>' in html


def test_download_and_copy_bibtex_controls(client):
    claim = graded_claim(slug="pg-bone")
    EvidenceFactory(claim=claim, reference=authored_reference(citekey="rickard2008bone"))
    html = client.get(claim.get_absolute_url()).content.decode()
    for fmt in ("bibtex", "ris", "csl"):
        assert f'href="/api/claims/pg-bone/?format={fmt}" download' in html
    entry = "@article{rickard2008bone,\n  author = {Rickard, David J.}"
    assert f'<pre id="bibtex-1"><code>{entry}' in html
    assert 'data-copy-target="bibtex-1" hidden>Copy BibTeX</button>' in html


def test_related_claims_appear_in_both_directions_public_only(client):
    claim, other, draft = graded_claim(), graded_claim(), ClaimFactory(status="draft")
    ClaimRelation.objects.create(from_claim=claim, to_claim=other, kind="refines")
    ClaimRelation.objects.create(from_claim=draft, to_claim=claim, kind="contradicts")
    html = client.get(claim.get_absolute_url()).content.decode()
    assert f'Refines:</span> <a href="{other.get_absolute_url()}">' in html
    assert draft.statement not in html
    other_html = client.get(other.get_absolute_url()).content.decode()
    assert f'Refined by:</span> <a href="{claim.get_absolute_url()}">' in other_html


def test_claim_page_has_canonical_description_and_claim_review(client):
    claim = graded_claim(slug="pg-bone", summary="Trials in women.")
    EvidenceFactory(claim=claim, reference=authored_reference(doi="10.1/x"))
    EvidenceFactory(claim=claim, reference=authored_reference("Lee", pmid="123", year=2019))
    html = client.get(claim.get_absolute_url()).content.decode()
    assert '<link rel="canonical" href="http://testserver/claims/pg-bone/">' in html
    assert '<meta name="description" content="This is probably true. Trials in women.">' in html
    data = json_ld(html)
    assert data["@type"] == "ClaimReview"
    assert data["claimReviewed"] == claim.statement
    assert data["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "This is probably true.",
        "ratingValue": 3,
        "worstRating": 1,
        "bestRating": 4,
    }
    appearances = data["itemReviewed"]["appearance"]
    assert [item["url"] for item in appearances] == [
        "https://doi.org/10.1/x",
        "https://pubmed.ncbi.nlm.nih.gov/123/",
    ]


def test_ungraded_claim_says_so_and_has_no_numeric_rating(client):
    claim = ClaimFactory()
    html = client.get(claim.get_absolute_url()).content.decode()
    assert badge("none", "Not graded", anchor="level-not_graded") in html
    assert "ratingValue" not in json_ld(html)["reviewRating"]


def test_untested_claim_wording(client):
    claim = ClaimFactory(grade_level="insufficient", grade_direction="none", grade_rubric="grade-2")
    html = client.get(claim.get_absolute_url()).content.decode()
    assert badge("insufficient", "Insufficient evidence") in html
    assert (
        f'<p class="verdict-wording">{UNTESTED}</p>'
        in client.get(claim.get_absolute_url()).content.decode()
    )


def test_curator_text_is_escaped_everywhere(client):
    topic = TopicFactory(name="<b>Bone</b>")
    claim = graded_claim(statement=XSS, summary="</script><script>alert(2)</script>")
    claim.topics.add(topic)
    item = EvidenceFactory(claim=claim, quote="<img src=x onerror=alert(3)>")
    urls = [
        claim.get_absolute_url(),
        reverse("claim-list"),
        reverse("home"),
        topic.get_absolute_url(),
        item.reference.get_absolute_url(),
    ]
    for url in urls:
        html = client.get(url).content.decode()
        assert "<script>alert" not in html, url
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html, url
        assert "<b>Bone</b>" not in html, url
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "<title>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; Progesterone" in html
    assert "<img src=x" not in html
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert "</script" not in ld
    assert "\\u003Cscript\\u003E" in ld
    assert json_ld(html)["claimReviewed"] == XSS


@pytest.mark.parametrize("rubric", ["grade-1", "grade-2"])
@pytest.mark.parametrize("count", [3, 40])
def test_claim_page_query_count_is_constant(client, django_assert_max_num_queries, count, rubric):
    """Claim, topics, evidence with references, contributors and covers, the claim's parts,
    relations both ways: the evidence profile is recomputed from these prefetches, with no
    query per item."""
    claim = graded_claim(slug="many", grade_rubric=rubric)
    other = graded_claim()
    ClaimRelation.objects.create(from_claim=claim, to_claim=other, kind="refines")
    ClaimRelation.objects.create(from_claim=other, to_claim=claim, kind="contradicts")
    claim.topics.add(TopicFactory(), TopicFactory())
    for index in range(count):
        item = EvidenceFactory(
            claim=claim,
            reference=authored_reference(f"Author{index}"),
            stance=["supports", "contradicts", "mixed", "asserts"][index % 4],
            effect_value=1.0,
            ci_low=0.0,
            ci_high=2.0,
        )
        item.covers.add(authored_reference(f"Covered{index}"))
    with django_assert_max_num_queries(8):  # with the studies each item covers, and parts
        response = client.get("/claims/many/")
    html = response.content.decode()
    assert html.count('<li class="evidence-item">') == count
    assert ('class="evidence-profile"' in html) == (rubric == "grade-2")


@pytest.mark.parametrize("count", [3, 40])
def test_list_query_count_is_constant(client, django_assert_max_num_queries, count):
    for _ in range(count):
        graded_claim().topics.add(TopicFactory())
    with django_assert_max_num_queries(5):
        response = client.get(reverse("claim-list"))
    assert response.status_code == 200


def test_list_search_finds_words_and_ranks_statement_matches_first(client):
    summary_only = graded_claim(statement="Hormones matter.", summary="About osteoporosis risk.")
    in_statement = graded_claim(statement="Progesterone prevents osteoporosis.")
    graded_claim(statement="Estrogen lowers fracture risk.")
    html = client.get(reverse("claim-list"), {"q": "osteoporosis"}).content.decode()
    assert "2 claims matching “osteoporosis”" in html
    assert html.index(in_statement.statement) < html.index(summary_only.statement)
    assert "Estrogen" not in html


def test_list_filters_by_topic_level_and_direction(client):
    topic = TopicFactory(slug="bone")
    wanted = graded_claim(grade_level="low", grade_direction="contested")
    wanted.topics.add(topic)
    graded_claim(grade_level="low", grade_direction="supported").topics.add(topic)
    graded_claim(grade_level="high", grade_direction="contested").topics.add(topic)
    graded_claim(grade_level="low", grade_direction="contested")
    overridden = graded_claim(grade_level="high", grade_override="low", override_rationale="r")
    overridden.topics.add(topic)
    overridden.grade_direction = "contested"
    overridden.save()
    query = {"topic": "bone", "level": "low", "direction": "contested"}
    html = client.get(reverse("claim-list"), query).content.decode()
    assert "2 claims" in html
    assert wanted.statement in html
    assert overridden.statement in html


def test_invalid_filter_value_is_a_400_with_a_clear_message(client):
    graded_claim()
    response = client.get(reverse("claim-list"), {"level": "excellent"})
    assert response.status_code == 400
    assert INVALID_FILTER in response.content.decode()
    assert "0 claims" in response.content.decode()


def test_list_is_paginated_with_filters_kept(client):
    for index in range(25):
        graded_claim(statement=f"Bone claim {index:02d}.")
    first = client.get(reverse("claim-list"), {"q": "bone"}).content.decode()
    assert first.count('<li class="claim-item">') == 20
    assert 'href="?q=bone&amp;page=2"' in first
    second = client.get(reverse("claim-list"), {"q": "bone", "page": 2}).content.decode()
    assert second.count('<li class="claim-item">') == 5
    assert "Page 2 of 2" in second


def test_list_counts_the_studies_that_decide_not_evidence_items(client):
    """Two reports of one study and an item that only asserts it: one study decides."""
    claim = graded_claim(grade_rubric="grade-2")
    trial = authored_reference("Prior")
    EvidenceFactory(claim=claim, reference=trial, stance="supports", outcome="spine")
    EvidenceFactory(claim=claim, reference=trial, stance="supports", outcome="hip")
    EvidenceFactory(claim=claim, stance="asserts", design="popular")
    claims_regrade(rubric="grade-2")  # what every evidence write does: stores the count
    html = client.get(reverse("claim-list")).content.decode()
    assert '<span class="counts">1 study decides</span>' in html
    assert " for · " not in html


def test_list_shows_no_count_where_no_study_decides(client):
    graded_claim(grade_level="insufficient", grade_direction="none", grade_rubric="grade-2")
    graded_claim(grade_rubric="grade-1")  # grade-1 has no evidence profile
    html = client.get(reverse("claim-list")).content.decode()
    assert html.count('<li class="claim-item">') == 2
    assert 'class="counts"' not in html


def test_home_lists_public_claims_and_topics_with_counts(client):
    topic = TopicFactory(name="Bone health")
    graded_claim().topics.add(topic)
    graded_claim(status="retracted").topics.add(topic)
    ClaimFactory(status="draft").topics.add(topic)
    TopicFactory(name="Empty topic")
    html = client.get(reverse("home")).content.decode()
    assert 'Bone health</a> <span class="count">(2 claims)</span>' in html
    assert "Empty topic" not in html


def test_topic_page_lists_only_its_public_claims(client):
    topic = TopicFactory()
    public, draft, elsewhere = graded_claim(), ClaimFactory(status="draft"), graded_claim()
    public.topics.add(topic)
    draft.topics.add(topic)
    html = client.get(topic.get_absolute_url()).content.decode()
    assert public.statement in html
    assert draft.statement not in html
    assert elsewhere.statement not in html
    assert client.get("/topics/no-such-topic/").status_code == 404


def test_reference_page_compares_as_cited_with_verified_record(client):
    reference = authored_reference(
        citekey="doi:10.1210/en-2007",
        title="Bone growth",
        container_title="Endocrinology",
        year=2008,
        volume="149",
        doi="10.1210/en.2007-1247",
        pmcid="PMC4592269",
        verification="discrepancy",
        as_cited="Rickard DJ. Bone growth. Endocrinology. 2007;149.",
    )
    EvidenceFactory(claim=graded_claim(), reference=reference, stance="contradicts")
    response = client.get(reverse("reference-detail", args=["doi:10.1210/en-2007"]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Endocrinology. <mark>2007</mark>;149." in html
    assert "Endocrinology. <mark>2008</mark>;149." in html
    assert '<tr class="differs"><th scope="row">Year</th><td><mark>2008</mark>' in html
    assert '<tr><th scope="row">Volume</th><td>149</td></tr>' in html
    assert 'href="https://www.ncbi.nlm.nih.gov/pmc/articles/PMC4592269/"' in html
    assert '<span class="stance stance-contradicts">Contradicts</span>' in html
    assert '<pre id="bibtex-entry"><code>@article{doi:10.1210/en-2007,' in html


def test_reference_page_only_for_references_cited_by_public_claims(client):
    draft_only = EvidenceFactory(claim=ClaimFactory(status="draft")).reference
    uncited = ReferenceFactory()
    retracted_only = EvidenceFactory(claim=ClaimFactory(status="retracted")).reference
    assert client.get(draft_only.get_absolute_url()).status_code == 404
    assert client.get(uncited.get_absolute_url()).status_code == 404
    assert client.get(retracted_only.get_absolute_url()).status_code == 200


def test_reference_page_lists_only_public_claims(client):
    reference = authored_reference()
    shown = EvidenceFactory(reference=reference, claim=graded_claim()).claim
    hidden = EvidenceFactory(reference=reference, claim=ClaimFactory(status="draft")).claim
    html = client.get(reference.get_absolute_url()).content.decode()
    assert shown.statement in html
    assert hidden.statement not in html


def test_reference_page_query_count(client, django_assert_max_num_queries):
    reference = authored_reference()
    EvidenceFactory.create_batch(5, reference=reference)
    with django_assert_max_num_queries(4):  # reference, authors, evidence, merged records
        assert client.get(reference.get_absolute_url()).status_code == 200


def test_filter_options_show_counts_among_the_search_results(client):
    topic = TopicFactory(name="Bone health", slug="bone")
    graded_claim(statement="Progesterone builds bone.").topics.add(topic)
    graded_claim(statement="Progesterone thins bone.", grade_level="low")
    graded_claim(statement="Estrogen keeps bone.", grade_direction="contested").topics.add(topic)
    ClaimFactory(status="draft", statement="Progesterone draft.").topics.add(topic)
    html = client.get(reverse("claim-list"), {"q": "progesterone"}).content.decode()
    assert '<option value="moderate">Moderate (1)</option>' in html
    assert '<option value="low">Low (1)</option>' in html
    assert '<option value="supported">Supported (2)</option>' in html
    assert '<option value="contested">Contested (0)</option>' in html
    assert '<option value="bone">Bone health (2)</option>' in html


def test_unknown_topic_filter_is_a_400_with_a_clear_message(client):
    response = client.get(reverse("claim-list"), {"topic": "no-such-topic"})
    assert response.status_code == 400
    assert INVALID_FILTER in response.content.decode()


def test_retracted_claims_are_listed_with_a_retracted_tag(client):
    graded_claim(status="retracted", statement="Retracted bone claim.")
    html = client.get(reverse("claim-list")).content.decode()
    assert "Retracted bone claim." in html
    assert '<span class="tag tag-retracted">Retracted</span>' in html


def test_bad_page_numbers_fall_back_to_a_real_page(client):
    graded_claim(statement="Only claim.")
    for page in ("abc", "999", "-1"):
        response = client.get(reverse("claim-list"), {"page": page})
        assert response.status_code == 200
        assert "Only claim." in response.content.decode()


def test_reference_page_shows_a_field_the_citation_left_out_as_not_given(client):
    reference = ReferenceFactory(
        title="Progesterone for the prevention and treatment of osteoporosis in women",
        container_title="Climacteric",
        year=2018,
        volume="21",
        pages="366--374",
        verification="verified",
        as_cited="Prior, J. C. “Progesterone for the prevention and treatment of osteoporosis"
        " in women.” Climacteric, 2018.",
    )
    ContributorFactory(reference=reference, person=PersonFactory(family="Prior", given="J. C."))
    EvidenceFactory(claim=graded_claim(), reference=reference)
    html = client.get(reference.get_absolute_url()).content.decode()
    assert "<mark>" not in html.split('<section aria-labelledby="claims-heading">')[0].replace(
        "Differences are <mark>highlighted</mark>", ""
    )
    assert (
        '<tr><th scope="row">Volume</th><td>21 <span class="differs-note">'
        "(not given in the citation)</span></td></tr>"
    ) in html
    assert '<span class="not-given" title="Not given in the citation">21:366–74</span>' in html


def test_page_and_api_give_the_same_percent_encoded_doi_link(client):
    doi = "10.1002/(sici)1097-4636(199706)35:4<419::aid-jbm1>3.0.co;2-#"
    reference = authored_reference(doi=doi, pmid="18276762")
    claim = graded_claim()
    EvidenceFactory(claim=claim, reference=reference)

    html = client.get(reference.get_absolute_url()).content.decode()
    claim_html = client.get(claim.get_absolute_url()).content.decode()
    api = client.get(f"/api/references/{reference.citekey}/").json()["identifiers"]

    assert "#" not in api["doi"]
    assert f'href="{api["doi"]}"' in html
    assert f'href="{api["pmid"]}"' in html
    assert f'href="{api["doi"]}"' in claim_html
    assert f'"url": "{api["doi"]}"' in claim_html  # the JSON-LD citation
