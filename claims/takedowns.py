"""Takedowns: commits after which no reader may be served from a replica that lacks them.

A replica that lags keeps showing what it has replayed. For most changes that is a delay
bounded by REPLICA_MAX_LAG_SECONDS (config.replica_lag); for a change that takes something out
of public view, or changes what a public claim says, it is not acceptable even for seconds:
a retracted claim shown without its banner, a deleted claim still served, a superseded
version after its revision was approved, a retracted reference shown as sound. Every such
write leaves a history record (django-simple-history), so one receiver of that signal finds
them all, whichever path made them (services, API, admin):

- a public claim (published or retracted) saved or deleted, but for its publication itself
  (publishing adds to public view; it reaches readers with the replica's ordinary lag): a
  retraction, an approved revision, a grade override or regrade, a deletion;
- a reference saved with a retraction notice (reference_record_retraction).

The receiver only asks config.replica_lag to record the primary's WAL position once the
transaction commits (once per transaction, nothing without replicas); readers then read the
primary until their replica has replayed that far.
"""

from citations.models import Reference, Retraction
from claims.access import PUBLIC_STATUSES
from claims.models import Claim
from claims.services import PUBLISHED
from config.replica_lag import hold_readers_until_replayed


def is_takedown(model, *, status: str = "", retraction: str = "", reason: str | None) -> bool:
    """Does a history record of `model` with these values mark a takedown?"""
    if model is Claim:
        return status in PUBLIC_STATUSES and reason != PUBLISHED
    if model is Reference:
        return retraction not in ("", Retraction.NONE)
    return False


def on_history_record(sender, instance, history_change_reason=None, using=None, **kwargs):
    """post_create_historical_record (sent by the historical model, so `instance` says which
    record it is): hold readers off replicas after a takedown's commit."""
    takedown = is_takedown(
        instance._meta.concrete_model,
        status=getattr(instance, "status", ""),
        retraction=getattr(instance, "retraction", ""),
        reason=history_change_reason,
    )
    if takedown:
        hold_readers_until_replayed(using or "default")
