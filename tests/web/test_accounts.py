from members.models import Member


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


def test_signing_up_sends_a_verification_email_and_says_so(client, db, mailoutbox):
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
    assert "Verify Your Email Address" in response.text or "verification" in response.text.lower()
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
