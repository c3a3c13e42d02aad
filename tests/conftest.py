"""Shared fixtures."""

import pytest

from tests.factories import CuratorFactory


@pytest.fixture
def curator(db):
    return CuratorFactory()


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client
