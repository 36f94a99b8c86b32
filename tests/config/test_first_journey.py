"""The README's first journey works as printed: readable email links, the served address in every
link, one language per page, and login limits that every worker shares."""

import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from config.mail import ConsoleEmailBackend
from demo.management.commands.load_demo import Command as LoadDemo
from members.checks import check_the_cache_is_shared

from .test_settings import PYTHON, ROOT, SETTINGS_VARIABLES

CONFIRM_LINK = re.compile(r"^http://testserver/accounts/confirm-email/[^\s/]+/$", re.MULTILINE)


def setting(expression: str, **env: str) -> str:
    """`expression` (about `s`, the settings) printed by a fresh interpreter with only these variables."""
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    clean.update(DJANGO_SETTINGS_MODULE="config.settings", **env)
    python = str(PYTHON) if Path(PYTHON).exists() else sys.executable
    code = (
        f"import django; django.setup(); from django.conf import settings as s; print({expression})"
    )
    result = subprocess.run(
        [python, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


# --- 1. The printed confirmation email -----------------------------------------------------------


def test_development_email_is_printed_by_the_8bit_console_mailer():
    assert setting("s.MAILERS['default']['BACKEND']") == "config.mail.ConsoleEmailBackend"


def test_the_printed_confirmation_email_has_the_whole_link_on_one_line(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # sent by the task queue
        client.post(
            "/accounts/signup/",
            {
                "email": "new@example.org",
                "password1": "a long pass phrase 42",
                "password2": "a long pass phrase 42",
            },
        )
    printed = StringIO()
    ConsoleEmailBackend(stream=printed).send_messages([mailoutbox[-1]])
    text = printed.getvalue()
    assert "quoted-printable" not in text and "=\n" not in text
    links = CONFIRM_LINK.findall(text)
    assert len(links) == 1, text
    page = client.get(links[0].removeprefix("http://testserver"))
    assert page.status_code == 200
    assert "confirm" in page.text.lower()


def test_a_printed_email_keeps_its_accents_readable():
    from django.core.mail import EmailMessage

    printed = StringIO()
    message = EmailMessage(
        "Café", "Zoë booked the Chancel Room.\n", "a@example.org", ["b@example.org"]
    )
    ConsoleEmailBackend(stream=printed).send_messages([message])
    assert "Content-Transfer-Encoding: 8bit" in printed.getvalue()
    assert "Zoë booked the Chancel Room." in printed.getvalue()


# --- 2. The address in every link is the one being served ----------------------------------------


def test_site_url_defaults_to_port_8000_and_follows_the_environment():
    assert setting("s.SITE_URL") == "http://127.0.0.1:8000"
    assert setting("s.SITE_URL", SITE_URL="http://127.0.0.1:8123/") == "http://127.0.0.1:8123"


@pytest.mark.parametrize(
    ("arguments", "env", "address"),
    [
        ([], {}, "http://127.0.0.1:8000"),
        (["PORT=8123"], {}, "http://127.0.0.1:8123"),
        (["PORT=8123"], {"SITE_URL": "https://book.example.org"}, "https://book.example.org"),
        (["PORT=8123", "SITE_URL=http://localhost:9000"], {}, "http://localhost:9000"),
    ],
    ids=[
        "default",
        "PORT=8123",
        "SITE_URL in the environment wins",
        "SITE_URL on the command line",
    ],
)
def test_make_run_serves_and_loads_the_demo_with_a_matching_site_url(arguments, env, address):
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES} | env
    result = subprocess.run(
        ["make", "-n", "run", *arguments], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    for command in ("manage.py load_demo", "manage.py runserver"):
        (line,) = [line for line in result.stdout.splitlines() if command in line]
        assert line.startswith(f"SITE_URL='{address}' "), line


@override_settings(SITE_URL="http://127.0.0.1:8123")
def test_load_demo_prints_the_address_from_site_url():
    printed = LoadDemo().logins_table()
    assert "Open http://127.0.0.1:8123/ and log in" in printed
    assert ":8000" not in printed


# --- 4. One language ------------------------------------------------------------------------------


def test_only_the_languages_shipped_in_locale_are_offered():
    from django.conf import settings

    shipped = {path.name for path in (ROOT / "locale").iterdir() if (path / "LC_MESSAGES").is_dir()}
    offered = {code for code, _name in settings.LANGUAGES}
    assert offered == {"en-gb"} | {code.replace("_", "-").lower() for code in shipped}


# --- 6. A cache every worker shares ---------------------------------------------------------------


def test_the_cache_is_the_database_by_default_and_redis_with_redis_url():
    assert (
        setting("s.CACHES['default']['BACKEND']") == "django.core.cache.backends.db.DatabaseCache"
    )
    assert (
        setting("s.CACHES['default']['BACKEND']", REDIS_URL="redis://127.0.0.1:6379/0")
        == "django.core.cache.backends.redis.RedisCache"
    )


def test_migrate_creates_the_database_cache_table(db):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS commonshare_cache")
    call_command("migrate", verbosity=0)
    assert "commonshare_cache" in connection.introspection.table_names()


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.cache.backends.dummy.DummyCache",
    ],
)
def test_check_warns_of_a_per_process_cache_when_debug_is_off(backend):
    with override_settings(DEBUG=False, CACHES={"default": {"BACKEND": backend}}):
        (warning,) = check_the_cache_is_shared()
    assert warning.id == "members.W001" and "REDIS_URL" in warning.hint


@pytest.mark.parametrize(
    ("debug", "backend"),
    [
        (True, "django.core.cache.backends.locmem.LocMemCache"),
        (False, "django.core.cache.backends.db.DatabaseCache"),
        (False, "django.core.cache.backends.redis.RedisCache"),
    ],
)
def test_check_is_quiet_in_development_or_with_a_shared_cache(debug, backend):
    with override_settings(DEBUG=debug, CACHES={"default": {"BACKEND": backend}}):
        assert check_the_cache_is_shared() == []


def test_manage_py_check_shows_the_warning_in_production():
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    clean.update(DEBUG="false", SECRET_KEY="x" * 50, ALLOWED_HOSTS="book.example.org")
    python = str(PYTHON) if Path(PYTHON).exists() else sys.executable
    code = (
        "import django; from django.conf import settings; "
        "django.setup(); "
        "settings.CACHES = {'default': {'BACKEND': 'django.core.cache.backends.locmem.LocMemCache'}}; "
        "from django.core.management import call_command; call_command('check')"
    )
    result = subprocess.run(
        [python, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=60
    )
    assert "members.W001" in result.stderr + result.stdout
