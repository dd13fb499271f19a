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


def test_commands_after_setup_read_the_key_that_make_setup_wrote(tmp_path):
    """After `make run`, `manage.py COMMAND` works as typed: the key comes from var/secret_key
    and the commands use the same database as the server."""
    (tmp_path / "secret_key").write_text("key-written-by-make-setup-0123456789abcdefghij\n")
    env = {
        "DJANGO_DEBUG": "0",
        "NEWSROOM_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
    }
    assert manage("migrate", "--noinput", env=env).returncode == 0
    result = manage(
        "shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)", env=env
    )
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip().splitlines()[-1] == "key-written-by-make-setup-0123456789abcdefghij"
    )
    imported = manage("import_article", ROOT / "tests/fixtures/import/court-forum.txt", env=env)
    assert imported.returncode == 0, imported.stderr
    assert "Imported article 1" in imported.stdout


def test_the_key_file_can_be_named_and_the_variable_wins(tmp_path):
    key_file = tmp_path / "elsewhere.key"
    key_file.write_text("key-from-a-named-file-0123456789abcdefghijklmnop")
    code = "from django.conf import settings; print(settings.SECRET_KEY)"
    env = {"DJANGO_DEBUG": "0", "NEWSROOM_VAR_DIR": str(tmp_path / "empty")}
    named = manage("shell", "-c", code, env={**env, "DJANGO_SECRET_KEY_FILE": str(key_file)})
    assert (
        named.stdout.strip().splitlines()[-1] == "key-from-a-named-file-0123456789abcdefghijklmnop"
    )
    both = manage(
        "shell",
        "-c",
        code,
        env={**env, "DJANGO_SECRET_KEY_FILE": str(key_file), "DJANGO_SECRET_KEY": "from-env"},
    )
    assert both.stdout.strip().splitlines()[-1] == "from-env"
    missing = manage("check", env={**env, "DJANGO_SECRET_KEY_FILE": str(tmp_path / "nope")})
    assert missing.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in missing.stderr


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


def test_the_fetch_timeout_may_not_outlive_a_worker(tmp_path):
    env = {"DJANGO_DEBUG": "1", "NEWSROOM_VAR_DIR": str(tmp_path)}
    refused = manage("check", env={**env, "NEWSROOM_IMPORT_FETCH_TIMEOUT": "61"})
    assert refused.returncode != 0
    assert "NEWSROOM_IMPORT_FETCH_TIMEOUT must be seconds" in refused.stderr
    assert "at most 60" in refused.stderr
    accepted = manage("check", env={**env, "NEWSROOM_IMPORT_FETCH_TIMEOUT": "60"})
    assert accepted.returncode == 0, accepted.stderr
