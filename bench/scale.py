"""How reader pages, search, regrade and exports grow with the data: 10k, 100k, 1M references.

    DJANGO_SETTINGS_MODULE=config.settings.test python bench/scale.py [N ...]   # default 10000

The data set. For each size N it builds (once; kept between runs, rebuilt when its row counts
differ) a deterministic data set in its own PostgreSQL database `el_scale_<N>` with
`INSERT ... SELECT generate_series(...)`, in one transaction with triggers off and indexes
rebuilt once at the end (about a minute for 1M on two shared cores):
- N references (`ref<i>`), each with 2 or 3 authors out of N/2 people; titles are built from a
  fixed word list, with "progesterone" in every 20th title (5 %, a common word) and "zyxomab"
  in every 1,000th (0.1 %, a rare word); one DOI each;
- N/10 claims, with the same two words in their statements at the same rates ("osteoporosis"
  in 40 %, "bone" in all), each in one
  of 50 topics; `topic-1` holds 20 % of the claims (every 5th); every claim whose number ends
  in 3 is a draft (10 %), the others are published, so the common word's references (cited
  by claims whose numbers end in 0) are public like most;
- N evidence items: reference i is evidence for claim ((i - 1) mod N/10) + 1, so every claim
  has 10 items, with cycling stances, designs, sample sizes and effects; and `claim-2` has
  190 more (references 1 to 190, another outcome): a claim page of 200 items;
- every claim's grade stored by the app's own batch regrade (`claims_regrade`, after the
  build, history off), as evidence writes store it: level, direction, reasons and the
  deciding-study count the list pages show are the engine's, not made up.

The measurements. Each size runs in a child process (Django's settings name one database)
that reports JSON; the parent prints one table:
- every endpoint of issue 15's table: the server-side median in ms (in-process Django test
  client, no network; 7 requests after a warm-up) and its ratio to a trivial view
  (`/bench/trivial/`, bench/support/scale_urls.py: every middleware, no database) requested
  in turn with it, so both see the same load. The cached claim page is an anonymous reader's
  (`claims.page_cache`); the 200-item page carries a query string, so it renders every time;
- with several sizes, a last column: the ratio at the largest size over the ratio at the
  smallest (issue 15: at most 2x);
- throughput under gunicorn as production runs it (bench/support/throughput.py: 2 workers,
  4 clients for 5 s, `wrk` when installed): requests per second of the trivial view and of
  the cached claim page, and their ratio (issue 15: at least 20 %);
- the same for `/claims/` and four searches (a word in 40 % of the claims, one in 5 %, a rare
  one, two words), each as a ratio to the trivial view measured just before it, the median
  of `LIST_ROUNDS` interleaved rounds, with the caches off (facet and page cache seconds 0:
  every request counts and renders) and on (as deployed) (issue 27: at least 10 %);
- BibTeX export rates in entries per second, of the API (`/api/references/?format=bibtex`:
  the references public claims cite, streamed) and of `manage.py export_bibtex` (every
  reference), and the API's time per entry over the command's (at most 1.2x); the peak
  resident memory of a fresh process running each export (flat across sizes: constant memory);
- the regrade rate over a sample of 1,000 claims (their stored grades forgotten first, so
  each is written, as a rubric change writes it), and how long the data set took to build.
Then each of issue 15's targets, met or missed. Read ratios, not milliseconds: ratios
compare across machines and across a busy machine's moments; absolute times do not.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.support.server import create_database  # noqa: E402
from bench.support.server import database_url as server_database_url  # noqa: E402

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
COMMON_CLAIM_WORD = "osteoporosis"  # in 40 % of the claims
TOPICS = 50
LARGE_CLAIM_ITEMS = 200  # claim-2: 10 items like every claim, plus 190
REPEATS, BUDGET_S = 7, 20.0  # each endpoint: at most 7 timed requests or 20 s
TRIVIAL_URL = "/bench/trivial/"  # bench/support/scale_urls.py
LIST_URLS = [  # issue 27: the claim list and searches at >= 10 % of the trivial view
    ("/claims/", "/claims/"),
    ("search, a word in 40 %", f"/claims/?q={COMMON_CLAIM_WORD}"),
    ("search, a word in 5 %", f"/claims/?q={COMMON}"),
    ("search, a rare word", f"/claims/?q={RARE}"),
    ("search, two words", f"/claims/?q=bone+{COMMON_CLAIM_WORD}"),
]
LIST_ROUNDS, LIST_SECONDS = 3, 3.0
LIST_TARGET = 0.10
CACHE_MODES = {
    "off": {"DJANGO_FACET_CACHE_SECONDS": "0", "DJANGO_PAGE_CACHE_SECONDS": "0"},
    "on": {"DJANGO_FACET_CACHE_SECONDS": "60", "DJANGO_PAGE_CACHE_SECONDS": "300"},
}
EXPORT_URL = "/api/references/?format=bibtex"


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
    generator keeps working when a migration adds a field. A table whose search vector a
    trigger fills (claims) gets it computed here, by the trigger's rule (`citations.search`),
    since `bulk_build` turns triggers off; a generated one (references) computes itself.
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
    if table in SEARCH_WEIGHTS and not model._meta.get_field(VECTOR_FIELD).generated:
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
                "statement": title_sql("g")
                + f" || CASE WHEN g % 5 < 2 THEN ' in {COMMON_CLAIM_WORD}' ELSE '' END"
                + " || ' changes bone outcomes'",
                "slug": "'claim-' || g",
                "population": "'humans'",
                "status": "CASE WHEN g % 10 = 3 THEN 'draft' ELSE 'published' END",
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
        evidence = {
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
        }
        insert_select(Evidence, series.format(count=n), evidence)
        # One claim of 200 items: references 1 to 190 are also its evidence, for another outcome.
        insert_select(
            Evidence,
            series.format(count=LARGE_CLAIM_ITEMS - 10),
            {**evidence, "claim": "2", "outcome": "'fracture risk'"},
        )
        with connection.cursor() as cursor:
            for model in (Topic, Person, Reference, Claim):
                table = model._meta.db_table
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
    grade_all()


def grade_all() -> None:
    """Store every claim's grade through the app's batch regrade (what evidence writes and
    `manage.py regrade` store), without a history row each; then the public counts and the
    search postings, whose triggers were off during the build (claims.counts,
    claims.postings), from the graded rows."""
    from django.db import connection
    from django.test import override_settings

    from claims import postings
    from claims.counts import REBUILD_SQL
    from evidence.services import claims_regrade

    start = time.perf_counter()
    with override_settings(SIMPLE_HISTORY_ENABLED=False):  # a bench data set: no one reads it
        seen, _ = claims_regrade()
    log(f"  {seen:,} claims graded in {time.perf_counter() - start:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute(REBUILD_SQL)
        cursor.execute(postings.REBUILD_SQL)
        cursor.execute("VACUUM ANALYZE")


def database_name(n: int) -> str:
    """`el_scale_<n>`, or `$BENCH_SCALE_DATABASE_<n>`: helpers sharing one server keep apart."""
    return f"{os.environ.get('BENCH_SCALE_DATABASE', 'el_scale')}_{n}"


def database_url(n: int) -> str:
    return server_database_url(database_name(n))


def ensure_database(n: int) -> None:
    os.environ["DATABASE_URL"] = create_database(database_name(n))


def timed_ms(client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    if response.streaming:
        for _chunk in response.streaming_content:
            pass
    return (time.perf_counter() - start) * 1000


def median_pair(client, url: str) -> tuple[float, float]:
    """Median ms of `url` and of the trivial view, requested in turn (so both see the same
    load on a shared machine), after one warm-up request each."""
    times, trivial = [], []
    deadline = time.perf_counter() + BUDGET_S
    timed_ms(client, url), timed_ms(client, TRIVIAL_URL)
    while len(times) < REPEATS and time.perf_counter() < deadline:
        trivial += [timed_ms(client, TRIVIAL_URL) for _ in range(3)]
        times.append(timed_ms(client, url))
    return statistics.median(times), statistics.median(trivial)


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
        ("claim page, 10 items (cached)", "/claims/claim-1/"),
        # A query string is never served from the page cache: this one renders every time.
        (f"claim page, {LARGE_CLAIM_ITEMS} items (rendered)", "/claims/claim-2/?render"),
    ]


def measure_pages() -> dict[str, list[float]]:
    """{endpoint: [ms, ratio to the trivial view]}."""
    from django.test import Client

    client = Client()
    pages = {}
    for label, url in endpoints(client):
        ms, trivial = median_pair(client, url)
        pages[label] = [ms, ms / trivial]
        log(f"  {label:40} {ms:9.1f} ms {ms / trivial:7.1f}x")
    return pages


def measure_throughput(n: int) -> dict[str, float]:
    from bench.support.throughput import requests_per_second, serving

    with serving(database_url(n)) as port:
        trivial = requests_per_second(port, TRIVIAL_URL)
        claim = requests_per_second(port, "/claims/claim-1/")
    log(f"  gunicorn: trivial {trivial:,.0f} req/s, claim page {claim:,.0f} req/s")
    return {"trivial": trivial, "claim_page": claim, "ratio": claim / trivial}


def measure_list_throughput(n: int) -> dict[str, dict[str, float]]:
    """{caches off/on: {list or search: its req/s over the trivial view's}}: each URL right
    after the trivial view, in LIST_ROUNDS rounds (the median), so load drift cancels."""
    from bench.support.throughput import requests_per_second, serving

    result = {}
    for mode, settings in CACHE_MODES.items():
        ratios = {label: [] for label, _ in LIST_URLS}
        with serving(database_url(n), settings) as port:
            for _ in range(LIST_ROUNDS):
                for label, url in LIST_URLS:
                    trivial = requests_per_second(port, TRIVIAL_URL, LIST_SECONDS)
                    ratios[label].append(requests_per_second(port, url, LIST_SECONDS) / trivial)
        result[mode] = {label: statistics.median(found) for label, found in ratios.items()}
        for label, ratio in result[mode].items():
            log(f"  gunicorn, caches {mode}: {label:36} {ratio:6.1%} of the trivial view")
    return result


def measure_regrade() -> float:
    from claims.models import Claim
    from evidence.services import claims_regrade

    first = Claim.objects.order_by("pk")[:1000].values_list("pk", flat=True)
    sample = Claim.objects.filter(pk__in=list(first))
    sample.update(grade_rubric="", grade_reasons=[], graded_at=None)  # each one is written
    start = time.perf_counter()
    seen, _ = claims_regrade(claims=sample)
    rate = seen / (time.perf_counter() - start)
    log(f"  regrade: {rate:,.0f} claims/s (sample of {seen})")
    return rate


def export_api(url: str = EXPORT_URL) -> int:
    """The API's BibTeX export of every public reference, read as it streams; its entries."""
    from django.test import Client

    response = Client().get(url)
    return sum(chunk.count(b"\n@") + chunk.startswith(b"@") for chunk in response)


def export_command(**options) -> int:
    """`manage.py export_bibtex` of every reference, written to a counter; its entries."""
    from django.core.management import call_command

    class Counter:
        entries = 0

        def write(self, text):
            self.entries += text.count("\n@") + text.startswith("@")

        def flush(self):
            pass

    counter = Counter()
    call_command("export_bibtex", stdout=counter, **options)
    return counter.entries


def run_export(export: str, n: int) -> tuple[float, float]:
    """Entries per second and peak resident memory (MB, its ru_maxrss) of a fresh process
    that runs one export of the whole data set."""
    command = [sys.executable, __file__, "--export", export, str(n)]
    env = {**os.environ, "DATABASE_URL": database_url(n)}
    child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE)
    report = child.stdout.read()
    _pid, status, usage = os.wait4(child.pid, 0)
    if status:
        raise SystemExit(f"the {export} export failed")
    entries, seconds = json.loads(report)
    return entries / seconds, usage.ru_maxrss / 1024


def measure_exports(n: int) -> dict[str, float]:
    api_rate, api_rss = run_export("api", n)
    command_rate, command_rss = run_export("command", n)
    result = {
        "api_rate": api_rate,
        "command_rate": command_rate,
        "api_per_entry": command_rate / api_rate,
        "api_rss_mb": api_rss,
        "command_rss_mb": command_rss,
    }
    log(
        f"  BibTeX export: API {api_rate:,.0f} entries/s, command {command_rate:,.0f} entries/s"
        f" (API per entry {result['api_per_entry']:.2f}x the command's time); "
        f"peak RSS API {api_rss:.0f} MB, command {command_rss:.0f} MB"
    )
    return result


def setup(n: int) -> float | None:
    """Django on el_scale_<n>, its data set built when missing; the build time, if built."""
    ensure_database(n)
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings

    settings.LEDGER_FACET_CACHE_SECONDS = 60  # as deployed (the test settings turn caches off)
    settings.LEDGER_PAGE_CACHE_SECONDS = 300
    settings.ROOT_URLCONF = "bench.support.scale_urls"  # the site plus the trivial view
    call_command("migrate", "--noinput", verbosity=0)
    from citations.models import Reference
    from claims.models import Claim
    from evidence.models import Evidence

    if (
        Reference.objects.count() == n
        and Evidence.objects.count() == n + LARGE_CLAIM_ITEMS - 10
        and Claim.objects.filter(slug="claim-3", status="draft").exists()  # drafts end in 3
        and Claim.objects.search(COMMON_CLAIM_WORD).filter(slug="claim-1").exists()
    ):
        if not Claim.objects.filter(grade_rubric="").exists():
            return None
        start = time.perf_counter()  # built before the bench stored real grades
        grade_all()
        return time.perf_counter() - start
    call_command("flush", "--noinput", verbosity=0)
    start = time.perf_counter()
    populate(n)
    built = time.perf_counter() - start
    log(f"{n:,} references: data set built in {built:.1f} s")
    return built


def run(n: int) -> dict:
    """Every measurement at one size, as a dict (printed as JSON by the child process)."""
    built = setup(n)
    log(f"{n:,} references (server-side median, ratio to the trivial view):")
    return {
        "size": n,
        "built_s": built,
        "pages": measure_pages(),
        "throughput": measure_throughput(n),
        "list_throughput": measure_list_throughput(n),
        "regrade_rate": measure_regrade(),
        "export": measure_exports(n),
    }


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def size_label(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k"


def table(results: list[dict]) -> str:
    """Every size side by side, and what issue 15 asks of them."""
    first, last = results[0], results[-1]
    sizes = [size_label(result["size"]) for result in results]
    compare = len(results) > 1
    head = f"{'server-side median':40}" + "".join(f"{size:>8} ms {'ratio':>6}" for size in sizes)
    head += f"  {sizes[-1]}/{sizes[0]}" if compare else ""
    lines = [head]
    for label in first["pages"]:
        row = f"{label:40}"
        for result in results:
            ms, ratio = result["pages"][label]
            row += f"{ms:11.1f} {ratio:6.1f}x"
        if compare:
            row += f"  {last['pages'][label][1] / first['pages'][label][1]:6.2f}x"
        lines.append(row)

    def each(name, value, unit=""):
        lines.append(f"{name:40}" + "".join(f"{value(r):>18}{unit}" for r in results))

    each("trivial view, gunicorn req/s", lambda r: f"{r['throughput']['trivial']:,.0f}")
    each("claim page (cached), gunicorn req/s", lambda r: f"{r['throughput']['claim_page']:,.0f}")
    each("  ratio to the trivial view", lambda r: f"{r['throughput']['ratio']:.0%}")
    lines.append("gunicorn req/s over the trivial view's:")
    for mode in CACHE_MODES:
        for label, _ in LIST_URLS:
            each(
                f"{label}, caches {mode}",
                lambda r, mode=mode, label=label: f"{r['list_throughput'][mode][label]:.1%}",
            )
    each("BibTeX export, API entries/s", lambda r: f"{r['export']['api_rate']:,.0f}")
    each("BibTeX export, command entries/s", lambda r: f"{r['export']['command_rate']:,.0f}")
    each("  API time per entry / command's", lambda r: f"{r['export']['api_per_entry']:.2f}x")
    each("peak RSS, API export (MB)", lambda r: f"{r['export']['api_rss_mb']:.0f}")
    each("peak RSS, export_bibtex (MB)", lambda r: f"{r['export']['command_rss_mb']:.0f}")
    each("regrade, claims/s", lambda r: f"{r['regrade_rate']:,.0f}")
    each(
        "data set built in (s; - : kept)", lambda r: f"{r['built_s']:.0f}" if r["built_s"] else "-"
    )
    lines += targets(results)
    return "\n".join(lines)


def targets(results: list[dict]) -> list[str]:
    """Issue 15's targets, each with the value this run measured."""
    first, last = results[0], results[-1]
    size = size_label(last["size"])
    growth = max(
        last["pages"][label][1] / first["pages"][label][1]
        for label in first["pages"]
        if not label.startswith("claim page")
    )
    searches = [label for label in last["pages"] if "?q=" in label or "search" in label]
    slowest = max(last["pages"][label][0] for label in searches)
    large = f"claim page, {LARGE_CLAIM_ITEMS} items (rendered)"
    found = [
        (f"searches at {size} under 100 ms", f"{slowest:.0f} ms", slowest < 100),
        (f"{large} under 60 ms", f"{last['pages'][large][0]:.0f} ms", last["pages"][large][0] < 60),
        (
            f"claim page throughput at {size} >= 20 % of trivial",
            f"{last['throughput']['ratio']:.0%}",
            last["throughput"]["ratio"] >= 0.2,
        ),
        (
            "API export per entry <= 1.2x command's",
            f"{last['export']['api_per_entry']:.2f}x",
            last["export"]["api_per_entry"] <= 1.2,
        ),
    ]
    for mode in CACHE_MODES:
        ratios = last["list_throughput"][mode]
        slowest = min(ratios, key=ratios.get)
        found.append(
            (
                f"lists and searches at {size} >= {LIST_TARGET:.0%} of trivial (caches {mode})",
                f"lowest {ratios[slowest]:.1%} ({slowest})",
                ratios[slowest] >= LIST_TARGET,
            )
        )
    if len(results) > 1:
        found.insert(
            0,
            (
                f"pages and lists: {size}/{size_label(first['size'])} <= 2x",
                f"{growth:.2f}x",
                growth <= 2,
            ),
        )
    return ["", "targets:"] + [
        f"  {'met ' if ok else 'MISSED'} {name}: {value}" for name, value, ok in found
    ]


def main(argv: list[str]) -> None:
    if argv[:1] == ["--export"]:  # a child measured for its rate and peak memory
        setup(int(argv[2]))
        export = export_api if argv[1] == "api" else export_command
        if argv[1] == "api":  # warm up: imports, URL resolver, renderers (not timed)
            export_api(f"{EXPORT_URL}&search={RARE}")
        else:
            export_command(claim="claim-1")
        start = time.perf_counter()
        entries = export()
        print(json.dumps([entries, time.perf_counter() - start]))
        return
    if argv[:1] == ["--json"]:  # a child measuring one size
        print(json.dumps(run(int(argv[1]))))
        return
    sizes = [int(arg) for arg in argv] or [10_000]
    results = []
    for size in sizes:  # one process per size: Django's settings name one database
        child = subprocess.run(
            [sys.executable, __file__, "--json", str(size)], check=True, stdout=subprocess.PIPE
        )
        results.append(json.loads(child.stdout))
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"\nbench/scale.py {' '.join(map(str, sizes))}, {when}:")
    print(table(results))
    print(f"load average (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main(sys.argv[1:])
