"""The OpenAPI document: it validates, and declares the export media types; docs are served."""

import pytest
import yaml
from openapi_spec_validator import validate

from citations.api.renderers import EXPORT_RENDERERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(anon):
    response = anon.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_schema_is_valid_openapi_3(schema):
    validate(schema)

    assert schema["openapi"].startswith("3.")


@pytest.mark.parametrize(
    "path",
    ["/api/claims/", "/api/claims/{slug}/", "/api/references/", "/api/topics/{slug}/"],
)
def test_schema_declares_the_export_media_types(schema, path):
    content = schema["paths"][path]["get"]["responses"]["200"]["content"]

    assert set(content) == {"application/json"} | {r.media_type for r in EXPORT_RENDERERS}


def test_docs_page_serves_swagger_ui_without_a_cdn(anon, db):
    response = anon.get("/api/docs/")

    html = response.content.decode()
    assert response.status_code == 200
    bundle = "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"
    assert f'<script src="{bundle}"></script>' in html
    assert "https://" not in html


def test_schema_says_reads_need_no_credentials_and_writes_do(schema):
    claims = schema["paths"]["/api/claims/"]

    assert {} in claims["get"]["security"]
    assert {} not in claims["post"]["security"]


def test_schema_documents_error_responses(schema):
    detail = schema["paths"]["/api/claims/{slug}/"]

    assert {"400", "404", "406", "429"} <= set(detail["get"]["responses"])
    assert {"400", "403", "404", "409"} <= set(detail["delete"]["responses"])
    assert "403" not in detail["get"]["responses"]
