"""Login brute force: django-axes locks a username at one address after 5 wrong passwords."""

import pytest
from django.urls import reverse

from tests.factories import CuratorFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
PASSWORD = "pw-for-tests"  # tests.factories.UserFactory


def attempt(client, username, password, **headers):
    data = {"username": username, "password": password, "next": "/admin/"}
    response = client.post(LOGIN, data, **headers)
    return response.status_code, "_auth_user_id" in client.session


def test_sixth_attempt_is_refused_even_with_the_right_password(client):
    curator = CuratorFactory()
    wrong = [attempt(client, curator.username, f"guess{n}") for n in range(5)]

    sixth = attempt(client, curator.username, PASSWORD)

    assert wrong[:4] == [(200, False)] * 4  # the form again, with its error
    assert sixth == (429, False)


def test_a_new_x_forwarded_for_does_not_lift_the_lockout(client):
    curator = CuratorFactory()
    for n in range(5):
        attempt(client, curator.username, f"guess{n}", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")

    assert attempt(client, curator.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99") == (
        429,
        False,
    )


def test_the_lockout_holds_one_username_at_one_address(client):
    curator = CuratorFactory()
    for n in range(5):
        attempt(client, curator.username, f"guess{n}")

    assert attempt(client, curator.username, PASSWORD, REMOTE_ADDR="198.51.100.9") == (302, True)


def test_fewer_wrong_passwords_still_let_the_right_one_in(client):
    curator = CuratorFactory()
    for n in range(4):
        attempt(client, curator.username, f"guess{n}")

    assert attempt(client, curator.username, PASSWORD) == (302, True)


def guess_from_many_addresses(client, username, addresses: int, each: int = 4) -> None:
    for address in range(addresses):
        for n in range(each):
            attempt(client, username, f"guess{n}", REMOTE_ADDR=f"203.0.113.{address}")


def test_distributed_guessing_locks_the_account_everywhere_and_tells_its_holder(
    client, mailoutbox, settings
):
    from config.lockout import ACCOUNT_LOCKED_SUBJECT

    curator = CuratorFactory(email="ann@example.org")
    guess_from_many_addresses(client, curator.username, addresses=12)  # 48 > 20, none 5 at one

    assert attempt(client, curator.username, PASSWORD, REMOTE_ADDR="198.51.100.9") == (429, False)
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert [(m.to, m.subject) for m in mailoutbox] == [
        (["ann@example.org"], ACCOUNT_LOCKED_SUBJECT.format(minutes=minutes))
    ]  # once per lock, however many guesses follow


def test_fewer_failures_than_the_account_limit_from_many_addresses_let_the_holder_in(
    client, mailoutbox, settings
):
    curator = CuratorFactory(email="ann@example.org")
    guess_from_many_addresses(client, curator.username, addresses=4)  # 16 < 20

    assert attempt(client, curator.username, PASSWORD, REMOTE_ADDR="198.51.100.9") == (302, True)
    assert mailoutbox == []


def test_an_address_lock_sends_no_notice(client, mailoutbox):
    curator = CuratorFactory(email="ann@example.org")
    for n in range(6):
        attempt(client, curator.username, f"guess{n}")
    assert mailoutbox == []
