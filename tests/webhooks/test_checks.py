from django.core import checks

from webhooks.checks import loopback_http_is_off


def test_loopback_http_fails_the_deployment_checks(db, settings):
    assert loopback_http_is_off(None) == []
    settings.WEBHOOKS_ALLOW_LOOPBACK_HTTP = True
    [error] = loopback_http_is_off(None)
    assert error.id == "webhooks.E001" and error.level == checks.ERROR
    assert "webhooks.E001" in {
        message.id for message in checks.run_checks(include_deployment_checks=True)
    }
