"""What a claim list or search does per request, and what it no longer redoes: the topic
filter found among the topics the form offers (no query), the public overview made once for
the same rows, listed claims made without `Model.__init__` when nothing listens, the
unfiltered list's page ids in SQL compiled once, the site's links reversed once."""

from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.db import connection
from django.db.models.signals import post_init
from django.templatetags.static import static
from django.test.utils import CaptureQueriesContext
from django.urls import reverse, set_script_prefix

from claims import counts
from claims.forms import INVALID_FILTER, ClaimFilterForm
from claims.listing import PublicClaims, listed_claims, public_page_sql
from claims.models import Claim
from claims.pages import topics_by_pk, with_list_topics
from claims.templatetags import ledger
from tests.factories import ClaimFactory, TopicFactory

pytestmark = pytest.mark.django_db

PAGE_SIZE = 20  # claims.views.PAGE_SIZE


@pytest.fixture
def bone():
    """A topic of three public claims (one high, two low), and a draft."""
    topic = TopicFactory(name="Bone", slug="bone")
    for level in ("high", "low", "low"):
        ClaimFactory(grade_level=level, grade_direction="supported").topics.add(topic)
    ClaimFactory(status="draft", grade_level="high").topics.add(topic)
    return topic


def sql_of(client, url: str, status: int = 200) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == status
    return [query["sql"] for query in queries]


def test_a_topic_filter_is_found_among_the_offered_topics_without_a_query(client, bone):
    sql = sql_of(client, "/claims/?topic=bone&level=low")

    # the overview (counts with topics), the page's count, its ids, its rows
    assert len(sql) == 4
    assert not any('"claims_topic"."slug"' in query for query in sql)


def test_the_chosen_topic_is_selected_and_its_claims_listed(client, bone):
    page = client.get("/claims/?topic=bone&level=low")

    assert '<option value="bone" selected>Bone (3)</option>' in page.text
    assert '<option value="low" selected>Low (2)</option>' in page.text
    assert [claim.grade_level for claim in page.context["claims"]] == ["low", "low"]
    assert page.context["form"].cleaned_data["topic"] == bone


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("topic=secret", INVALID_FILTER),  # only a draft uses it
        ("topic=nowhere", INVALID_FILTER),
        ("topic=BONE", INVALID_FILTER),  # slugs match exactly
        ("topic=bo%00ne", "Null characters are not allowed."),  # as a ModelChoiceField says
    ],
)
def test_a_topic_not_offered_is_refused_with_the_fields_message(client, bone, query, message):
    ClaimFactory(status="draft").topics.add(TopicFactory(name="Secret", slug="secret"))

    page = client.get(f"/claims/?{query}")

    assert page.status_code == 400
    assert f'<p class="field-error" id="id_topic-error" role="alert">{message}</p>' in page.text
    assert '<option value="secret"' not in page.text


def test_the_form_offers_the_public_topics_with_their_counts(bone):
    form = ClaimFilterForm({"level": "low"})
    assert form.is_valid()
    form.count_options()

    assert list(form.fields["topic"].choices) == [("", "Any topic"), ("bone", "Bone (3)")]
    assert list(form.fields["level"].choices)[:4] == [
        ("", "Any certainty"),
        ("high", "High (1)"),
        ("moderate", "Moderate (0)"),
        ("low", "Low (2)"),
    ]
    # each form its own options: counting one form's leaves another's as they were
    assert list(ClaimFilterForm().fields["level"].choices)[1] == ("high", "High")


def test_the_same_public_rows_give_the_same_overview_and_a_change_a_new_one(bone):
    first = counts.public_overview()
    assert counts.public_overview() is first

    bone.name = "Bones"
    bone.save()
    renamed = counts.public_overview()
    assert renamed is not first
    assert [(topic.name, topic.claim_count) for topic in renamed.topics] == [("Bones", 3)]

    ClaimFactory().topics.add(bone)
    assert [topic.claim_count for topic in counts.public_overview().topics] == [4]


def test_listed_claims_are_made_without_init_when_nothing_listens(bone):
    ids = list(Claim.objects.public().order_by("pk").values_list("pk", flat=True))

    with mock.patch.object(Claim, "__init__", autospec=True) as init:
        claims = listed_claims(ids)

    init.assert_not_called()
    claim = claims[0]
    made = Claim.objects.get(pk=ids[0])
    assert [claim.pk for claim in claims] == ids
    assert (claim.statement, claim.grade_level, claim.topic_ids) == (
        made.statement,
        made.grade_level,
        [bone.pk],
    )
    assert (claim._state.adding, claim._state.db) == (False, "default")
    assert claim.summary == made.summary  # a column not listed: deferred, read on access


def test_listed_claims_are_initialised_when_an_init_signal_listens(bone):
    ids = list(Claim.objects.public().values_list("pk", flat=True))
    made = []

    def receiver(sender, instance, **kwargs):
        made.append(instance.pk)

    post_init.connect(receiver, sender=Claim)
    try:
        claims = listed_claims(ids)
    finally:
        post_init.disconnect(receiver, sender=Claim)

    assert sorted(made) == sorted(ids)
    assert [claim.topic_ids for claim in claims] == [[bone.pk]] * 3


def test_the_unfiltered_list_pages_through_every_public_claim_by_statement(
    client, django_assert_num_queries
):
    claims = [ClaimFactory(statement=f"Claim {index:02d}.") for index in range(45)]
    ClaimFactory(statement="Claim 00, a draft.", status="draft")
    statements = [claim.statement for claim in claims]

    listed = []
    for number in (1, 2, 3):
        with django_assert_num_queries(2):  # the overview (counts, total); the page's rows
            page = client.get(f"/claims/?page={number}")
        assert isinstance(page.context["page"].paginator.object_list, PublicClaims)
        listed += [claim.statement for claim in page.context["claims"]]

    assert listed == statements
    assert "45 claims" in page.text
    assert public_page_sql(2 * PAGE_SIZE, 45) == public_page_sql(2 * PAGE_SIZE, 45)  # kept


def test_the_unfiltered_list_of_no_public_claim_reads_no_ids(client):
    ClaimFactory(status="draft")

    sql = sql_of(client, "/claims/")

    assert len(sql) == 1  # the overview: no page to read
    assert "0 claims" in client.get("/claims/").text


def test_the_site_links_are_the_reversed_urls(client):
    page = client.get("/claims/?q=bone").text

    assert f'<a class="brand" href="{reverse("home")}">' in page
    assert f'<link rel="stylesheet" href="{static("css/site.css")}">' in page


def test_the_site_links_follow_the_script_prefix_and_the_static_settings(client, settings):
    client.get("/claims/")  # links remembered without a prefix
    set_script_prefix("/ledger/")  # as the WSGI handler sets it from SCRIPT_NAME
    try:
        under_a_prefix = client.get("/claims/").text
    finally:
        set_script_prefix("/")
    assert '<a class="brand" href="/ledger/">' in under_a_prefix

    settings.STATIC_URL = "/assets/"
    assert 'href="/assets/css/site.css"' in client.get("/claims/").text


def test_the_site_links_kept_are_bounded_however_many_script_prefixes_clients_send():
    try:
        for i in range(300):  # SCRIPT_NAME comes from the request (a trusted proxy's)
            set_script_prefix(f"/prefix{i}/")
            assert ledger.site_url("home") == f"/prefix{i}/"
            assert len(ledger._site_paths) <= 256  # ledger.SITE_PATHS_KEPT
    finally:
        set_script_prefix("/")
    assert ledger.site_url("home") == "/"


def test_a_topic_newer_than_the_kept_counts_is_found_in_one_query(
    bone, settings, django_assert_num_queries
):
    """A curator's list (not page-cached) reads the public counts kept unversioned: a topic
    given its first public claim since, or a renamed slug, is looked up, not refused."""
    settings.LEDGER_FACET_CACHE_SECONDS = 60
    caches[django_settings.PAGE_CACHE].clear()
    ClaimFilterForm()  # the counts kept: Bone only
    fresh = TopicFactory(name="Hip", slug="hip")
    ClaimFactory().topics.add(fresh)
    ClaimFactory(status="draft").topics.add(TopicFactory(name="Secret", slug="secret"))

    with django_assert_num_queries(1):  # the kept counts, then the new topic by its slug
        form = ClaimFilterForm({"topic": "hip"})
        assert form.is_valid(), form.errors
    assert form.cleaned_data["topic"] == fresh
    assert ("hip", "Hip") in list(form.fields["topic"].choices)  # shown chosen
    with django_assert_num_queries(0):  # a topic of the kept counts: no query
        assert ClaimFilterForm({"topic": "bone"}).is_valid()
    with django_assert_num_queries(1):  # a slug no public topic has: one query, refused
        assert not ClaimFilterForm({"topic": "secret"}).is_valid()
    caches[django_settings.PAGE_CACHE].clear()


def test_a_search_page_names_its_words_in_the_title_and_the_heading(client, bone):
    page = client.get("/claims/?q=bone+%26+progesterone").text

    assert "<title>“bone &amp; progesterone”: Claims · Evidence Ledger</title>" in page
    assert "3 claims matching “bone &amp; progesterone”</h2>" in page


def test_a_topic_the_public_list_lacks_is_read_without_changing_the_shared_list(bone):
    other = TopicFactory(name="Aardvarks")  # no public claim: not in the public overview
    topics = counts.public_overview().topics
    claim = listed_claims(list(Claim.objects.public().values_list("pk", flat=True)))[0]
    claim.topic_ids = [*claim.topic_ids, other.pk]

    with_list_topics([claim], topics)

    assert [topic.name for topic in claim.list_topics] == ["Aardvarks", "Bone"]
    assert other.pk not in topics_by_pk(topics)
    assert topics_by_pk(topics) is topics_by_pk(topics)  # made once for the same list
