"""Production settings pass Django's deployment checks; every page carries a strict Content
Security Policy; errors are answered by pages in the site's own layout."""

import os
import re
import subprocess
import sys

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tests.config.test_settings import PRODUCTION, PYTHON, ROOT, SETTINGS_VARIABLES
from tests.factories import MemberFactory, VenueFactory

DEPLOY = {
    **PRODUCTION,
    "SECRET_KEY": "k3y-" + "x7Qz9wLm2Vb8Rt4Yp6Nc1Hd5Jf0Gs3Ke" * 2,
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
}


def test_the_deployment_checks_pass_with_the_production_environment() -> None:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_VARIABLES}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", **DEPLOY)
    python = str(PYTHON) if PYTHON.exists() else sys.executable
    result = subprocess.run(
        [python, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
def test_every_page_carries_a_strict_policy(client: Client) -> None:
    response = client.get(reverse("bookings:venues"))
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    for kind in ("script-src", "style-src"):
        assert "unsafe-inline" not in directives[kind]
        assert "unsafe-eval" not in directives[kind]
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


TEMPLATE_DIRS = [ROOT / "templates"]


def test_no_template_has_an_inline_script_or_style_without_the_nonce() -> None:
    """Inline <script>/<style> must carry the request's nonce; style="" attributes and inline
    event handlers are refused by the policy whatever they carry."""
    offences = []
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            text = path.read_text()
            for tag in re.findall(r"<(?:script|style)\b[^>]*>", text):
                if "nonce=" not in tag:
                    offences.append(f"{path.relative_to(ROOT)}: {tag}")
            for attribute in re.findall(r"\s(?:style|on[a-z]+)=\"", text):
                offences.append(f"{path.relative_to(ROOT)}: {attribute.strip()}")
    assert not offences, "\n".join(offences)


@pytest.mark.django_db
def test_a_missing_page_is_a_404_in_the_site_layout(client: Client) -> None:
    with override_settings(DEBUG=False):
        response = client.get("/no/such/page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Page not found" in text
    assert 'class="site-header"' in text
    assert reverse("bookings:venues") in text


@pytest.mark.django_db
def test_another_venues_manager_page_is_a_404_in_the_site_layout(client: Client) -> None:
    venue = VenueFactory()
    client.force_login(MemberFactory())
    with override_settings(DEBUG=False):
        response = client.get(reverse("bookings:venue_day", kwargs={"venue_slug": venue.slug}))
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_fault_is_a_500_in_the_site_layout(rf) -> None:
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    text = response.content.decode()
    assert "Something went wrong on our side" in text
    assert 'class="site-header"' in text
