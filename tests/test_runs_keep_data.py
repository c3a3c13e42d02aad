"""`make run` twice keeps a curator's work; `make demo-reset` starts over on purpose.

Each start runs the commands of `make run` (before the server) in fresh interpreters against
one scratch PostgreSQL database (a copy of one migrated once), as the Makefile does.
"""

import pytest

from claims.management.commands.load_seed_if_empty import KEPT, LOADED
from tests.processes import run_manage, scratch_database

pytestmark = pytest.mark.slow  # each step starts a new interpreter

RUN_STEPS = [["migrate", "--noinput"], ["load_seed_if_empty"], ["ensure_demo_curator"]]
EDIT = """
from django.contrib.auth import get_user_model
from claims.models import Claim
claim = Claim.objects.get(slug="global-prko-mice-have-high-bone-mass")
claim.summary = "Edited by a curator."
claim.save()
user = get_user_model().objects.get(username="curator")
user.set_password("my-own-password")
user.save()
"""
READ = """
from django.contrib.auth import get_user_model
from claims.models import Claim
print(Claim.objects.get(slug="global-prko-mice-have-high-bone-mass").summary)
print(get_user_model().objects.get(username="curator").check_password("my-own-password"))
print(Claim.objects.count())
"""


@pytest.fixture
def run_env(migrated_scratch):
    with scratch_database("run", template=migrated_scratch) as url:
        yield {
            "DATABASE_URL": url,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DJANGO_DEBUG": "1",  # as `make run`
        }


def manage(env, *args):
    result = run_manage(*args, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def make_run(env) -> str:
    return "".join(manage(env, *step) for step in RUN_STEPS)


def test_two_make_run_starts_keep_an_edit_and_the_curators_password(run_env):
    assert LOADED in make_run(run_env)
    manage(run_env, "shell", "-c", EDIT)
    second = make_run(run_env)
    assert KEPT in second
    assert "my-own-password" not in second
    summary, password_kept, claims = manage(run_env, "shell", "-c", READ).splitlines()[-3:]
    assert (summary, password_kept, claims) == ("Edited by a curator.", "True", "20")


def test_demo_reset_loads_the_seed_again_and_keeps_users(run_env):
    make_run(run_env)
    manage(run_env, "shell", "-c", EDIT)
    manage(run_env, "demo_reset")
    summary, password_kept, claims = manage(run_env, "shell", "-c", READ).splitlines()[-3:]
    assert summary != "Edited by a curator."
    assert (password_kept, claims) == ("True", "20")


SINCE_PUBLISHED = """
from claims.changes import changes_since_published
from claims.models import Claim
claim = Claim.objects.get(slug="global-prko-mice-have-high-bone-mass")
print([change.field for change in changes_since_published(claim)])
"""


def test_an_edit_of_a_seed_claim_shows_as_changed_since_it_was_published(run_env):
    make_run(run_env)
    manage(run_env, "shell", "-c", EDIT)
    assert manage(run_env, "shell", "-c", SINCE_PUBLISHED).splitlines()[-1] == "['summary']"
