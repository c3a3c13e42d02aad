"""What `manage.py` says when it cannot start: one clear sentence, not a traceback.

- Settings that cannot load (`ImproperlyConfigured`, e.g. no DJANGO_SECRET_KEY with debug
  off): the reason, and the environment a bare `manage.py` needs.
- A database that cannot be reached (`OperationalError` on connecting), most often a
  DATABASE_URL naming a database that does not exist: which one, and how to create it.
Plain text in, plain text out; `manage.py` prints it and exits with status 1.
"""

import re

ENVIRONMENT_HINT = (
    "For local use: export DJANGO_DEBUG=1 (and DATABASE_URL=postgres://USER@HOST:PORT/NAME "
    "for PostgreSQL); in production set DJANGO_SECRET_KEY. See README, "
    '"Running manage.py yourself".'
)
SETTINGS_FAILED = "Cannot start: {reason} " + ENVIRONMENT_HINT
MISSING_DATABASE = (
    "Cannot start: the database {name!r} named by DATABASE_URL does not exist{where}. "
    "Create it (e.g. `createdb {name}`) or point DATABASE_URL at one that exists, then run "
    "`manage.py migrate`."
)
UNREACHABLE = (
    "Cannot start: the database named by DATABASE_URL cannot be reached ({reason}). "
    "Is the server running, and is DATABASE_URL right?"
)
MISSING = re.compile(r'database "([^"]+)" does not exist')
SERVER = re.compile(r'server at "([^"]+)"(?:(?: \([^)]*\))?, port (\d+))?')


def settings_message(error: Exception) -> str:
    return SETTINGS_FAILED.format(reason=str(error).strip())


def database_message(error: Exception) -> str | None:
    """The sentence for a failed connection; None for any other database error."""
    text = str(error)
    if "connection" not in text.lower() and not MISSING.search(text):
        return None
    missing = MISSING.search(text)
    if missing:
        server = SERVER.search(text)
        where = ""
        if server:
            port = f":{server.group(2)}" if server.group(2) else ""
            where = f" on the server at {server.group(1)}{port}"
        return MISSING_DATABASE.format(name=missing.group(1), where=where)
    reason = text.strip().splitlines()[0].strip() if text.strip() else type(error).__name__
    return UNREACHABLE.format(reason=reason)
