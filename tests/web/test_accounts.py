import re

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.test import override_settings

from members.models import Member
from tests.factories import OrganisationFactory, OrganisationMembershipFactory

PASSWORD = "correct horse battery staple"  # tests/factories.py


def in_our_layout(response) -> bool:
    return (
        'class="skip-link"' in response.text
        and "site-header" in response.text
        and "base.html" in [t.name for t in response.templates]
    )


def test_sign_up_log_in_and_password_reset_render_inside_our_layout(client, db):
    for url in ["/accounts/signup/", "/accounts/login/", "/accounts/password/reset/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert in_our_layout(response), url
        assert (
            '<label for="id_email">' in response.text or '<label for="id_login">' in response.text
        )


def test_a_bad_sign_up_shows_the_errors_and_creates_nobody(client, db):
    response = client.post(
        "/accounts/signup/", {"email": "not-an-email", "password1": "x", "password2": "y"}
    )
    assert response.status_code == 200
    assert "errorlist" in response.text and 'aria-invalid="true"' in response.text
    assert not Member.objects.exists()


def test_signing_up_sends_a_verification_email_and_says_so(
    client, db, mailoutbox, django_capture_on_commit_callbacks
):
    # allauth's emails are sent by the task queue once the request's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {
                "email": "new@example.org",
                "password1": "a long pass phrase 42",
                "password2": "a long pass phrase 42",
            },
            follow=True,
        )
    assert Member.objects.filter(email="new@example.org").exists()
    assert in_our_layout(response)
    assert "<h1>Check your email</h1>" in response.text
    assert len(mailoutbox) == 1


def test_a_wrong_password_shows_a_visible_error(client, member):
    response = client.post("/accounts/login/", {"login": member.email, "password": "wrong"})
    assert response.status_code == 200
    assert 'class="error-summary" role="alert"' in response.text


def test_the_account_and_logout_pages_render_inside_our_layout(client, member):
    client.force_login(member)
    for url in ["/accounts/email/", "/accounts/logout/", "/accounts/password/change/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert in_our_layout(response), url


def test_the_account_pages_use_the_site_words_in_sentence_case(client, db):
    """The header says "Log in" and "Sign up"; allauth's own "Sign In", "Sign Up", "Remember Me" never show."""
    login = client.get("/accounts/login/").text
    signup = client.get("/accounts/signup/").text
    reset = client.get("/accounts/password/reset/").text
    for text in (login, signup, reset):
        for title_case in (
            "Sign In",
            "Sign Up",
            "Sign in",
            "sign in",
            "Remember Me",
            "Password Reset",
        ):
            assert title_case not in text, title_case
    assert "<title>Log in · Commonshare</title>" in login
    assert "<h1>Log in</h1>" in login and '<button type="submit">Log in</button>' in login
    assert '<label for="id_remember">Remember me on this device</label>' in login
    assert 'href="/accounts/signup/">Sign up</a>' in login
    assert "<title>Sign up · Commonshare</title>" in signup
    assert "<h1>Sign up</h1>" in signup and '<button type="submit">Sign up</button>' in signup
    assert 'href="/accounts/login/">Log in</a>' in signup
    assert "<h1>Reset your password</h1>" in reset


def verified(member: Member) -> Member:
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    return member


def test_logging_in_and_out_says_so_in_the_site_words(client, member):
    verified(member)
    response = client.post(
        "/accounts/login/", {"login": member.email, "password": PASSWORD}, follow=True
    )
    assert "You are logged in as" in response.text
    page = client.get("/accounts/logout/").text
    assert "<h1>Log out</h1>" in page and "Sign Out" not in page
    response = client.post("/accounts/logout/", follow=True)
    assert "You have logged out." in response.text


def test_the_remember_me_box_still_works(client, member):
    verified(member)
    client.post("/accounts/login/", {"login": member.email, "password": PASSWORD, "remember": "on"})
    assert client.session.get_expire_at_browser_close() is False
    client.post("/accounts/logout/")
    client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
    assert client.session.get_expire_at_browser_close() is True


def test_the_account_management_pages_use_sentence_case(client, member):
    verified(member)
    client.force_login(member)
    email = client.get("/accounts/email/").text
    assert "<title>Email addresses · Commonshare</title>" in email
    assert "Make primary" in email and "Add an email address" in email
    password = client.get("/accounts/password/change/").text
    assert "<h1>Change your password</h1>" in password
    assert '<button type="submit">Change password</button>' in password
    for text in (email, password):
        for title_case in ("Email Addresses", "Make Primary", "Change Password", "Add Email"):
            assert title_case not in text, title_case


def test_changing_the_password_still_works_and_a_wrong_one_changes_nothing(client, member):
    verified(member)
    client.force_login(member)
    response = client.post(
        "/accounts/password/change/",
        {
            "oldpassword": "wrong",
            "password1": "a new pass phrase 43",
            "password2": "a new pass phrase 43",
        },
    )
    assert response.status_code == 200 and 'class="error-summary" role="alert"' in response.text
    member.refresh_from_db()
    assert member.check_password(PASSWORD)
    client.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "a new pass phrase 43",
            "password2": "a new pass phrase 43",
        },
    )
    member.refresh_from_db()
    assert member.check_password("a new pass phrase 43")


def test_account_emails_are_in_the_site_words_and_carry_their_links(
    client, member, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/accounts/signup/",
            {
                "email": "new@example.org",
                "password1": "a long pass phrase 42",
                "password2": "a long pass phrase 42",
            },
        )
    confirm = mailoutbox[-1]
    assert confirm.subject == "[Commonshare] Confirm your email address"
    assert "signed up for Commonshare at testserver with this email address" in confirm.body
    assert "http://testserver/accounts/confirm-email/" in confirm.body
    assert "Please Confirm" not in confirm.body and "Hello from" not in confirm.body

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": member.email})
    reset = mailoutbox[-1]
    assert reset.to == [member.email]
    assert reset.subject == "[Commonshare] Choose a new password"
    assert "http://testserver/accounts/password/reset/key/" in reset.body
    assert "your password stays as it is" in reset.body


# --- One language: the languages Commonshare ships, nothing half-translated ---------------------


@pytest.mark.parametrize("language", ["ur", "pl", "ur,pl;q=0.8,en;q=0.5"])
def test_a_browser_asking_for_another_language_gets_one_language_and_is_told_so(
    client, db, language
):
    response = client.post(
        "/accounts/login/", {"login": "", "password": ""}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    assert '<html lang="en-gb">' in response.text
    assert "This field is required." in response.text
    assert response.headers["Content-Language"] == "en-gb"


# --- The account page -----------------------------------------------------------------------------


def test_the_account_page_needs_a_login(client, db):
    response = client.get("/account/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=/account/")


def test_the_account_page_links_to_email_password_feeds_and_lists_the_members_organisations(
    client, member, other_member
):
    food_bank = OrganisationFactory(name="Ladywood Food Bank", slug="food-bank")
    choir = OrganisationFactory(name="Ladywood Community Choir", slug="choir")
    secret = OrganisationFactory(name="Someone Else's Charity", slug="someone-else")
    OrganisationMembershipFactory(organisation=food_bank, member=member, role="admin")
    OrganisationMembershipFactory(organisation=choir, member=member, role="member")
    OrganisationMembershipFactory(organisation=secret, member=other_member, role="admin")
    client.force_login(member)
    response = client.get("/account/")
    assert response.status_code == 200
    assert in_our_layout(response)
    page = response.text
    assert "<title>Your account · Commonshare</title>" in page
    assert member.email in page
    for url in ["/accounts/email/", "/accounts/password/change/", "/account/calendar-feeds/"]:
        assert f'href="{url}"' in page, url
    assert 'href="/account/" aria-current="page">Account</a>' in page
    choir_link = '<a href="/organisations/choir/">Ladywood Community Choir</a>'
    assert f'{choir_link} <span class="muted">(Member)</span>' in page
    assert 'Ladywood Food Bank</a> <span class="muted">(Organisation admin)</span>' in page
    assert page.index("Ladywood Community Choir") < page.index("Ladywood Food Bank")
    assert "Someone Else" not in page
    assert 'href="/account/memberships/"' in page


def test_a_member_of_no_organisation_is_told_so(client, member):
    client.force_login(member)
    assert "You do not belong to an organisation yet." in client.get("/account/").text


def test_the_header_account_link_goes_to_the_account_page(client, member):
    client.force_login(member)
    page = client.get("/accounts/email/").text
    assert '<a href="/account/">Account</a>' in page


# --- Login limits ---------------------------------------------------------------------------------

TOO_MANY = "Too many failed login attempts. Try again later."


def test_six_wrong_passwords_lock_the_account_but_a_reset_by_email_lets_its_owner_back_in(
    client, member, mailoutbox, django_capture_on_commit_callbacks
):
    verified(member)
    with override_settings(ACCOUNT_RATE_LIMITS=settings.COMMONSHARE_RATE_LIMITS):
        for attempt in range(6):
            response = client.post("/accounts/login/", {"login": member.email, "password": "wrong"})
            assert response.status_code == 200, attempt
        assert TOO_MANY in response.text
        response = client.post("/accounts/login/", {"login": member.email, "password": PASSWORD})
        assert TOO_MANY in response.text
        assert "_auth_user_id" not in client.session

        with django_capture_on_commit_callbacks(execute=True):
            client.post("/accounts/password/reset/", {"email": member.email})
        assert len(mailoutbox) == 1 and mailoutbox[0].to == [member.email]
        link = re.search(
            r"http://testserver(/accounts/password/reset/key/\S+/)", mailoutbox[0].body
        )
        assert link
        form = client.get(link.group(1), follow=True)
        client.post(
            form.redirect_chain[-1][0] if form.redirect_chain else link.group(1),
            {"password1": "a new pass phrase 43", "password2": "a new pass phrase 43"},
        )
        member.refresh_from_db()
        assert member.check_password("a new pass phrase 43")
        response = client.post(
            "/accounts/login/", {"login": member.email, "password": "a new pass phrase 43"}
        )
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(member.pk)


@override_settings(
    ACCOUNT_RATE_LIMITS=settings.COMMONSHARE_RATE_LIMITS, ALLOWED_HOSTS=["book.example.org"]
)
def test_changing_the_port_in_the_host_header_does_not_buy_more_guesses(client, member):
    """Django accepts any port in Host; the account's failed-login count must not depend on it
    (allauth keyed it by host and port: two app servers, or a guesser, kept separate counts)."""
    verified(member)
    for port in range(8001, 8007):
        response = client.post(
            "/accounts/login/",
            {"login": member.email, "password": "wrong"},
            HTTP_HOST=f"book.example.org:{port}",
        )
        assert response.status_code == 200
    assert TOO_MANY in response.text
    response = client.post(
        "/accounts/login/",
        {"login": member.email, "password": PASSWORD},
        HTTP_HOST="book.example.org",
    )
    assert TOO_MANY in response.text
    assert "_auth_user_id" not in client.session
