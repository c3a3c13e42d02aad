"""Background jobs (django-tasks) of the evidence layer: re-running saved searches.

`run_due_searches` is the scheduled job ("all claims due": never run, or not in the last
`LEDGER_SEARCH_EVERY_DAYS`); `run_claim_searches` re-runs one claim's searches now. Both are
`manage.py run_searches`'s code (evidence.living.searches_run). Each search commits its own
candidates and how far it reached, so a job killed half-way resumes where it stopped when
queued again: the searches it finished are no longer due.
"""

from django_tasks import task

from evidence.living import searches_due, searches_run
from evidence.search_models import SavedSearch


@task()
def run_due_searches() -> int:
    results, _errors = searches_run(searches=list(searches_due()))
    return sum(result.new for result in results)


@task()
def run_claim_searches(claim_id: int) -> int:
    searches = SavedSearch.objects.filter(claim_id=claim_id).order_by("pk")
    results, _errors = searches_run(searches=list(searches))
    return sum(result.new for result in results)
