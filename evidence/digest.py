"""The living-evidence e-mail digest: what a run of saved searches found, to the curators.

Optional (`run_searches --email`): one message through Django's mail backend (the console in
`make run`) to every active curator with an address, listing per claim the new candidates,
alerts first (retraction notices, retracted papers, trials, meta-analyses), and the link to
the inbox. Nothing is sent when nothing is new.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail

from claims.access import CURATORS_GROUP
from evidence.search_models import Candidate

SUBJECT = "Evidence Ledger: {count} new studies to screen"
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


def digest_send(*, since, inbox_url: str = "") -> int:
    """Mail the candidates found since `since` to the curators; how many were listed."""
    found = list(
        Candidate.objects.filter(found_at__gte=since, decision="untriaged")
        .select_related("claim")
        .order_by("claim__statement", "-found_at")
    )
    if not found:
        return 0
    curators = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=CURATORS_GROUP)
        .exclude(email="")
    )
    addresses = sorted({user.email for user in curators})
    if not addresses:
        return 0
    body = "\n".join([*digest_lines(found), "", inbox_url]).strip() + "\n"
    send_mail(
        SUBJECT.format(count=len(found)),
        body,
        settings.DEFAULT_FROM_EMAIL,
        addresses,
    )
    return len(found)
