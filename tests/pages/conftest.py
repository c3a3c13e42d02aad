"""Browser fixtures: Debian's Chromium driven by Playwright (sync API) against the live server.

Tests marked `browser` are skipped, with the reason, when /usr/bin/chromium is missing or
cannot start (no apt, a sandbox that forbids it). Screenshots go to test-output/screenshots/.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = Path(settings.BASE_DIR) / "test-output" / "screenshots"
NO_CHROMIUM = f"Browser tests skipped: {CHROMIUM} is missing (run `make browser` to install it)."
CANNOT_LAUNCH = "Browser tests skipped: Chromium could not start here: {error}"


@pytest.fixture(scope="module", autouse=True)
def migrated_data_restored(django_db_setup, django_db_blocker):
    """The live server needs transactional tests, which end by emptying every table, so the
    rows migrations made (the curators group) would be gone for later tests and for a reused
    test database. Snapshot them before this module and load them back after it."""
    with django_db_blocker.unblock():
        snapshot = connection.creation.serialize_db_to_string()
    yield
    with django_db_blocker.unblock():
        call_command("flush", verbosity=0, interactive=False, inhibit_post_migrate=True)
        connection.creation.deserialize_db_from_string(snapshot)


@pytest.fixture(scope="module")
def async_unsafe_allowed():
    """Playwright's sync API keeps an event loop running in this thread, so Django's ORM would
    refuse to run in the (synchronous) test code. Allowed only while a module's browser lives:
    the variable must not leak into later tests or the subprocesses they start."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(async_unsafe_allowed):
    if not Path(CHROMIUM).exists():
        pytest.skip(NO_CHROMIUM)
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
        except Error as error:
            pytest.skip(CANNOT_LAUNCH.format(error=str(error).splitlines()[0]))
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot at desktop and phone width: screenshot(page, name)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> list[Path]:
        paths = []
        for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(viewport)
            path = SCREENSHOTS / f"{name}-{label}.png"
            page.screenshot(path=str(path), full_page=True)
            paths.append(path)
        page.set_viewport_size(DESKTOP)
        return paths

    return take
