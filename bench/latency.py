"""Reader pages, searches and API lists with the caches off and on, sizes side by side (issue 27).

    DJANGO_SETTINGS_MODULE=config.settings.test python bench/latency.py [N ...]   # default 10k 100k

Each size runs in its own child process on bench/scale.py's data set `el_scale_<N>` (built
when missing); a child answers each line `<off|on> <url>` on its stdin with the server-side
milliseconds of that request (in-process Django test client, no network). The parent asks
every size in turn, URL by URL, round by round, so a busy moment of the shared machine falls
on all sizes alike. *Caches off*: every cache cleared and the facet, count and page cache
seconds set to 0 before each request, as the first request of a new list, filter or search
meets them; *on*: as deployed (60 s and 300 s), after a warm-up request. Printed: the median
of `ROUNDS` rounds per size and the ratio of the largest size to the smallest, and issue 27's
targets (at most 2x, under 100 ms at the largest size), with the load average.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.scale import COMMON, COMMON_CLAIM_WORD, LARGE_CLAIM_ITEMS, RARE, setup  # noqa: E402

ROUNDS = 7
LAST_PAGE = "<last>"  # replaced in each child by the last page number of its size
URLS = [
    ("/", "/"),
    ("/claims/", "/claims/"),
    ("/claims/?page=50 (a deep page)", "/claims/?page=50"),
    ("topic page (20 % of claims)", "/topics/topic-1/"),
    ("claim page, 10 items", "/claims/claim-1/"),
    (f"claim page, {LARGE_CLAIM_ITEMS} items (rendered)", "/claims/claim-2/?render"),
    ("reference page", "/references/ref1/"),
    ("methodology", "/methodology/"),
    (f"/claims/?q={COMMON_CLAIM_WORD} (40 %)", f"/claims/?q={COMMON_CLAIM_WORD}"),
    (f"/claims/?q={COMMON} (5 %)", f"/claims/?q={COMMON}"),
    (f"/claims/?q={RARE} (0.1 %)", f"/claims/?q={RARE}"),
    ("/claims/?q= two words", f"/claims/?q=bone+{COMMON_CLAIM_WORD}"),
    ("/api/claims/", "/api/claims/"),
    (f"/api/claims/?search={COMMON_CLAIM_WORD}", f"/api/claims/?search={COMMON_CLAIM_WORD}"),
    ("/api/references/", "/api/references/"),
    ("/api/references/?page=<last>", f"/api/references/?page={LAST_PAGE}"),
    (f"/api/references/?search={COMMON}", f"/api/references/?search={COMMON}"),
]


def serve(n: int) -> None:
    """The child: answer `<off|on> <url>` lines with milliseconds, one JSON number a line."""
    setup(n)
    from django.conf import settings
    from django.core.cache import caches
    from django.test import Client

    client = Client()
    count = client.get("/api/references/").json()["count"]
    last = max(1, -(-count // settings.REST_FRAMEWORK["PAGE_SIZE"]))
    print(json.dumps("ready"), flush=True)
    for line in sys.stdin:
        mode, url = line.split()
        url = url.replace(LAST_PAGE, str(last))
        cached = mode == "on"
        settings.LEDGER_FACET_CACHE_SECONDS = 60 if cached else 0
        settings.LEDGER_PAGE_CACHE_SECONDS = 300 if cached else 0
        if cached:
            client.get(url)  # warm-up: the cache as a busy site keeps it
        else:
            for alias in settings.CACHES:
                caches[alias].clear()
        start = time.perf_counter()
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        print(json.dumps((time.perf_counter() - start) * 1000), flush=True)


def measure(sizes: list[int]) -> dict:
    """{(label, mode): {size: median ms}}, sizes interleaved request by request."""
    children = {
        n: subprocess.Popen(
            [sys.executable, __file__, "--serve", str(n)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in sizes
    }
    for n, child in children.items():
        if json.loads(child.stdout.readline()) != "ready":
            raise SystemExit(f"the {size_label(n)} child did not start")
    times = {(label, mode): {n: [] for n in sizes} for label, _ in URLS for mode in ("off", "on")}
    try:
        for _ in range(ROUNDS):
            for label, url in URLS:
                for mode in ("off", "on"):
                    for n, child in children.items():
                        child.stdin.write(f"{mode} {url}\n")
                        child.stdin.flush()
                        times[label, mode][n].append(json.loads(child.stdout.readline()))
    finally:
        for child in children.values():
            child.stdin.close()
            child.wait()
    return {
        key: {n: statistics.median(ms) for n, ms in by_size.items()}
        for key, by_size in times.items()
    }


def size_label(n: int) -> str:
    return f"{n // 1_000_000}M" if n % 1_000_000 == 0 else f"{n // 1000}k"


def table(medians: dict, sizes: list[int]) -> str:
    small, large = sizes[0], sizes[-1]
    ratio = f"{size_label(large)}/{size_label(small)}"
    head = f"{'server-side median, ms':44}{'caches':>7}"
    head += "".join(f"{size_label(n):>9}" for n in sizes) + f"{ratio:>10}"
    lines, missed = [head], []
    for label, _ in URLS:
        for mode in ("off", "on"):
            by_size = medians[label, mode]
            growth = by_size[large] / by_size[small]
            row = f"{label:44}{mode:>7}" + "".join(f"{by_size[n]:9.1f}" for n in sizes)
            lines.append(row + f"{growth:9.2f}x")
            if growth > 2 or by_size[large] >= 100:
                missed.append(f"  {label} (caches {mode}): {growth:.2f}x, {by_size[large]:.0f} ms")
    lines.append(f"load average (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    lines.append(f"targets: <= 2x {ratio} and < 100 ms at {size_label(large)}: ")
    lines[-1] += "all met" if not missed else f"{len(missed)} missed"
    return "\n".join(lines + missed)


def main(argv: list[str]) -> None:
    if argv[:1] == ["--serve"]:
        serve(int(argv[1]))
        return
    sizes = [int(arg) for arg in argv] or [10_000, 100_000]
    for n in sizes:  # build missing data sets one at a time, before any timing
        subprocess.run([sys.executable, __file__, "--build", str(n)], check=True)
    medians = measure(sizes)
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"\nbench/latency.py {' '.join(map(str, sizes))}, {when}, {ROUNDS} rounds:")
    print(table(medians, sizes))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--build"]:
        setup(int(sys.argv[2]))
    else:
        main(sys.argv[1:])
