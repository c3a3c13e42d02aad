"""API throughput under gunicorn on PostgreSQL, as ratios to a trivial JSON endpoint.

Builds its own database (el_bench_api: 10,000 references with two authors each, cited by
500 published claims of 20 evidence items), starts gunicorn on 127.0.0.1, and measures
requests per second of: the API root (a trivial JSON answer: the baseline), the claim list,
a claim detail, and a BibTeX export of all 10,000 references. Each is printed with its
ratio to the baseline of the same run, so the numbers compare across machines.

    DJANGO_SETTINGS_MODULE=config.settings.test python bench/api.py
"""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.support.server import create_database, database_url, migrate  # noqa: E402 - after the path

BENCH_DB = os.environ.get("BENCH_API_DATABASE", "el_bench_api")
DATABASE_URL = database_url(BENCH_DB)
REFERENCES, CLAIMS = 10_000, 500
WORKERS, CLIENTS = 2, 4
ENDPOINTS = [
    ("trivial JSON (/api/)", "/api/", "application/json", 3.0),
    ("claim list", "/api/claims/", "application/json", 3.0),
    ("claim detail (20 evidence)", "/api/claims/bench-claim-7/", "application/json", 3.0),
    ("BibTeX export, 10,000 refs", "/api/references/?format=bibtex", "*/*", 6.0),
]
MAX_REQUESTS = 20_000  # per endpoint: the loops are bounded by time and by count

os.environ["DATABASE_URL"] = DATABASE_URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

from bench.support.throughput import free_port, get, python_rate  # noqa: E402 - after the path


def ensure_database() -> None:
    create_database(BENCH_DB)
    migrate()


def populate() -> None:
    import django

    django.setup()
    from citations.models import Contributor, Person, Reference
    from claims.models import Claim
    from evidence.models import Evidence

    if Reference.objects.count() == REFERENCES and Claim.objects.count() == CLAIMS:
        return
    Evidence.objects.all().delete()
    Claim.objects.all().delete()
    Contributor.objects.all().delete()
    Reference.objects.all().delete()
    Person.objects.all().delete()
    people = Person.objects.bulk_create(
        Person(family=f"Author{i}", given="Ann B.") for i in range(2_000)
    )
    references = Reference.objects.bulk_create(
        Reference(
            citekey=f"author{i}{1950 + i % 70}bone",
            title=f"Progesterone and bone turnover: study {i} of {REFERENCES}",
            container_title="Journal of Bone Research",
            year=1950 + i % 70,
            volume=str(i % 40),
            pages=f"{i % 900}--{i % 900 + 9}",
            doi=f"10.1000/bench.{i}",
        )
        for i in range(REFERENCES)
    )
    Contributor.objects.bulk_create(
        Contributor(reference=ref, person=people[(i + k) % len(people)], position=k)
        for i, ref in enumerate(references)
        for k in range(2)
    )
    claims = Claim.objects.bulk_create(
        Claim(slug=f"bench-claim-{i}", statement=f"Claim {i} about bone.", status="published")
        for i in range(CLAIMS)
    )
    per_claim = REFERENCES // CLAIMS
    Evidence.objects.bulk_create(
        Evidence(
            claim=claims[i // per_claim],
            reference=ref,
            stance="supports",
            design="rct",
            population="humans",
            sample_size=100,
        )
        for i, ref in enumerate(references)
    )


def start_gunicorn(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-only-secret",
        "DJANGO_CONN_MAX_AGE": "60",
    }
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
        "--workers", str(WORKERS), "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    for _ in range(100):
        try:
            get(port, "/api/", accept="application/json")
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("gunicorn did not start")


def requests_per_second(port: int, path: str, accept: str, seconds: float) -> float:
    get(port, path, accept=accept)  # warm up caches and connections
    return python_rate(port, path, seconds, accept=accept, most=MAX_REQUESTS)


def main() -> None:
    ensure_database()
    populate()
    port = free_port()
    server = start_gunicorn(port)
    try:
        rates = [
            (name, requests_per_second(port, path, accept, secs))
            for name, path, accept, secs in ENDPOINTS
        ]
    finally:
        server.terminate()
        server.wait(timeout=30)
    baseline = rates[0][1]
    print(f"bench/api.py: gunicorn {WORKERS} workers, {CLIENTS} clients, PostgreSQL {BENCH_DB}")
    for name, rate in rates:
        print(f"  {name:30} {rate:9.1f} req/s   ratio {rate / baseline:.4f}")


if __name__ == "__main__":
    main()
