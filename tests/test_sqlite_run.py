"""`make run` uses SQLite: the seed loads and the search falls back to a plain match there."""

from tests.processes import run_manage

SCRIPT = """
from django.core.management import call_command
from citations.models import Reference
from claims.models import Claim
call_command("migrate", verbosity=0)
call_command("loaddata", "seed", verbosity=0)
print(sorted(Claim.objects.public().search("MICE").values_list("slug", flat=True)))
print(Reference.objects.search("osteoporosis").count(), Claim.objects.search("").count())
"""


def test_seed_and_search_on_sqlite():
    result = run_manage(
        "shell",
        "-c",
        SCRIPT,
        DATABASE_URL="sqlite:///:memory:",
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DJANGO_DEBUG="1",  # as `make run`
    )
    assert result.returncode == 0, result.stderr
    slugs, counts = result.stdout.strip().splitlines()[-2:]
    assert slugs == str(
        [
            "global-prko-mice-have-high-bone-mass",
            "pr-inactivation-in-mx1-cells-raises-calvarial-bone",
            "progesterone-directly-stimulates-bone-formation",
        ]
    )
    assert counts == "1 11"
