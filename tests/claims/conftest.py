"""Fixtures of the claim page tests."""

import pytest
from django.core.cache import caches


@pytest.fixture
def page_cache(settings):
    """The page cache on, as deployed (the test settings turn it off), and empty."""
    settings.LEDGER_PAGE_CACHE_SECONDS = 60
    caches[settings.PAGE_CACHE].clear()
    yield
    caches[settings.PAGE_CACHE].clear()
