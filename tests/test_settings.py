"""Production settings pass Django's deployment checks; no secret is built in."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="config.settings.prod",
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="ledger.example.org",
    )
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.parametrize("secret", ["", None])
def test_production_refuses_to_start_without_a_secret_key(secret):
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.prod", "DJANGO_SECRET_KEY": secret or ""}
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr
