#!/usr/bin/env python
"""Django's command-line utility for administrative tasks.

Settings that cannot load, or a database that cannot be reached, end the command with one
clear sentence and status 1 (config/startup.py), not a traceback.
"""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    # Commands (migrate, import_bibtex, the db_worker running jobs) have no statement timeout:
    # that budget is for web requests (config/settings/base.py, STATEMENT_TIMEOUT_MS).
    os.environ["LEDGER_PROCESS"] = "command"
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError

    from config.startup import database_message, settings_message

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:
        sys.exit(settings_message(error))
    except OperationalError as error:
        message = database_message(error)
        if message is None:
            raise
        sys.exit(message)


if __name__ == "__main__":
    main()
