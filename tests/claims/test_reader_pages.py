"""What readers see of grade-2: the methodology page, badges that link to it, the evidence
profile on a claim page, and retracted claims that state no verdict (Django test client)."""

import json
import re
from datetime import date

import pytest
from django.urls import reverse

from claims import pages
from evidence.rubrics import DomainRow, Profile
from evidence.rubrics.grade2 import ClaimFacts, ItemFacts, grade
from tests.factories import (
    ClaimFactory,
    ContributorFactory,
    EvidenceFactory,
    PersonFactory,
    ReferenceFactory,
    TopicFactory,
)

pytestmark = pytest.mark.django_db

CODES = re.compile(r"\b(rct|meta_analysis_rct|meta_analysis_obs|in_vitro|case_control)\b")


def graded(**kwargs):
    defaults = {
        "grade_level": "very_low",
        "grade_direction": "contradicted",
        "grade_reasons": ["Starts high: randomised controlled trial (Prior 2018)"],
        "grade_rubric": "grade-2",
    }
    return ClaimFactory(**{**defaults, **kwargs})


def seed_example_profile() -> Profile:
    """The first worked example of docs/grading.md, graded by the engine itself."""
    items = [
        ItemFacts(
            label="Prior 2018",
            citekey="prior2018",
            year=2018,
            stance="no_effect",
            design="rct",
            population="humans",
            via="narrative_review",
            outcome_match="related",
        ),
        ItemFacts(
            label="Rickard 2008",
            citekey="rickard2008",
            stance="contradicts",
            design="animal",
            population="animals",
        ),
        ItemFacts(
            label="Scheven 1992",
            citekey="scheven1992",
            stance="supports",
            design="in_vitro",
            population="cells",
        ),
        ItemFacts(
            label="Lee 1996",
            citekey="lee1996",
            stance="asserts",
            design="popular",
            population="humans",
        ),
    ]
    result = grade(ClaimFacts(population="humans"), items)
    assert (result.level, result.direction) == ("very_low", "contradicted")
    return result.profile


@pytest.fixture
def profile_of(monkeypatch):
    """Make the claim page use `profile` as the engine's profile of every grade-2 claim."""

    def use(profile):
        monkeypatch.setattr(pages, "grade_profile", lambda claim: profile)

    return use


# The methodology page


def test_methodology_page_explains_levels_domains_and_the_rubric(client):
    response = client.get("/methodology/")
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("methodology") == "/methodology/"
    assert '<h1 id="methodology-heading">How we grade evidence</h1>' in html
    assert "Rubric in force: <strong>grade-3</strong>." in html
    for level, name in [
        ("high", "High certainty"),
        ("moderate", "Moderate certainty"),
        ("low", "Low certainty"),
        ("very_low", "Very low certainty"),
    ]:
        assert f'<div class="level" id="level-{level}">' in html
        assert f'<span class="grade grade-{level}">{name}</span>' in html
    assert "A supported claim at this level reads: <q>This is probably true.</q>" in html
    for domain, name in [
        ("start", "Where the evidence starts"),
        ("risk_of_bias", "Risk of bias"),
        ("inconsistency", "Inconsistency"),
        ("indirectness", "Indirectness"),
        ("imprecision", "Imprecision"),
        ("publication_bias", "Publication bias"),
        ("rating_up", "Rating up"),
    ]:
        assert f'<h3 id="domain-{domain}-heading">{name}</h3>' in html
    assert html.count('<p class="domain-example"><strong>Example.</strong>') == 7
    assert '<div class="level" id="level-not_graded">' in html
    assert '<div class="level" id="level-insufficient">' in html
    assert "A <strong>background fact</strong>" in html
    assert "“Insufficient” does not mean false" in html
    assert "recorded in the claim’s history with the reason “rubric change”" in html
    assert not CODES.search(html)


def test_methodology_page_names_the_rubric_of_the_setting(client, settings):
    settings.LEDGER_GRADE_RUBRIC = "grade-3"
    html = client.get("/methodology/").content.decode()
    assert "Rubric in force: <strong>grade-3</strong>." in html
    assert "(rubric grade-3)" in html  # the footer of every page


def test_every_page_links_the_methodology_from_navigation_and_footer(client):
    html = client.get("/").content.decode()
    assert '<li><a href="/methodology/">How we grade</a></li>' in html
    assert '<a href="/methodology/">how we grade evidence</a>' in html
    methodology = client.get("/methodology/").content.decode()
    assert '<a href="/methodology/" aria-current="page">How we grade</a>' in methodology


def test_grade_badges_link_the_methodology_on_every_listing(client):
    topic = TopicFactory(slug="bone")
    claim = graded(grade_level="moderate", grade_direction="supported")
    claim.topics.add(topic)
    badge = (
        '<a class="grade grade-moderate" href="/methodology/#level-moderate" '
        'title="What this grade means">'
    )
    for url in ("/", "/claims/", topic.get_absolute_url()):
        assert f"{badge}Moderate</a>" in client.get(url).content.decode(), url
    detail = client.get(claim.get_absolute_url()).content.decode()
    assert f"{badge}Moderate certainty</a>" in detail


@pytest.mark.parametrize(
    ("level", "label", "anchor"),
    [
        ("insufficient", "Insufficient", "level-insufficient"),
        ("very_low", "Very low", "level-very_low"),
        ("", "Not graded", "level-not_graded"),
    ],
)
def test_list_badges_link_to_their_own_level(client, level, label, anchor):
    graded(grade_level=level, grade_direction="none" if level != "very_low" else "supported")
    html = client.get("/claims/").content.decode()
    assert f'href="/methodology/#{anchor}" title="What this grade means">{label}</a>' in html


# Retracted claims


def test_retracted_claim_leads_with_banner_and_reason_and_states_no_verdict(client):
    claim = graded(
        status="retracted",
        retraction_reason="The key study was withdrawn.",
        grade_level="high",
        grade_direction="supported",
        grade_rubric="grade-1",
        grade_reasons=["Starts high: rct (Smith 2020)"],
    )
    html = client.get(claim.get_absolute_url()).content.decode()
    banner = html.index('<div class="banner banner-retracted" role="alert">')
    assert banner < html.index('<h1 id="claim-statement">') < html.index("verdict-retracted")
    assert "This claim page has been retracted.</strong> The key study was withdrawn." in html
    assert '<p class="verdict-caption">The grade when it was retracted</p>' in html
    assert (
        '<a class="grade grade-high grade-retracted" href="/methodology/#level-high" '
        'title="The grade when the claim was retracted: what it meant">High certainty</a>'
    ) in html
    assert "direction-supported direction-retracted" in html
    assert "The evidence shows this is true." not in html
    assert 'class="verdict-wording"' not in html
    assert f'<p class="verdict-note">{pages.RETRACTED_WORDING}</p>' in html
    assert '<h2 id="grade-heading">Why it had this grade</h2>' in html
    assert f'<meta name="description" content="{pages.RETRACTED_WORDING}' in html
    ld = json.loads(re.search(r'ld\+json">(.*?)</script>', html, re.S).group(1))
    assert ld["reviewRating"] == {"@type": "Rating", "alternateName": pages.RETRACTED_WORDING}


def test_retracted_claim_in_a_list_is_tagged_first_and_greyed(client):
    graded(status="retracted", grade_level="moderate", grade_direction="supported")
    html = client.get("/claims/").content.decode()
    tag = html.index('<span class="tag tag-retracted">Retracted</span>')
    assert tag < html.index('class="grade grade-moderate grade-retracted"')
    assert "direction-supported direction-retracted" in html


# The evidence profile


def test_claim_page_shows_the_evidence_profile_row_by_row(client, profile_of):
    profile_of(seed_example_profile())
    claim = graded()
    html = client.get(claim.get_absolute_url()).content.decode()
    body = html[html.index('<section class="grade-reasons"') : html.index("</section>\n\n")]
    rows = re.findall(r'<tr class="profile-row profile-(\w+)">', body)
    assert rows == [
        "start",
        "risk_of_bias",
        "inconsistency",
        "indirectness",
        "imprecision",
        "publication_bias",
        "rating_up",
    ]
    assert (
        '<th scope="row"><a href="/methodology/#domain-risk_of_bias">Risk of bias</a></th>'
        '\n            <td class="change change-down" data-label="Effect on the grade">'
        "Down 1 level</td>"
    ) in body
    assert (
        '<td class="change change-start" data-label="Effect on the grade">Starts high</td>' in body
    )
    assert '<td class="change change-none" data-label="Effect on the grade">No change</td>' in body
    assert '<strong>Serious.</strong> <span class="footnote">' in body
    assert (
        '<span class="footnote">The deciding evidence: randomised controlled trial reported by '
        "a narrative review (Prior 2018)."
    ) in body
    assert '<td class="studies" data-label="Studies">Prior 2018</td>' in body
    assert '<h3 id="counted-once-heading">Counted once</h3>' in body
    assert "No study was reported twice." in body
    assert '<h3 id="not-counted-heading">Not counted, and why</h3>' in body
    assert "<li>Lee 1996 (a popular article) is not counted: it states the claim" in body
    assert '<h3 id="other-way-heading">Lower-certainty evidence pointing the other way</h3>' in body
    assert "<li>Scheven 1992 (a laboratory study on cells) supports it" in body
    assert "The evidence profile, domain by domain:" in body
    assert not CODES.search(html)


def test_profile_counts_a_meta_analysis_and_its_trials_once(client, profile_of):
    trials = [
        ItemFacts(
            label=label,
            citekey=key,
            year=2010,
            stance="supports",
            design="rct",
            population="humans",
            sample_size=150,
            risk_of_bias="low",
        )
        for label, key in [("Trial A 2010", "a2010"), ("Trial B 2010", "b2010")]
    ]
    review = ItemFacts(
        label="Review 2015",
        citekey="r2015",
        year=2015,
        stance="supports",
        design="meta_analysis_rct",
        population="humans",
        sample_size=300,
        covers=("a2010", "b2010"),
        risk_of_bias="low",
    )
    result = grade(ClaimFacts(population="humans"), [review, *trials])
    assert result.level == "moderate"
    profile_of(result.profile)
    html = client.get(graded(grade_level="moderate").get_absolute_url()).content.decode()
    once = html[html.index('id="counted-once-heading"') : html.index('id="not-counted-heading"')]
    assert all(label in once for label in ("Review 2015", "Trial A 2010", "Trial B 2010"))
    assert not CODES.search(html)


def test_profile_text_is_escaped(client, profile_of):
    evil = "<script>alert(1)</script>"
    profile_of(
        Profile(
            rows=(DomainRow("risk_of_bias", -1, evil, (evil,), evil),),
            counted_once=(evil,),
            not_counted=(evil,),
            other_way=(evil,),
        )
    )
    html = client.get(graded().get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 6


def test_grade_1_claims_keep_their_reasons_spelled_out_and_their_rubric_label(client):
    claim = graded(
        grade_rubric="grade-1",
        grade_level="moderate",
        grade_direction="supported",
        grade_reasons=["Starts high: meta_analysis_rct (Prior 2017)", "Down 1: in_vitro only"],
    )
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "evidence-profile" not in html
    assert "<li>Starts high: meta-analysis of randomised trials (Prior 2017)</li>" in html
    assert "<li>Down 1: in vitro study only</li>" in html
    assert '(<a href="/methodology/#rubric">rubric grade-1</a>)' in html
    assert (
        '<p class="rubric-note">Graded under an earlier rubric, grade-1; the rubric now in force '
        "is grade-3. The grade keeps its label until the claim is graded again.</p>"
    ) in html
    assert not CODES.search(html)


def test_a_grade_2_claim_without_a_profile_shows_its_reasons(client, profile_of, settings):
    settings.LEDGER_GRADE_RUBRIC = "grade-2"  # graded by the rubric in force: no note
    profile_of(None)
    html = client.get(graded().get_absolute_url()).content.decode()
    assert "evidence-profile" not in html
    assert "<li>Starts high: randomised controlled trial (Prior 2018)</li>" in html
    assert "rubric-note" not in html


def test_evidence_items_spell_out_their_design(client):
    claim = graded()
    EvidenceFactory(claim=claim, design="meta_analysis_rct")
    EvidenceFactory(claim=claim, design="in_vitro", population="cells")
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "<dd>Meta-analysis of randomised trials</dd>" in html
    assert "<dd>In vitro study</dd>" in html
    assert not CODES.search(html)


def test_spelled_out_replaces_only_design_codes():
    text = "Starts high: rct and meta_analysis_obs; animals evidence, cohort (Li 2014)"
    assert pages.spelled_out(text) == (
        "Starts high: randomised controlled trial and meta-analysis of observational studies; "
        "animals evidence, cohort (Li 2014)"
    )


def test_found_no_effect_and_mentions_have_their_own_groups(client):
    claim = graded()
    EvidenceFactory(claim=claim, stance="no_effect", via="narrative_review")
    EvidenceFactory(claim=claim, stance="mentions", design="popular", sample_size=None)
    html = client.get(claim.get_absolute_url()).content.decode()
    headings = re.findall(r'<h3 id="group-(\w+)">(.*?) <span', html)
    assert headings == [
        ("supports", "Evidence for"),
        ("contradicts", "Evidence against"),
        ("no_effect", "Found no effect"),
        ("mentions", "Sources that only mention it"),
    ]
    assert "<div><dt>Known through</dt><dd>Reported by a narrative review</dd></div>" in html


@pytest.mark.parametrize(
    ("retraction", "notice", "text", "link"),
    [
        (
            "retracted",
            "10.1000/notice.1",
            "⚠ This article has been retracted (2 March 2021).</strong> It is not counted in "
            "any grade.",
            "https://doi.org/10.1000/notice.1",
        ),
        (
            "expression_of_concern",
            "https://example.org/concern",
            "⚠ The publisher has issued an expression of concern about this article "
            "(2 March 2021).</strong> Grades count it as at high risk of bias.",
            "https://example.org/concern",
        ),
        ("corrected", "", "The publisher has corrected this article (2 March 2021).</strong>", ""),
    ],
)
def test_retraction_state_of_a_reference_is_shown_with_its_notice(
    client, retraction, notice, text, link
):
    item = EvidenceFactory(claim=graded())
    reference = item.reference
    reference.retraction = retraction
    reference.retraction_notice = notice
    reference.retraction_date = date(2021, 3, 2)
    reference.save()
    for url in (item.claim.get_absolute_url(), reference.get_absolute_url()):
        html = client.get(url).content.decode()
        assert text in html, url
        if link:
            assert f'<a href="{link}">Read the notice</a>' in html, url
        else:
            assert "Read the notice" not in html, url


def test_reference_not_found_is_flagged(client):
    item = EvidenceFactory(claim=graded())
    item.reference.verification = "not_found"
    item.reference.save()
    html = client.get(item.claim.get_absolute_url()).content.decode()
    assert "⚠ No such publication could be found.</strong> It is not counted in any grade." in html


def test_engine_profile_end_to_end_from_stored_evidence(client):
    """No stand-in: the page recomputes grade-2 from the claim's evidence rows."""
    claim = graded(grade_level="moderate", grade_direction="supported")
    trials = []
    for family in ("Alpha", "Beta"):
        reference = ReferenceFactory(year=2010)
        ContributorFactory(reference=reference, person=PersonFactory(family=family))
        trials.append(reference)
        EvidenceFactory(claim=claim, reference=reference, sample_size=150, risk_of_bias="low")
    review = ReferenceFactory(year=2015)
    ContributorFactory(reference=review, person=PersonFactory(family="Gamma"))
    pooled = EvidenceFactory(
        claim=claim,
        reference=review,
        design="meta_analysis_rct",
        sample_size=300,
        risk_of_bias="low",
    )
    pooled.covers.add(*trials)
    html = client.get(claim.get_absolute_url()).content.decode()
    assert 'class="evidence-profile"' in html
    once = html[html.index('id="counted-once-heading"') : html.index('id="not-counted-heading"')]
    assert all(name in once for name in ("Alpha 2010", "Beta 2010", "Gamma 2015"))
    assert '<td class="studies" data-label="Studies">Gamma 2015</td>' in html
    assert not CODES.search(html)


def test_insufficient_grade_2_claim_lists_what_was_not_counted(client):
    claim = graded(grade_level="insufficient", grade_direction="none")
    EvidenceFactory(claim=claim, stance="asserts", design="popular", sample_size=None)
    html = client.get(claim.get_absolute_url()).content.decode()
    assert "evidence-profile" not in html
    assert '<h3 id="not-counted-heading">Not counted, and why</h3>' in html
    assert "is not counted: it states the claim without testing it.</li>" in html


def test_every_seed_claim_page_reads_without_codes(client, seed):
    from claims.models import Claim

    claims = list(Claim.objects.public())
    assert claims
    for claim in claims:
        html = client.get(claim.get_absolute_url()).content.decode()
        assert not CODES.search(html), claim.slug
        if claim.grade_rubric == "grade-2" and claim.grade_level not in (
            "insufficient",
            "not_graded",
        ):
            assert 'class="evidence-profile"' in html, claim.slug
