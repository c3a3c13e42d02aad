"""Production settings pass Django's deployment checks; no secret is built in."""

from pathlib import Path

import pytest

from tests.processes import PRODUCTION_ENV, run_manage, run_python


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


def test_debug_is_off_unless_turned_on():
    script = (
        "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    )
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.base", "DJANGO_SECRET_KEY": "k" * 50}
    default = run_python("-c", script, **env, DJANGO_DEBUG="")
    turned_on = run_python("-c", script, **env, DJANGO_DEBUG="1")
    assert (default.stdout.strip(), turned_on.stdout.strip()) == ("False", "True")


def test_only_base_settings_read_the_environment():
    settings_dir = Path(__file__).resolve().parent.parent / "config" / "settings"
    for module in settings_dir.glob("*.py"):
        if module.name not in {"base.py", "__init__.py"}:
            text = module.read_text()
            assert "environ.get(" not in text, module.name
            assert "env_bool(" not in text, module.name


def test_makefile_run_turns_debug_on():
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text()
    assert "run: export DJANGO_DEBUG ?= 1" in makefile


def test_replica_urls_become_read_aliases_of_the_router():
    result = run_python(
        "-c",
        "from django.conf import settings; import django; django.setup(); "
        "print(settings.LEDGER_READ_REPLICAS, settings.DATABASES['replica2']['HOST'])",
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DJANGO_DEBUG="1",
        DATABASE_REPLICA_URLS="postgres://u@r1:5432/ledger,postgres://u@r2:5432/ledger",
    )
    assert result.stdout.split() == ["['replica1',", "'replica2']", "r2"]


def test_replicas_give_up_connecting_after_a_timeout_and_health_check_kept_connections():
    result = run_python(
        "-c",
        "from django.conf import settings; import django; django.setup(); "
        "print([(d['OPTIONS']['connect_timeout'], d['CONN_HEALTH_CHECKS']) "
        "for alias, d in settings.DATABASES.items() if alias != 'default'])",
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DJANGO_DEBUG="1",
        DATABASE_REPLICA_URLS="postgres://u@r1/ledger,postgres://u@r2/ledger?connect_timeout=7",
    )
    assert result.stdout.strip() == "[(2, True), (7, True)]", result.stderr


def test_without_database_url_settings_say_how_to_get_a_database():
    result = run_manage("check", DJANGO_DEBUG="1", DATABASE_URL="")
    assert result.returncode != 0
    assert "DATABASE_URL is not set" in result.stderr
    assert "make run" in result.stderr


def test_a_database_other_than_postgresql_is_refused():
    result = run_manage("check", DJANGO_DEBUG="1", DATABASE_URL="mysql://u@localhost/ledger")
    assert result.returncode != 0
    assert "must name a PostgreSQL database" in result.stderr


def test_redis_url_puts_tasks_on_rq_and_the_database_backend_serves_without_it():
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.TASKS['default']['BACKEND'], 'django_rq' in settings.INSTALLED_APPS, "
        "settings.RQ_QUEUES['default']['URL'])"
    )
    env = {"DJANGO_SETTINGS_MODULE": "config.settings.base", "DJANGO_DEBUG": "1"}
    with_redis = run_python("-c", script, **env, REDIS_URL="redis://redis:6379/2")
    without = run_python("-c", script, **env, REDIS_URL="")
    assert with_redis.stdout.split() == [
        "django_tasks_rq.RQBackend",
        "True",
        "redis://redis:6379/2",
    ]
    assert without.stdout.split()[:2] == ["django_tasks_db.DatabaseBackend", "False"]
