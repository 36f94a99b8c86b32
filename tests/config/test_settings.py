"""Start-up fails loudly on junk settings, naming the variable; a sane production environment starts."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "bin" / "python"
SETTINGS_VARIABLES = {
    "DEBUG", "SECRET_KEY", "TIME_ZONE", "DATABASE_URL", "SITE_URL", "ALLOWED_HOSTS", "EMAIL_SMTP_HOST",
    "ACCOUNT_EMAIL_VERIFICATION", "TRUSTED_PROXY_COUNT", "EMAIL_SMTP_PORT", "REDIS_URL",
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
}  # fmt: skip
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "a-long-random-production-secret-key-for-the-test-only",
    "ALLOWED_HOSTS": "book.example.org",
    "SITE_URL": "https://book.example.org",
    "DATABASE_URL": "postgres://commonshare@db.example.org:5432/commonshare",
    "TIME_ZONE": "Europe/London",
}


def start(**overrides: str) -> subprocess.CompletedProcess:
    """Run django.setup() in a fresh interpreter with only these settings variables set."""
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", **overrides)
    python = str(PYTHON) if PYTHON.exists() else sys.executable
    return subprocess.run(
        [python, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"DEBUG": "maybe"}, "DEBUG must be one of"),
        ({**PRODUCTION, "SECRET_KEY": ""}, "SECRET_KEY is required"),
        ({"DEBUG": "false", "ALLOWED_HOSTS": "example.org"}, "SECRET_KEY is required"),
        ({"TIME_ZONE": "Mars/Base"}, "TIME_ZONE must be an IANA zone"),
        (
            {"DATABASE_URL": "mysql://user:pw@localhost/commonshare"},
            "DATABASE_URL must point at SQLite or PostgreSQL",
        ),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"SITE_URL": "ftp://x"}, "SITE_URL must start with http"),
        ({"TRUSTED_PROXY_COUNT": "two"}, "TRUSTED_PROXY_COUNT must be a whole number"),
        ({"ACCOUNT_EMAIL_VERIFICATION": "sometimes"}, "ACCOUNT_EMAIL_VERIFICATION must be"),
    ],
    ids=[
        "DEBUG=maybe",
        "production without SECRET_KEY",
        "DEBUG=false without SECRET_KEY",
        "TIME_ZONE=Mars/Base",
        "DATABASE_URL=mysql",
        "DATABASE_URL garbage",
        "SITE_URL=ftp",
        "TRUSTED_PROXY_COUNT=two",
        "ACCOUNT_EMAIL_VERIFICATION=sometimes",
    ],
)
def test_start_up_fails_loudly_on_a_junk_setting(env, words):
    result = start(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert words in result.stderr


def test_a_sane_production_environment_starts():
    result = start(**PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_the_development_defaults_start_with_no_environment_at_all():
    result = start()
    assert result.returncode == 0, result.stderr


def test_production_settings_are_what_they_say():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DEBUG, s.ALLOWED_HOSTS, s.DATABASES['default']['ENGINE'], s.SESSION_COOKIE_SECURE, s.SITE_URL)"
    )
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", **PRODUCTION)
    python = str(PYTHON) if PYTHON.exists() else sys.executable
    result = subprocess.run(
        [python, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == [
        "False", "['book.example.org']", "django.db.backends.postgresql", "True", "https://book.example.org",
    ]  # fmt: skip


def test_sqlite_writers_take_the_lock_when_their_transaction_starts():
    code = "import django; django.setup(); from django.conf import settings as s; print(s.DATABASES['default']['OPTIONS'])"
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE="config.settings")
    python = str(PYTHON) if PYTHON.exists() else sys.executable
    result = subprocess.run(
        [python, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert "'transaction_mode': 'IMMEDIATE'" in result.stdout, result.stderr


def test_an_empty_database_url_means_the_sqlite_default():
    python = str(PYTHON) if PYTHON.exists() else sys.executable
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DATABASE_URL="")
    result = subprocess.run(
        [
            python,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.DATABASES['default']['ENGINE'])",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"
