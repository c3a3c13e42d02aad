"""Production settings pass Django's deployment checks; no secret is built in."""

import pytest

from tests.processes import PRODUCTION_ENV, run_manage


def test_check_deploy_passes_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION_ENV,
        DJANGO_ALLOWED_HOSTS="ledger.example.org",
    )
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.parametrize("secret", ["", None])
def test_production_refuses_to_start_without_a_secret_key(secret):
    result = run_manage("check", **{**PRODUCTION_ENV, "DJANGO_SECRET_KEY": secret or ""})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr
