"""Curator accounts: a staff user in the curators group (claims.access.CURATORS_GROUP).

Publishing takes two curators (four eyes: nobody publishes what they submitted), so a fresh
install needs a way to make the second one without the Django shell: `curator_create`, which
`manage.py create_curator` calls. An existing user is made a curator and keeps its password.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.db import transaction

from claims.access import CURATORS_GROUP, sync_curators_group


@transaction.atomic
def curator_create(*, username: str, password: str = "", email: str = "") -> tuple[object, bool]:
    """(user, created): a new curator with this password, or an existing user made one.

    A new account needs a password that passes the configured validators (ValidationError)."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    created = user is None
    if created:
        user = user_model(username=username, email=email, is_staff=True)
        validate_password(password, user)
        user.set_password(password)
        user.full_clean()
    else:
        user.is_staff = True
    user.save()
    if not Group.objects.filter(name=CURATORS_GROUP).exists():
        sync_curators_group(Group, Permission)
    user.groups.add(Group.objects.get(name=CURATORS_GROUP))
    return user, created
