"""Record alerts (issue 26, item 4): a cited reference's new retraction, expression of concern
or correction reaches the top of the curators' inbox and the digest; readers never see it."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from citations.sources.results import CORRECTED, RETRACTED, Update
from evidence.digest import digest_send
from evidence.models import Candidate, RecordAlert
from evidence.verification import reference_record_retraction
from tests.factories import ClaimFactory, CuratorFactory, EvidenceFactory, ReferenceFactory

pytestmark = pytest.mark.django_db

NOTICE = "10.1016/s0140-6736(10)60175-4"
ALERTS = reverse("admin:evidence_recordalert_changelist")
INBOX = reverse("admin:evidence_candidate_changelist")


def retract(reference, state=RETRACTED):
    update = Update(state=state, notice=NOTICE, date=datetime.date(2010, 2, 6), source="Crossref")
    return reference_record_retraction(reference=reference, updates=[update])


def cited_by(*claims, citekey="wakefield1998"):
    reference = ReferenceFactory(citekey=citekey)
    for claim in claims:
        EvidenceFactory(claim=claim, reference=reference)
    return reference


def test_a_retraction_alerts_every_claim_that_cites_the_reference_once():
    first, second, bystander = ClaimFactory(), ClaimFactory(), ClaimFactory()
    reference = cited_by(first, second)
    EvidenceFactory(claim=first, reference=reference)  # cited twice by one claim: one alert
    EvidenceFactory(claim=bystander)
    assert retract(reference)
    alerts = RecordAlert.objects.order_by("claim_id")
    assert [(a.claim, a.reference, a.state, a.notice) for a in alerts] == [
        (first, reference, "retracted", NOTICE),
        (second, reference, "retracted", NOTICE),
    ]
    assert all(a.dismissed_at is None and a.dismissed_by is None for a in alerts)


def test_a_reference_nobody_cites_makes_no_alert_and_an_unchanged_state_no_second_one():
    assert retract(ReferenceFactory())
    assert not RecordAlert.objects.exists()
    reference = cited_by(ClaimFactory())
    assert retract(reference, CORRECTED)
    assert not retract(reference, CORRECTED)  # nothing new: no second alert
    assert list(RecordAlert.objects.values_list("state", flat=True)) == ["corrected"]
    assert retract(reference, RETRACTED)  # raised again: a new alert
    assert RecordAlert.objects.count() == 2


def test_dismiss_keeps_who_and_when_and_the_inbox_shows_only_open_alerts(curator_client, curator):
    claim = ClaimFactory(statement="Progesterone builds bone.")
    retract(cited_by(claim, citekey="kept1998"))
    retract(cited_by(claim, citekey="gone1999"))
    gone = RecordAlert.objects.get(reference__citekey="gone1999")
    assert curator_client.get(ALERTS).url.endswith("?status=open")
    page = curator_client.get(INBOX + "?decision__exact=untriaged").content.decode()
    assert "2 cited reference(s) newly retracted" in page  # above the candidates
    assert 'id="record-alerts"' in curator_client.get(reverse("admin:index")).content.decode()
    curator_client.post(
        f"{ALERTS}?status=open", {"action": "dismiss", "_selected_action": [gone.pk]}
    )
    gone.refresh_from_db()
    assert gone.dismissed_by == curator
    assert gone.dismissed_at is not None
    html = curator_client.get(f"{ALERTS}?status=open").content.decode()
    assert "kept1998" in html
    assert "gone1999" not in html
    page = curator_client.get(INBOX + "?decision__exact=untriaged").content.decode()
    assert "1 cited reference(s) newly retracted" in page


def test_the_alert_list_queries_do_not_grow_with_alerts(
    curator_client, django_assert_max_num_queries
):
    for n in range(2):
        retract(cited_by(ClaimFactory(), ClaimFactory(), citekey=f"paper{n}"))
    with django_assert_max_num_queries(20) as few:
        assert curator_client.get(f"{ALERTS}?status=open").status_code == 200
    for n in range(2, 8):
        retract(cited_by(ClaimFactory(), ClaimFactory(), citekey=f"paper{n}"))
    with django_assert_max_num_queries(len(few)):
        html = curator_client.get(f"{ALERTS}?status=open").content.decode()
    assert "paper7" in html


def test_the_digest_lists_new_record_alerts_even_without_new_studies(mailoutbox):
    CuratorFactory(email="ada@example.org")
    claim = ClaimFactory(statement="Progesterone builds bone.")
    retract(cited_by(claim))
    assert not Candidate.objects.exists()
    assert digest_send() == 1
    (message,) = mailoutbox
    assert "1 cited references newly retracted" in message.subject
    assert "!! Retracted: wakefield1998, cited by Progesterone builds bone." in message.body
    RecordAlert.objects.update(dismissed_at=timezone.now())
    assert digest_send() == 0  # dismissed alerts are not mailed again


def test_an_alert_recorded_between_two_runs_is_mailed_by_the_next_run_exactly_once(mailoutbox):
    """A retraction check between two `run_searches --email` runs: the next run mails it, the
    one after does not (the digest mails what was never mailed, not what its run made)."""
    CuratorFactory(email="ada@example.org")
    claim = ClaimFactory(statement="Progesterone builds bone.")
    call_command("run_searches", "--email", stdout=io.StringIO())
    assert mailoutbox == []
    retract(cited_by(claim))  # a separate retraction check, between the runs
    call_command("run_searches", "--email", stdout=io.StringIO())
    (message,) = mailoutbox
    assert "!! Retracted: wakefield1998, cited by Progesterone builds bone." in message.body
    assert RecordAlert.objects.get().mailed_at is not None
    call_command("run_searches", "--email", stdout=io.StringIO())
    assert len(mailoutbox) == 1
    assert RecordAlert.objects.open().count() == 1  # mailed is not dismissed: still in the inbox


def test_readers_never_see_alerts(client):
    claim = ClaimFactory(status="published")
    reference = cited_by(claim)
    before = client.get(claim.get_absolute_url()).content.decode()
    retract(reference)
    assert RecordAlert.objects.filter(claim=claim).exists()
    after = client.get(claim.get_absolute_url()).content.decode()
    for html in (before, after):
        assert "newly retracted" not in html
        assert "record-alerts" not in html
    assert client.get(ALERTS).status_code == 302  # the admin asks readers to log in
