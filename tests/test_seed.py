"""The seed data set: the progesterone-and-bone article, its references and the claim map."""

import unicodedata

from django.core.management import call_command

from citations.models import Contributor, Person, Reference
from claims.models import Claim, ClaimRelation, Topic
from evidence.models import Evidence

ARTICLE = "anonymousndprogesterone"
CITED_BY_ARTICLE = [
    "prior1990progesterone",
    "lee1996doctor",
    "prior2018progesterone",
    "wei1993evidence",
    "zhong2015inactivation",
    "rickard2008bone",
    "doren2003effects",
    "boron2017medical",
    "hall2021guyton",
]
SUPPORTING = [
    "seifertklauss2010progesterone",
    "prior2017estrogen",
    "prior1990spinal",
    "li2014negative",
    "yao2010inhibition",
    "scheven1992stimulatory",
]
LEE1990 = "lee1990osteoporosis"
MODELS = [Topic, Person, Reference, Contributor, Claim, ClaimRelation, Evidence]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_seed_loads_every_kind_of_row(seed):
    assert counts() == {
        "Topic": 5,
        "Person": 60,
        "Reference": 23,
        "Contributor": 77,
        "Claim": 20,
        "ClaimRelation": 18,
        "Evidence": 59,
    }


def test_loading_seed_twice_adds_nothing(seed):
    before = counts()
    call_command("loaddata", "seed", verbosity=0)
    assert counts() == before


def test_every_loaded_row_passes_full_clean(seed):
    for model in MODELS:
        for obj in model.objects.all():
            obj.full_clean()


def test_the_nine_cited_references_keep_the_article_citation(seed):
    cited = Reference.objects.exclude(as_cited="").order_by("citekey")
    assert sorted(cited.values_list("citekey", flat=True)) == sorted(CITED_BY_ARTICLE)
    doren = Reference.objects.get(citekey="doren2003effects")
    assert doren.as_cited == (
        "Dören, M. “Tibolone and bone mineral density ∞ a meta-analysis.” Climacteric, 2003."
    )
    assert doren.title.startswith("Effects of specific post-menopausal hormone therapies")
    assert doren.container_title == "Human Reproduction"


def test_article_and_supporting_records_are_present(seed):
    article = Reference.objects.get(citekey=ARTICLE)
    assert (article.entry_type, article.verification, article.as_cited) == (
        "online",
        "unverified",
        "",
    )
    supporting = Reference.objects.filter(citekey__in=SUPPORTING)
    assert set(supporting.values_list("verification", flat=True)) == {"verified"}
    assert all("Not cited by the article" in r.verification_note for r in supporting)


def test_verification_matches_the_verification_report(seed):
    def keys(verification):
        cited = Reference.objects.filter(citekey__in=CITED_BY_ARTICLE, verification=verification)
        return sorted(cited.values_list("citekey", flat=True))

    assert keys("discrepancy") == [
        "doren2003effects",
        "hall2021guyton",
        "prior1990progesterone",
        "rickard2008bone",
    ]
    assert keys("not_found") == ["wei1993evidence"]
    assert keys("unverified") == []
    hall = Reference.objects.get(citekey="hall2021guyton")
    assert hall.verification_note.startswith("Minor discrepancy")


def test_the_case_series_behind_the_popular_book_is_an_unverified_record(seed):
    lee = Reference.objects.with_contributors().get(citekey=LEE1990)
    assert (lee.verification, lee.container_title, lee.volume, lee.issue, lee.pages) == (
        "unverified",
        "International Clinical Nutrition Review",
        "10",
        "3",
        "384--391",
    )
    assert (lee.doi, lee.pmid) == (None, "")
    assert [str(person) for person in lee.authors] == ["Lee, John R."]


def test_reference_not_found_keeps_only_what_the_article_printed(seed):
    wei = Reference.objects.with_contributors().get(citekey="wei1993evidence")
    assert (wei.year, wei.doi, wei.pmid, wei.volume) == (1993, None, "", "")
    assert [str(person) for person in wei.authors] == ["Wei, L. L."]


def test_identifiers_are_normalised(seed):
    rickard = Reference.objects.get(citekey="rickard2008bone")
    assert (rickard.doi, rickard.pmid) == ("10.1210/en.2007-1247", "18276762")
    assert Reference.objects.get(citekey="zhong2015inactivation").pmcid == "PMC4592269"
    assert Reference.objects.get(citekey="boron2017medical").isbn == "9781455743773"


def test_contributors_keep_order_and_role(seed):
    rickard = Reference.objects.with_contributors().get(citekey="rickard2008bone")
    families = [person.family for person in rickard.authors]
    assert (len(families), families[0], families[-1]) == (11, "Rickard", "Turner")
    boron = Reference.objects.with_contributors().get(citekey="boron2017medical")
    assert ([p.family for p in boron.editors], boron.authors) == (["Boron", "Boulpaep"], [])


def ascii_lower(text):
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def test_citekeys_start_with_first_author_family_and_year(seed):
    for reference in Reference.objects.with_contributors():
        people = reference.authors or reference.editors
        year = str(reference.year) if reference.year else "nd"
        assert reference.citekey.startswith(ascii_lower(people[0].family) + year)


def test_claims_are_published_and_each_has_the_article_item_quoted(seed):
    claims = Claim.objects.all()
    assert claims.filter(status="published").count() == 20
    for claim in claims:
        article = claim.evidence.get(reference__citekey=ARTICLE)
        assert article.stance in {"asserts", "mentions"}
        assert (article.design, article.source_access) == ("popular", "full_text")
        assert article.quote
        assert article.locator
        assert article.population_detail.endswith(
            ("(as the article states it)", "(title of the cited work)")
        )
        assert claim.summary
        assert claim.source_text
        assert claim.topics.exists()
        assert claim.grade_rubric == "grade-3"


def test_estrogen_progestin_meta_analysis_values(seed):
    item = Evidence.objects.get(
        claim__slug="estrogen-progestin-raises-bmd-more-than-estrogen",
        reference__citekey="prior2017estrogen",
    )
    assert (item.stance, item.design, item.population) == (
        "supports",
        "meta_analysis_rct",
        "humans",
    )
    assert (item.effect_value, item.ci_low, item.ci_high, item.sample_size) == (
        0.68,
        0.38,
        0.97,
        1058,
    )
    assert (item.i_squared, item.ci_source, item.source_access) == (81.0, "reported", "abstract")
    assert "+0.68%/year (95% CI 0.38, 0.97%)" in item.quote


def test_knockout_mice_item_and_its_contradiction_of_direct_bone_building(seed):
    item = Evidence.objects.get(
        claim__slug="global-prko-mice-have-high-bone-mass",
        reference__citekey="rickard2008bone",
        outcome="proximal tibia cancellous bone area, 26 weeks",
    )
    assert (item.stance, item.design, item.population, item.effect_value) == (
        "supports",
        "animal",
        "animals",
        153.0,
    )
    direct = Evidence.objects.filter(
        claim__slug="progesterone-directly-stimulates-bone-formation", design="animal"
    )
    assert set(direct.values_list("stance", flat=True)) == {"contradicts"}
    assert ClaimRelation.objects.filter(
        from_claim__slug="global-prko-mice-have-high-bone-mass",
        to_claim__slug="progesterone-directly-stimulates-bone-formation",
        kind="contradicts",
    ).exists()
