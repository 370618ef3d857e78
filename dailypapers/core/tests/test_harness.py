"""The shared test harness (tests/support/) reaches every app's tests: registered once in the
root conftest.py, its autouse fixture runs here too, where nothing imports it."""

from django.contrib.auth.hashers import get_hasher


def test_the_fast_hasher_and_open_limits_apply_without_any_import(settings):
    assert get_hasher().algorithm == "md5"
    assert settings.RATE_LIMITS == {}


def test_the_personas_are_fixtures_everywhere(alice, charlie):
    assert alice.profile.email_verified and not charlie.profile.email_verified
    assert alice.password.startswith("md5$")
