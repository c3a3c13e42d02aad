"""scripts/with_postgres.py: `make run` and `make test` need no PostgreSQL server of their own.

Without DATABASE_URL a command gets the private server of `.pgdata/` (started for it unless
running, stopped when its last user ends); with DATABASE_URL it runs as it is.
"""

import os
import sys

from tests.processes import run_python

SCRIPT = "scripts/with_postgres.py"
PROBE = """
import os, psycopg
url = os.environ["DATABASE_URL"]
with psycopg.connect(url, autocommit=True) as db:
    db.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    print(url)
    print(db.execute("SHOW server_version_num").fetchone()[0][:2])
    print(db.execute("SELECT to_tsvector('english', 'bones')::text").fetchone()[0])
    print(db.execute("SELECT word_similarity('Seifret', 'Seifert') >= 0.5").fetchone()[0])
"""


def without_database_url(*args: str):
    return run_python(SCRIPT, *args, DATABASE_URL="")


def test_without_database_url_a_command_gets_a_private_postgresql_with_trigrams_and_stemming():
    result = without_database_url(sys.executable, "-c", PROBE)
    assert result.returncode == 0, result.stderr
    url, version, vector, similar = result.stdout.split()
    assert url.startswith("postgres://postgres@127.0.0.1:")
    assert not url.startswith("postgres://postgres@127.0.0.1:5432/")  # not the usual server
    assert url.endswith("/evidence_ledger")
    assert (version, vector, similar) == ("18", "'bone':1", "True")


def test_the_exit_status_of_the_command_is_passed_on():
    assert without_database_url("sh", "-c", "exit 3").returncode == 3
    assert run_python(SCRIPT, "sh", "-c", "exit 4").returncode == 4  # DATABASE_URL set


def test_with_database_url_set_the_command_runs_on_that_server_and_nothing_starts():
    url = os.environ["DATABASE_URL"]
    result = run_python(SCRIPT, "sh", "-c", 'echo "$DATABASE_URL"', DATABASE_URL=url)
    assert (result.returncode, result.stdout.strip(), result.stderr) == (0, url, "")


ALIVE = "import os, psycopg; psycopg.connect(os.environ['DATABASE_URL']).close(); print('alive')"


def test_a_second_command_shares_the_running_server_and_leaves_it_to_the_first():
    inner = f"DATABASE_URL= {sys.executable} {SCRIPT} sh -c 'echo $DATABASE_URL'"
    after = f'{sys.executable} -c "{ALIVE}"'
    result = without_database_url("sh", "-c", f'{inner}; {after}; echo "$DATABASE_URL"')
    assert result.returncode == 0, result.stderr
    shared, alive, own = result.stdout.split()
    assert (shared, alive) == (own, "alive")  # the inner command's end did not stop it
    assert result.stderr.count("up in") <= 1  # started once at most (none under `make test`)


def test_without_arguments_it_says_how_to_use_it():
    result = without_database_url()
    assert result.returncode != 0
    assert "COMMAND" in result.stderr
