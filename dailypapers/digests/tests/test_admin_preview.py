"""The admin's preview of a subscription's next digest."""

import pytest

from dailypapers.digests.tests.helpers import papers_of_the_day, subscriber
from tests.support import personas
from tests.support.fixtures import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_mallory(db):
    return logged_in(personas.mallory())


@pytest.fixture
def as_alice(db):
    return logged_in(personas.alice())


def test_the_preview_of_a_missing_subscription_is_a_404(as_mallory):
    assert as_mallory.get("/admin/digests/subscription/999999/preview/").status_code == 404


def test_the_preview_shows_the_mail_under_its_own_policy(as_mallory):
    papers_of_the_day()
    subscription = subscriber()
    response = as_mallory.get(f"/admin/digests/subscription/{subscription.pk}/preview/")
    assert response.status_code == 200 and "Loud paper on agents" in response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy


def test_only_staff_see_a_preview(as_alice):
    subscription = subscriber()
    response = as_alice.get(f"/admin/digests/subscription/{subscription.pk}/preview/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
