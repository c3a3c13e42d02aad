"""Requests per second under gunicorn, as production runs it, for bench/scale.py.

`serving(database)` starts gunicorn (WORKERS sync workers, `config.settings.prod` with the
trivial view of `scale_urls`) on a free local port against one database, with persistent
database connections (`DJANGO_CONN_MAX_AGE`, as a deployment keeps them or pools them) and no
HTTPS redirect (no TLS here). `requests_per_second(port, path)` loads it with CLIENTS
concurrent clients for SECONDS: Debian's `wrk` when installed (a C client, so the client's
own work hardly competes with the server for the CPU), else a small threaded Python client.
"""

import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
WORKERS, CLIENTS, SECONDS = 2, 4, 5.0
SETTINGS = "bench.support.scale_settings"


def server_environment(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "bench-only-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_CONN_MAX_AGE": "600",
        # No worker replaced mid-measurement: a trivial view's 2,000 requests take a second,
        # and a worker loading the app again for part of it made single rounds swing 2-900 %.
        "GUNICORN_MAX_REQUESTS": "0",
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, connection=None, accept: str = "*/*") -> int:
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers={"Accept": accept})
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        raise RuntimeError(f"GET {path}: {response.status}")
    if response.getheader("Connection", "").lower() == "close":
        connection.close()
    return response.status


@contextmanager
def serving(database_url: str, settings: dict[str, str] | None = None):
    """A gunicorn serving the site from `database_url` (and environment `settings`, e.g.
    the cache seconds); yields its port."""
    env = {**server_environment(database_url), **(settings or {})}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], check=True, cwd=ROOT, env=env)
    port = free_port()
    command = [
        sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
        "--workers", str(WORKERS), "--log-level", "warning",
    ]  # fmt: skip
    # gunicorn.conf.py logs each request to stdout, as production does: the bench writes
    # them (the same work) to /dev/null, not into its own report.
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    try:
        wait_until_up(port)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def wait_until_up(port: int) -> None:
    for _ in range(300):
        try:
            get(port, "/bench/trivial/")
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start")


def requests_per_second(port: int, path: str, seconds: float = SECONDS) -> float:
    for _ in range(2 * WORKERS):
        get(port, path)  # every worker warm: connection, caches
    if shutil.which("wrk"):
        return wrk_rate(port, path, seconds)
    return python_rate(port, path, seconds)


def wrk_rate(port: int, path: str, seconds: float) -> float:
    # A request slower than wrk's 2 s default (a worker gunicorn just replaced, after its
    # `max_requests`, still loading the app on a busy machine) is slow, not failed: 10 s.
    command = ["wrk", f"-t{min(CLIENTS, 2)}", f"-c{CLIENTS}", f"-d{seconds:g}s", "--timeout", "10s"]
    report = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], check=True, capture_output=True, text=True
    ).stdout
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+)", report)
    if "Non-2xx" in report or (errors and any(int(n) for n in errors.groups())):
        raise RuntimeError(f"wrk {path}:\n{report}")
    return float(re.search(r"Requests/sec:\s*([\d.]+)", report).group(1))


def python_rate(
    port: int, path: str, seconds: float, *, accept: str = "*/*", most: int | None = None
) -> float:
    """Requests per second of CLIENTS threads for `seconds` (or `most` requests in all)."""
    done, lock = [0], threading.Lock()
    deadline = time.perf_counter() + seconds

    def client():
        while time.perf_counter() < deadline and (most is None or done[0] < most):
            get(port, path, accept=accept)
            with lock:
                done[0] += 1

    start = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0] / (time.perf_counter() - start)
