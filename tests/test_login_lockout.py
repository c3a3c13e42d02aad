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
