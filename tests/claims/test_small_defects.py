"""Issue 21's smaller defects on pages and in the admin, each with the behaviour it lacked:
a branded 404 page, /favicon.ico, history naming an empty curator, a `create_curator`
command, and one clear sentence when manage.py cannot start."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from citations.admin.history import EMPTY_LINK
from citations.history import save_with_history
from claims.access import CURATORS_GROUP
from claims.management.commands import create_curator
from config.startup import MISSING_DATABASE, database_message, settings_message
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db


def test_an_unknown_address_gets_the_branded_404_page(client, settings):
    settings.DEBUG = False
    response = client.get("/no/such/page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "<title>Page not found · Evidence Ledger</title>" in page
    assert 'class="brand" href="/"' in page
    assert "<code>/no/such/page/</code>" in page
    assert f'href="{reverse("claim-list")}">Search the claims' in page


def test_an_unknown_claim_gets_the_branded_404_page_too(client, settings):
    settings.DEBUG = False
    response = client.get("/claims/no-such-claim/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_favicon_ico_leads_to_the_site_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"
    assert (settings.BASE_DIR / "static" / "favicon.svg").is_file()
    page = client.get(reverse("home")).content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page


def test_history_names_an_empty_curator_as_none_not_a_deleted_user(curator_client, curator):
    claim = ClaimFactory(curator=None, status="draft")
    save_with_history(claim, actor=curator, reason="created")
    claim.curator = curator
    save_with_history(claim, actor=curator, reason="curator set")
    page = curator_client.get(reverse("admin:claims_claim_history", args=[claim.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "pk=None" not in html
    assert EMPTY_LINK in html


def test_create_curator_makes_a_staff_curator_from_the_environment(monkeypatch, capsys):
    monkeypatch.setenv(create_curator.PASSWORD_VARIABLE, "a-long-enough-password-21")
    call_command("create_curator", "alice", "--email", "alice@example.org")
    user = get_user_model().objects.get(username="alice")
    assert (user.is_staff, user.email) == (True, "alice@example.org")
    assert user.groups.filter(name=CURATORS_GROUP).exists()
    assert user.check_password("a-long-enough-password-21")
    assert create_curator.CREATED.format(username="alice") in capsys.readouterr().out


def test_create_curator_promotes_an_existing_user_and_keeps_the_password(monkeypatch):
    user = get_user_model().objects.create_user("bob", password="bobs-own-password-21")
    monkeypatch.delenv(create_curator.PASSWORD_VARIABLE, raising=False)
    call_command("create_curator", "bob")
    user.refresh_from_db()
    assert user.is_staff
    assert user.groups.filter(name=CURATORS_GROUP).exists()
    assert user.check_password("bobs-own-password-21")


def test_create_curator_refuses_a_weak_password_and_creates_nothing(monkeypatch):
    monkeypatch.setenv(create_curator.PASSWORD_VARIABLE, "123")
    with pytest.raises(CommandError):
        call_command("create_curator", "carol")
    assert not get_user_model().objects.filter(username="carol").exists()


def test_create_curator_without_a_password_or_terminal_says_so(monkeypatch):
    monkeypatch.delenv(create_curator.PASSWORD_VARIABLE, raising=False)
    monkeypatch.setattr(os, "isatty", lambda fd: False)
    with pytest.raises(CommandError, match=create_curator.NO_PASSWORD):
        call_command("create_curator", "dave")


MISSING_TEXT = (
    'connection failed: connection to server at "127.0.0.1", port 5432 failed: '
    'FATAL:  database "no_such_db" does not exist'
)


def test_a_missing_database_gets_one_sentence():
    message = database_message(Exception(MISSING_TEXT))
    where = " on the server at 127.0.0.1:5432"
    assert message == MISSING_DATABASE.format(name="no_such_db", where=where)
    assert database_message(Exception("deadlock detected")) is None
    assert "DJANGO_DEBUG=1" in settings_message(Exception("DJANGO_SECRET_KEY is required."))


def manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SECRET_KEY", "DJANGO_DEBUG")}
    base.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_manage_py_names_a_missing_database_without_a_traceback():
    url = settings.DATABASES["default"]
    missing = f"postgres://{url['USER']}@{url['HOST']}:{url['PORT']}/el_no_such_database_21"
    run = manage("migrate", "--noinput", DJANGO_DEBUG="1", DATABASE_URL=missing)
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert (
        "the database 'el_no_such_database_21' named by DATABASE_URL does not exist" in run.stderr
    )


def test_manage_py_without_secret_key_or_debug_says_what_to_export():
    run = manage("check")
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "export DJANGO_DEBUG=1" in run.stderr
