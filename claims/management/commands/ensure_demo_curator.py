"""Create (or reset) the local demo curator account and print how to log in."""

import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand

from claims.curators import CURATORS_GROUP

DEFAULT_USERNAME = "curator"
DEFAULT_PASSWORD = "curator-demo-only"  # noqa: S105 - local demo account, printed on purpose


class Command(BaseCommand):
    help = "Create the demo curator (DEMO_CURATOR_USERNAME / DEMO_CURATOR_PASSWORD)."

    def handle(self, *args, **options):
        username = os.environ.get("DEMO_CURATOR_USERNAME", DEFAULT_USERNAME)
        password = os.environ.get("DEMO_CURATOR_PASSWORD", DEFAULT_PASSWORD)
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.is_staff = True
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=CURATORS_GROUP))
        self.stdout.write(f"Demo curator: username {username!r}, password {password!r} at /admin/")
