"""A curator creates, sees once, and revokes their own API token in the admin."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from claims.models import ApiToken
from claims.views import REVOKED_MESSAGE
from tests.factories import ReferenceFactory

pytestmark = pytest.mark.django_db


def test_a_curator_creates_sees_once_and_revokes_their_token(curator_client, curator):
    url = reverse("api-token")
    assert "You have no API token." in curator_client.get(url).content.decode()
    created = curator_client.post(url, {"action": "create"}).content.decode()
    key = created.split('<code id="api-token-key">')[1].split("</code>")[0]
    assert len(key) == 64
    assert ApiToken.objects.get(user=curator).token_key == key[:15]
    assert key not in curator_client.get(url).content.decode()

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    ReferenceFactory(citekey="prior1990spinal")
    patched = api.patch("/api/references/prior1990spinal/", {"pages": "1221-7"}, format="json")
    assert patched.status_code == 200

    revoked = curator_client.post(url, {"action": "revoke"}, follow=True)
    assert REVOKED_MESSAGE in revoked.content.decode()
    assert not ApiToken.objects.filter(user=curator).exists()
    refused = api.patch("/api/references/prior1990spinal/", {"pages": "1"}, format="json")
    assert refused.status_code == 401


def test_the_token_page_needs_a_staff_login(client):
    response = client.get(reverse("api-token"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_admin_links_to_the_token_page(curator_client):
    page = curator_client.get(reverse("admin:index")).content.decode()
    assert f'href="{reverse("api-token")}"' in page


def test_the_token_admin_lists_tokens_without_their_keys(admin_client, curator):
    from claims.services import curator_token_create

    key = curator_token_create(user=curator)
    token = ApiToken.objects.get(user=curator)
    page = admin_client.get(reverse("admin:claims_apitoken_changelist")).content.decode()
    assert token.token_key in page
    assert key not in page  # the digest is the row's key in links: it cannot authenticate
