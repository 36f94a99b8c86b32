import pytest

from tests.feeds import conftest


def test_without_node_modules_the_ical_js_tests_fail_and_say_to_run_npm_ci(tmp_path, monkeypatch):
    monkeypatch.setattr(conftest, "ROOT", tmp_path)
    with pytest.raises(pytest.fail.Exception, match="run `npm ci`"):
        conftest.ical_js(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")


def test_ical_js_is_installed_from_the_lockfile():
    assert (conftest.ROOT / "node_modules" / "ical.js" / "package.json").is_file(), "run `npm ci`"
    assert '"node_modules/ical.js"' in (conftest.ROOT / "package-lock.json").read_text()
