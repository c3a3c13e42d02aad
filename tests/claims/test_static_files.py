"""Static files in production: whitenoise serves hashed names with a far-future cache header."""

import pytest

from tests.processes import PRODUCTION_ENV, run_python

# Runs under the production settings in a fresh interpreter: collect into a temporary
# STATIC_ROOT, then fetch the stylesheet by the hashed URL the templates use.
SCRIPT = """
import tempfile
import django
django.setup()
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client, override_settings
with tempfile.TemporaryDirectory() as root, override_settings(STATIC_ROOT=root):
    call_command("collectstatic", interactive=False, verbosity=0)
    url = static("css/site.css")
    response = Client().get(url, secure=True, HTTP_ACCEPT_ENCODING="gzip")
    headers = [response["Cache-Control"], response.get("Content-Encoding")]
    fields = [url, response.status_code, *headers]
    print("|".join(map(str, fields)))
"""


@pytest.mark.slow
def test_production_serves_hashed_static_files_cached_for_a_year_and_compressed():
    result = run_python("-c", SCRIPT, **PRODUCTION_ENV, DJANGO_ALLOWED_HOSTS="testserver")
    assert result.returncode == 0, result.stderr
    url, status, cache_control, encoding = result.stdout.strip().split("|")
    assert url.startswith("/static/css/site.")
    assert url.endswith(".css")
    assert url != "/static/css/site.css"
    assert status == "200"
    assert cache_control.startswith("max-age=315360000, public, immutable")
    assert encoding == "gzip"
