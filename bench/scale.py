"""How reader pages, search, regrade and exports grow with the data: 10k, 100k, 1M references.

    DJANGO_SETTINGS_MODULE=config.settings.test python bench/scale.py [N ...]   # default 10000

For each size N it builds (once; kept between runs) a deterministic data set in its own
PostgreSQL database `el_scale_<N>` with `INSERT ... SELECT generate_series(...)`:
- N references (`ref<i>`), each with 2 or 3 authors out of N/2 people; titles are built from a
  fixed word list, with "progesterone" in every 20th title (5 %, a common word) and "zyxomab"
  in every 1,000th (0.1 %, a rare word); one DOI each;
- N/10 claims (90 % published), with the same two words in their statements at the same
  rates, each in one of 50 topics; `topic-1` holds 20 % of the claims;
- N evidence items: reference i is evidence for claim ((i - 1) mod N/10) + 1, so every claim
  has 10 items, with cycling stances, designs, sample sizes and effects.

Then it prints, for every endpoint of issue 15's table, the server-side median time in ms
(in-process Django test client, no network) and its ratio to a trivial view measured in the
same run (`/api/`, the API root), followed by the regrade rate (claims/s over a sample) and the
BibTeX export rate (entries/s) of the API and of `export_bibtex`. Ratios compare across
machines; absolute times do not.
"""

import os
import statistics
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DJANGO_DEBUG", "0")  # debug keeps every query in memory
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "x" * 40)

WORDS = [
    "bone",
    "density",
    "estrogen",
    "therapy",
    "remodeling",
    "osteoblast",
    "women",
    "trial",
    "cohort",
    "fracture",
    "receptor",
    "mice",
    "marrow",
    "calcium",
    "vitamin",
    "hormone",
]
COMMON, RARE = "progesterone", "zyxomab"
TOPICS = 50
REPEATS, BUDGET_S = 7, 20.0  # each endpoint: at most 7 timed requests or 20 s


def title_sql(var: str) -> str:
    """A deterministic title for row number `var`: common and rare words at fixed rates."""
    words = "(ARRAY[" + ",".join(f"'{w}'" for w in WORDS) + "])"
    return (
        f"'Study ' || {var} || ' of ' || {words}[1 + ({var} * 7) % {len(WORDS)}] || ' and ' || "
        f"{words}[1 + ({var} * 13) % {len(WORDS)}] || CASE WHEN {var} % 20 = 0 THEN "
        f"' {COMMON}' ELSE '' END || CASE WHEN {var} % 1000 = 0 THEN ' {RARE}' ELSE '' END"
    )


def insert_select(model, rows: str, expressions: dict[str, str]) -> None:
    """INSERT every concrete column of `model` for g in `rows`: SQL for some, defaults for the rest.

    Columns the benchmark does not name get the model field's default (or NULL), so the
    generator keeps working when a migration adds a field. A table with a stored search
    vector gets it computed here, by the rule its trigger follows (`citations.search`), since
    `bulk_build` turns triggers off.
    """
    from django.db import connection

    from citations.search import SEARCH_WEIGHTS, VECTOR_FIELD, vector_sql

    table = model._meta.db_table
    columns, values, params = [], [], []
    for field in model._meta.concrete_fields:
        if (field.primary_key and field.name not in expressions) or field.name == VECTOR_FIELD:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.name in expressions:
            values.append(f"{expressions[field.name]} AS {field.column}".replace("%", "%%"))
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            values.append(f"now() AS {field.column}")
        else:
            values.append(f"CAST(%s AS {field.cast_db_type(connection)}) AS {field.column}")
            default = field.get_default() if field.has_default() else None
            if default is None and not field.null:
                default = "" if field.get_internal_type() in {"CharField", "TextField"} else 0
            params.append(field.get_db_prep_save(default, connection))
    outer = list(columns)
    if table in SEARCH_WEIGHTS:
        columns.append(VECTOR_FIELD)
        outer.append(vector_sql(table, "src"))
    sql = (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(outer)} "
        f"FROM (SELECT {', '.join(values)} FROM {rows.replace('%', '%%')}) AS src"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@contextmanager
def bulk_build(models):
    """Inside one transaction, with the tables' triggers off (foreign-key checks and search
    vector fills: the generated rows satisfy both) and every index but the primary keys
    dropped, then rebuilt once at the end: a bulk build, instead of a million row-by-row
    index insertions and deferred foreign-key checks."""
    from django.db import connection, transaction

    tables = [model._meta.db_table for model in models]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c WHERE c.contype = 'u' AND c.conrelid::regclass::text = ANY(%s)",
            [tables],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _ in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
        yield
        for table, name, definition in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        for _, definition in indexes:
            cursor.execute(definition)


def populate(n: int) -> None:
    from django.db import connection

    from citations.models import Contributor, Person, Reference
    from claims.models import Claim, Topic
    from evidence.models import Evidence

    claims, people = max(n // 10, 1), max(n // 2, 1)
    series = "generate_series(1, {count}) AS g"
    topic_table = Claim.topics.through
    with bulk_build([Topic, Person, Reference, Contributor, Claim, topic_table, Evidence]):
        insert_select(
            Topic,
            series.format(count=TOPICS),
            {"id": "g", "name": "'Topic ' || g", "slug": "'topic-' || g"},
        )
        insert_select(
            Person,
            series.format(count=people),
            {"id": "g", "family": "'Family' || g", "given": "'Ann'"},
        )
        insert_select(
            Reference,
            series.format(count=n),
            {
                "id": "g",
                "citekey": "'ref' || g",
                "entry_type": "'article'",
                "title": title_sql("g"),
                "container_title": "'Journal of Bone ' || (g % 500)",
                "year": "1950 + g % 75",
                "volume": "(g % 60)::text",
                "pages": "(g % 900) || '--' || (g % 900 + 9)",
                "doi": "'10.5555/bench.' || g",
                "verification": "'verified'",
            },
        )
        insert_select(
            Contributor,
            f"generate_series(1, {n}) AS g, generate_series(0, 2) AS k WHERE k < 2 + g % 2",
            {
                "reference": "g",
                "person": f"1 + (g * 7 + k * 104729) % {people}",
                "role": "'author'",
                "position": "k",
            },
        )
        insert_select(
            Claim,
            series.format(count=claims),
            {
                "id": "g",
                "statement": title_sql("g") + " || ' changes bone outcomes'",
                "slug": "'claim-' || g",
                "population": "'humans'",
                "status": "CASE WHEN g % 10 = 0 THEN 'draft' ELSE 'published' END",
                "grade_level": "(ARRAY['very_low','low','moderate','high'])[1 + g % 4]",
                "grade_direction": "(ARRAY['supported','contradicted','contested'])[1 + g % 3]",
                "reviewed_at": "now() - g * interval '1 minute'",
                "published_at": "now() - g * interval '1 minute'",
            },
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {topic_table._meta.db_table} (claim_id, topic_id) "
                f"SELECT g, CASE WHEN g % 5 = 0 THEN 1 ELSE 2 + g % {TOPICS - 1} END "
                f"FROM generate_series(1, {claims}) AS g"
            )
        insert_select(
            Evidence,
            series.format(count=n),
            {
                "claim": f"1 + (g - 1) % {claims}",
                "reference": "g",
                "outcome": "'bone mineral density'",
                "stance": "(ARRAY['supports','supports','contradicts','mixed'])[1 + g % 4]",
                "design": "(ARRAY['rct','cohort','animal','meta_analysis_rct'])[1 + g % 4]",
                "population": "(ARRAY['humans','humans','animals','humans'])[1 + g % 4]",
                "sample_size": "20 + g % 400",
                "effect_value": "((g % 200) - 50) / 100.0",
                "ci_low": "((g % 200) - 90) / 100.0",
                "ci_high": "((g % 200) - 10) / 100.0",
                "effect_unit": "'BMD, % change per year'",
                "risk_of_bias": "(ARRAY['low','some_concerns','high'])[1 + g % 3]",
            },
        )
        with connection.cursor() as cursor:
            for model in (Topic, Person, Reference, Claim):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def ensure_database(n: int) -> None:
    import psycopg

    name = f"el_scale_{n}"
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            db.execute(f'CREATE DATABASE "{name}"')


def median_ms(client, url: str, **headers) -> float:
    times = []
    deadline = time.perf_counter() + BUDGET_S
    client.get(url, **headers)  # warm caches and connections
    while len(times) < REPEATS and time.perf_counter() < deadline:
        start = time.perf_counter()
        response = client.get(url, **headers)
        if response.streaming:
            b"".join(response.streaming_content)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return statistics.median(times)


def endpoints(client) -> list[tuple[str, str]]:
    page = client.get("/api/references/").json()
    last_page = max(1, -(-page["count"] // len(page["results"])))
    return [
        ("/", "/"),
        ("/claims/", "/claims/"),
        (f"/claims/?q= (common: {COMMON})", f"/claims/?q={COMMON}"),
        (f"/claims/?q= (rare: {RARE})", f"/claims/?q={RARE}"),
        ("topic page (20 % of claims)", "/topics/topic-1/"),
        ("/api/references/?search=", f"/api/references/?search={COMMON}"),
        ("/api/references/?page=<last>", f"/api/references/?page={last_page}"),
        ("claim page, 10 items", "/claims/claim-1/"),
    ]


def measure_pages() -> None:
    from django.test import Client

    client = Client()
    baseline = median_ms(client, "/api/")
    print(f"  {'trivial view (/api/)':38} {baseline:9.1f} ms   1.0x")
    for label, url in endpoints(client):
        ms = median_ms(client, url)
        print(f"  {label:38} {ms:9.1f} ms {ms / baseline:6.1f}x")


def measure_rates() -> None:
    from django.core.management import call_command
    from django.test import Client

    from claims.models import Claim
    from evidence.services import claims_regrade

    sample = Claim.objects.order_by("pk")[:1000].values_list("pk", flat=True)
    start = time.perf_counter()
    seen, _ = claims_regrade(claims=Claim.objects.filter(pk__in=list(sample)))
    print(f"  regrade: {seen / (time.perf_counter() - start):,.0f} claims/s (sample of {seen})")

    start = time.perf_counter()
    response = Client().get("/api/references/?format=bibtex")
    entries = b"".join(response.streaming_content).count(b"\n@")
    api_rate = entries / (time.perf_counter() - start)
    start = time.perf_counter()
    with Path(os.devnull).open("w") as sink:
        call_command("export_bibtex", stdout=sink)
    command_rate = entries / (time.perf_counter() - start)
    print(
        f"  BibTeX export: API {api_rate:,.0f} entries/s, command {command_rate:,.0f} entries/s"
        f" (API per entry {command_rate / api_rate:.2f}x the command's time)"
    )


def run(n: int) -> None:
    ensure_database(n)
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings

    settings.LEDGER_FACET_CACHE_SECONDS = 60  # as deployed (the test settings turn caches off)
    settings.LEDGER_PAGE_CACHE_SECONDS = 300
    call_command("migrate", "--noinput", verbosity=0)
    from citations.models import Reference

    if Reference.objects.count() != n:
        call_command("flush", "--noinput", verbosity=0)
        start = time.perf_counter()
        populate(n)
        print(f"{n:,} references: data set built in {time.perf_counter() - start:.1f} s")
    print(f"{n:,} references (server-side median, ratio to the trivial view):")
    measure_pages()
    measure_rates()


if __name__ == "__main__":
    sizes = [int(arg) for arg in sys.argv[1:]] or [10_000]
    if len(sizes) > 1:  # one process per size: Django's settings name one database
        import subprocess

        for size in sizes:
            subprocess.run([sys.executable, __file__, str(size)], check=True)
    else:
        run(sizes[0])
