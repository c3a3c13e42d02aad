"""The living-evidence e-mail digest: what a run of saved searches found, to the curators.

Optional (`run_searches --email`): one message through Django's mail backend (the console in
`make run`) to every active curator with an address, listing per claim the untriaged
candidates not mailed yet, whichever run found them (one without `--email` included), alerts
first (retraction notices, retracted papers, trials, meta-analyses), and the link to the inbox.
Above them come the record alerts not mailed yet: a cited reference newly retracted, under an
expression of concern or corrected (`RecordAlert`), whenever it was recorded (a retraction
check between two runs included). Each candidate and alert is marked `mailed_at` in the
transaction that sends it, so it is mailed once. Nothing is sent when nothing is new.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from claims.access import CURATORS_GROUP
from evidence.search_models import Candidate, RecordAlert

SUBJECT = "Evidence Ledger: {count} new studies to screen"
ALERTS_SUBJECT = "Evidence Ledger: {count} cited references newly retracted or corrected"
RECORD_ALERT_LINE = "!! {state}: {citekey}, cited by {statement}"
CLAIM_LINE = "{statement}: {count} new ({alerts} alerts)"
ALERT_LINE = "  ! {title} ({types})"


def digest_lines(candidates: list[Candidate]) -> list[str]:
    """The digest's body, claim by claim (pure over the given candidates)."""
    by_claim: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        by_claim.setdefault(candidate.claim.statement, []).append(candidate)
    lines = []
    for statement, found in sorted(by_claim.items()):
        alerts = [c for c in found if c.is_alert]
        lines.append(CLAIM_LINE.format(statement=statement, count=len(found), alerts=len(alerts)))
        lines += [
            ALERT_LINE.format(
                title=c.title or c.doi or c.pmid, types=", ".join(c.publication_types)
            )
            for c in alerts
        ]
    return lines


def record_alert_lines(alerts: list[RecordAlert]) -> list[str]:
    """One line per record alert (pure over the given alerts, claim and reference loaded)."""
    return [
        RECORD_ALERT_LINE.format(
            state=alert.state.replace("_", " ").capitalize(),
            citekey=alert.reference.citekey,
            statement=alert.claim.statement,
        )
        for alert in alerts
    ]


@transaction.atomic
def digest_send(*, inbox_url: str = "") -> int:
    """Mail every untriaged candidate and every open record alert not mailed yet to the
    curators; how many listed. Both are locked (a concurrent digest skips them) and marked
    mailed only when the message went out."""
    found = list(
        Candidate.objects.unmailed()
        .select_related("claim")
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("claim__statement", "-found_at")
    )
    alerts = list(
        RecordAlert.objects.unmailed()
        .select_related("claim", "reference")
        .select_for_update(skip_locked=True, of=("self",))
        .order_by("claim__statement", "-created")
    )
    if not found and not alerts:
        return 0
    curators = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=CURATORS_GROUP)
        .exclude(email="")
    )
    addresses = sorted({user.email for user in curators})
    if not addresses:
        return 0
    lines = [*record_alert_lines(alerts), *([""] if alerts and found else []), *digest_lines(found)]
    body = "\n".join([*lines, "", inbox_url]).strip() + "\n"
    subject = (
        SUBJECT.format(count=len(found)) if found else ALERTS_SUBJECT.format(count=len(alerts))
    )
    send_mail(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        addresses,
    )
    now = timezone.now()
    Candidate.objects.filter(pk__in=[candidate.pk for candidate in found]).update(mailed_at=now)
    RecordAlert.objects.filter(pk__in=[alert.pk for alert in alerts]).update(mailed_at=now)
    return len(found) + len(alerts)
