"""Row claiming (``core/claims.py``) on whichever engine the suite runs: due rows in order,
a leased row is not taken again, a claimed batch is the first due rows. Several processes at
once: ``tests/test_many_processes.py``."""

import datetime as dt

import pytest
from django.utils import timezone

from dailypapers.core.claims import claim_one, claimed_batch
from dailypapers.digests.models import Subscription
from dailypapers.search import serving, vectors
from dailypapers.search.embedder import get_embedder
from tests.support.testing import make_paper

pytestmark = pytest.mark.django_db


def test_claims_take_due_rows_in_order_and_never_a_leased_one_twice():
    now = timezone.now()
    for minutes, email in ((1, "later@example.org"), (5, "first@example.org")):
        Subscription.objects.create(email=email, next_send_at=now - dt.timedelta(minutes=minutes))
    lease = now + dt.timedelta(minutes=5)

    def due():
        return Subscription.objects.exclude(claimed_until__gt=now)

    first = claim_one(due(), ("next_send_at",), claimed_until=lease)
    second = claim_one(due(), ("next_send_at",), claimed_until=lease)
    assert first is not None and first.email == "first@example.org"
    assert first.claimed_until == lease
    assert second is not None and second.email == "later@example.org"
    assert claim_one(due(), ("next_send_at",), claimed_until=lease) is None


def test_a_claimed_batch_is_the_first_due_rows_and_done_ones_are_not_due_again():
    papers = [make_paper(f"Batch paper {n}") for n in range(5)]
    model = get_embedder().name
    with claimed_batch(serving.missing(model), 3) as batch:
        assert batch == papers[:3]
        vectors.embed_papers(batch)
    with claimed_batch(serving.missing(model), 3) as batch:
        assert batch == papers[3:]
