"""Write the engine's grades into fixtures/seed.json, so the seed loads already graded.

Loads the seed into a throwaway database (`grade_seed_scratch`, made and dropped on the server
DATABASE_URL names; without DATABASE_URL the script runs itself under scripts/with_postgres.py,
the private PostgreSQL of `make run`), regrades every claim with rubric
grade-3 through the same service the app uses (labels and all), and sets the grade fields of
each claim in the JSON, keeping everything else as it is. Run after any change to the seed's
evidence or to the rubric; tests/evidence/test_seed_grades.py and tests/test_seed_v3.py fail
until you do:

    .venv/bin/python scripts/grade_seed.py
"""

import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "seed.json"
GRADED_AT = "2026-12-06T00:00:00Z"  # fixed, so regenerating an unchanged seed changes nothing
SCRATCH = "grade_seed_scratch"


@contextmanager
def scratch_database(server_url: str):
    """The URL of an empty database `SCRATCH` on the server of `server_url`; dropped after."""
    import psycopg

    parts = urlsplit(server_url)
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {SCRATCH}")
        try:
            yield urlunsplit(parts._replace(path=f"/{SCRATCH}"))
        finally:
            admin.execute(f"DROP DATABASE {SCRATCH} WITH (FORCE)")


def computed_grades(database_url: str) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # a throwaway local database: no secret key needed
    import django

    django.setup()
    from django.core.management import call_command

    from claims.models import Claim
    from evidence.rubrics import grade3
    from evidence.services import claims_regrade

    call_command("migrate", verbosity=0)
    call_command("loaddata", str(SEED), verbosity=0)
    claims_regrade(rubric=grade3.RUBRIC)
    rows = Claim.objects.values_list(
        "slug",
        "grade_level",
        "grade_direction",
        "grade_provisional",
        "grade_reasons",
        "grade_rubric",
        "grade_deciding",
    )
    return {slug: values for slug, *values in rows}


def main() -> None:
    if not os.environ.get("DATABASE_URL"):
        runner = str(ROOT / "scripts" / "with_postgres.py")
        os.execv(sys.executable, [sys.executable, runner, sys.executable, __file__])  # noqa: S606
    with scratch_database(os.environ["DATABASE_URL"]) as url:
        grades = computed_grades(url)
    objects = json.loads(SEED.read_text(encoding="utf-8"))
    for obj in objects:
        if obj["model"] == "claims.claim":
            fields = obj["fields"]
            level, direction, provisional, reasons, rubric, deciding = grades[fields["slug"]]
            fields.update(
                grade_level=level,
                grade_direction=direction,
                grade_provisional=provisional,
                grade_reasons=reasons,
                grade_rubric=rubric,
                grade_deciding=deciding,
                graded_at=GRADED_AT,
            )
    SEED.write_text(json.dumps(objects, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for slug, (level, direction, provisional, reasons, *_) in sorted(grades.items()):
        mark = " (provisional)" if provisional else ""
        sys.stdout.write(f"{slug}: {level}, {direction}{mark}\n")
        sys.stdout.writelines(f"  - {reason}\n" for reason in reasons)


if __name__ == "__main__":
    main()
