"""`manage.py create_curator USERNAME [--email ADDRESS]`: a curator account (staff, in the
curators group), e.g. the second curator that publishing needs (four eyes).

The password comes from the environment variable CURATOR_PASSWORD when it is set (scripts),
else it is asked for twice at the terminal. An existing user is made a curator; its password
is left as it is.
"""

import getpass
import os

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from claims.curators import curator_create

PASSWORD_VARIABLE = "CURATOR_PASSWORD"  # noqa: S105 - the name of a variable, not a password
CREATED = "Created curator {username!r}: log in at /admin/."
PROMOTED = "{username!r} is now a curator (its password is unchanged)."
MISMATCH = "The two passwords differ; nothing was created."
NO_PASSWORD = f"No password: set {PASSWORD_VARIABLE} or run the command at a terminal."


class Command(BaseCommand):
    help = "Create a curator account (or make an existing user one), e.g. a second curator."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    def handle(self, *args, username, email, **options):
        password = self.password(username)
        try:
            _user, created = curator_create(username=username, password=password, email=email)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        message = CREATED if created else PROMOTED
        self.stdout.write(message.format(username=username))

    def password(self, username: str) -> str:
        """From CURATOR_PASSWORD, else typed twice; "" for a user who exists (not changed)."""
        if get_user_model().objects.filter(username=username).exists():
            return ""
        if os.environ.get(PASSWORD_VARIABLE):
            return os.environ[PASSWORD_VARIABLE]
        if not os.isatty(0):
            raise CommandError(NO_PASSWORD)
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError(MISMATCH)
        return first
