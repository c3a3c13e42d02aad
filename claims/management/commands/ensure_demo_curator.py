"""Create the local demo curator once and print how to log in; an existing account is kept.

The password is set only when the account is created: a restart never resets it (which
would log everyone out and undo a curator's own password change).
"""

import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from claims.access import CURATORS_GROUP

DEFAULT_USERNAME = "curator"
DEFAULT_PASSWORD = "curator-demo-only"  # noqa: S105 - local demo account, printed on purpose
CREATED = "Demo curator: username {username!r}, password {password!r} at /admin/"
EXISTS = "Demo curator: username {username!r} at /admin/ (its password is left as it is)"


class Command(BaseCommand):
    help = "Create the demo curator (DEMO_CURATOR_USERNAME / DEMO_CURATOR_PASSWORD) once."

    def handle(self, *args, **options):
        username = os.environ.get("DEMO_CURATOR_USERNAME", DEFAULT_USERNAME)
        password = os.environ.get("DEMO_CURATOR_PASSWORD", DEFAULT_PASSWORD)
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": True}
        )
        if created:
            user.set_password(password)
            user.save()
            user.groups.add(Group.objects.get(name=CURATORS_GROUP))
        message = CREATED if created else EXISTS
        self.stdout.write(message.format(username=username, password=password))
