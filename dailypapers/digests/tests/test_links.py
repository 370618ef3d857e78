"""A digest's links made without reverse() per link are reverse()'s, and they open."""

import pytest
from django.urls import reverse

from dailypapers.digests.links import ACTIONS, absolute_url, link_path, make_token, read_token
from dailypapers.digests.tests.helpers import subscriber

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("action", ACTIONS)
def test_a_link_path_is_what_reverse_makes(action):
    subscription = subscriber()
    token = make_token(subscription, action)
    assert link_path(action, token) == reverse(f"digests:{action}", args=[token])
    # Anything but a signed token's characters goes through reverse() itself, quoted.
    assert link_path(action, "a b.ü") == reverse(f"digests:{action}", args=["a b.ü"])


def test_an_absolute_link_carries_a_token_that_reads_back(client):
    subscription = subscriber()
    url = absolute_url(subscription, "manage")
    assert read_token(url.rsplit("/", 1)[-1], "manage") == subscription
    assert client.get(url.split("8000", 1)[-1]).status_code == 200
