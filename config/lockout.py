"""Login lockout (django-axes), per address and per account, and the account holder's notice.

Two locks, both for AXES_COOLOFF_TIME:
- the *address lock*: LOGIN_FAILURE_LIMIT wrong passwords for one username from one client
  address (config.throttling.client_ip) refuse that pair, even with the right password;
- the *account lock*: LOGIN_ACCOUNT_FAILURE_LIMIT wrong passwords for one username from any
  addresses refuse that username everywhere (distributed guessing: 4 tries from each of 12
  addresses). It is larger, since anyone who knows a username can set it off; its holder
  is told by e-mail, once per lock, so a refused curator knows why and for how long.

axes counts failures per lockout parameter (AXES_LOCKOUT_PARAMETERS: the pair, then the
username), compares the largest count (the username's) with one limit, and calls
`failure_limit` for it: the address limit once the pair has reached it, else the account
limit.
"""

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.mail import send_mail
from django.db.models import Sum

ACCOUNT_LOCKED_SUBJECT = "Your Evidence Ledger account is locked for {minutes} minutes"
ACCOUNT_LOCKED_BODY = (
    "There were {failures} wrong passwords for your account {username} from several "
    "addresses, so it refuses every login, even with the right password, for {minutes} "
    "minutes. If this was not you, someone is guessing your password: choose a strong one "
    "when you are back, and tell the other curators."
)


def failure_limit(request, credentials) -> int:
    """AXES_FAILURE_LIMIT: the limit the account's failure count is compared with."""
    pair, account = AxesDatabaseHandler().get_user_attempts(request, credentials)
    if failures(pair) >= settings.LOGIN_FAILURE_LIMIT:
        return settings.LOGIN_FAILURE_LIMIT
    return settings.LOGIN_ACCOUNT_FAILURE_LIMIT


def failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def notify_account_locked(sender, request, username, ip_address, **kwargs) -> None:
    """axes' user_locked_out receiver: e-mail the holder when the *account* lock starts."""
    attempts = getattr(request, "axes_failures_since_start", 0)
    if not username or attempts < settings.LOGIN_ACCOUNT_FAILURE_LIMIT:
        return  # an address lock: the account still works from elsewhere
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if not cache.add(f"account-locked-notice:{username}", True, minutes * 60):
        return  # told already during this lock
    user = get_user_model().objects.filter(username=username).first()
    if user is None or not user.email:
        return
    send_mail(
        ACCOUNT_LOCKED_SUBJECT.format(minutes=minutes),
        ACCOUNT_LOCKED_BODY.format(failures=attempts, username=username, minutes=minutes),
        None,
        [user.email],
    )
