"""Settings read from the environment: production safety and the migration state."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "newsroom.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_debug_off_and_a_real_secret(tmp_path):
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "k7#Qm2vX9pL0sR4tY8wZ1aB3cD5eF6gH7iJ8kL9mN0oP1qR2sT3uV4",
            "DJANGO_ALLOWED_HOSTS": "news.example.org",
            "NEWSROOM_SITE_URL": "https://news.example.org",
            "NEWSROOM_VAR_DIR": str(tmp_path),
        },
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNINGS" not in result.stderr + result.stdout


def test_check_deploy_warns_when_the_site_url_is_missing(tmp_path):
    result = manage(
        "check",
        "--deploy",
        env={
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "k7#Qm2vX9pL0sR4tY8wZ1aB3cD5eF6gH7iJ8kL9mN0oP1qR2sT3uV4",
            "DJANGO_ALLOWED_HOSTS": "news.example.org",
            "NEWSROOM_VAR_DIR": str(tmp_path),
        },
    )
    assert "moderation.W001" in result.stderr + result.stdout


def test_missing_secret_key_with_debug_off_stops_with_a_clear_message(tmp_path):
    result = manage("check", env={"DJANGO_DEBUG": "0", "NEWSROOM_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


@pytest.mark.django_db
def test_sqlite_uses_wal_and_a_busy_timeout(settings):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip(f"SQLite-only setting (this run uses {connection.vendor})")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0].lower() == "wal"
    assert settings.DATABASES["default"]["OPTIONS"]["timeout"] >= 5
    assert settings.DATABASES["default"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
