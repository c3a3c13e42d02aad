"""Shared fixtures."""

import pytest
from django.core.management import call_command

from tests.factories import CuratorFactory


@pytest.fixture
def curator(db):
    return CuratorFactory()


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture
def seed(db):
    """The demo data set of fixtures/seed.json (progesterone and bone), as `make run` loads it."""
    call_command("loaddata", "seed", verbosity=0)
