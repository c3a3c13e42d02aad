#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    # Commands (migrate, import_bibtex, the db_worker running jobs) have no statement timeout:
    # that budget is for web requests (config/settings/base.py, STATEMENT_TIMEOUT_MS).
    os.environ["LEDGER_PROCESS"] = "command"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
