"""A digest worker's batch of readers (``digest_batch.prepare_readers``): read in a few
statements for the whole batch, and every reader's sections exactly what composing their
digest alone gives: the same papers, the same reasons, in the same order."""

import datetime as dt

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dailypapers.digests import compose as composing
from dailypapers.digests.compose import compose
from dailypapers.digests.tests.helpers import DUE, subscriber
from dailypapers.library import alerts, prepared
from dailypapers.library.digest_batch import prepare_readers
from dailypapers.library.following import follow
from dailypapers.library.members import set_mark
from dailypapers.library.models import LibraryItem
from dailypapers.library.ranking import closeness, closeness_many
from dailypapers.papers.models import Paper
from dailypapers.search import vectors
from tests.support.personas import make_user
from tests.support.testing import list_on, make_paper

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 5, 18)
PUBLISHED = dt.datetime(2026, 5, 17, 12, tzinfo=dt.UTC)
OLD = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
TOPICS = [
    ("speech recognition with transducers", "Automatic speech recognition of spoken audio."),
    ("relational query optimization", "Join ordering for SQL databases."),
    ("protein folding with diffusion", "Diffusion models predict protein structures."),
    ("robot grasping from video", "Robots learn to grasp objects from videos."),
]


def forget() -> None:
    prepared.forget()
    alerts.forget()
    composing.forget()


@pytest.fixture
def readers():
    """Five readers of one day: libraries on different topics, one with a period paper
    marked "not interested" (a set of candidates of its own), one with follows only, one
    with nothing."""
    today, older = [], []
    for n, (title, abstract) in enumerate(TOPICS * 2):
        paper = make_paper(
            f"{title} {n}",
            abstract=abstract,
            authors=[f"Author {n % 3}", "Shared Author"],
            published_at=PUBLISHED,
            announced_on=MONDAY,
            upstream_upvotes=n,
        )
        list_on(paper, MONDAY)
        today.append(paper)
        older.append(
            make_paper(
                f"Earlier {title} {n}",
                abstract=abstract,
                authors=[f"Author {n % 3}"],
                published_at=OLD,
                announced_on=OLD.date(),
            )
        )
    for paper in older[1:3]:  # new versions of two library papers, in the period
        paper.versions.create(number=2, submitted_at=PUBLISHED)
    vectors.embed_papers(Paper.objects.all())
    users = [make_user(f"reader{n}") for n in range(5)]
    for n, user in enumerate(users[:3]):
        for paper in older[n : n + 3]:
            LibraryItem.objects.create(user_id=user.pk, paper=paper)
    set_mark(users[1], today[0], "not_interested", True)
    follow(users[3], "author", "Author 1")
    follow(users[0], "author", "Author 2")
    return [subscriber(email=f"reader{n}@example.org", user=u) for n, u in enumerate(users)]


def sections(digest) -> list:
    return [
        [(m.paper.arxiv_id, m.reason) for m in digest.alerts],
        [(m.paper.arxiv_id, m.reason) for m in digest.for_you],
        [p.arxiv_id for p in digest.trending],
    ]


def test_a_batch_gives_each_reader_what_composing_alone_gives(readers):
    forget()
    alone = [sections(compose(s, DUE, set())) for s in readers]
    # Each section has papers to compare: alerts (follows, new versions) and "For you".
    assert any(digest[0] for digest in alone) and any(digest[1] for digest in alone)
    assert any("new version" in reason for digest in alone for _, reason in digest[0])
    forget()
    batch = prepare_readers(readers)
    assert sorted(batch) == sorted(s.user_id for s in readers)
    together = [sections(compose(s, DUE, set(), batch[s.user_id])) for s in readers]
    assert together == alone


def test_a_batch_of_five_readers_is_read_in_the_statements_of_one(readers):
    forget()
    prepare_readers(readers[:2])  # the period's kept parts are read once, here
    forget_readers_only()
    with CaptureQueriesContext(connection) as two:
        prepare_readers(readers[:2])
    forget_readers_only()
    with CaptureQueriesContext(connection) as five:
        prepare_readers(readers)
    # Libraries and marks, follows, the vectors, the library papers' authors, the pages'
    # papers, the titles reasons name (when one does), the new versions: per batch.
    assert len(statements(two)) <= 7
    assert len(statements(five)) <= 7


def statements(captured) -> list[str]:
    """The statements run, less the vector index's check of its model, which these tests
    make on every use (``SEARCH_VECTOR_REFRESH_SECONDS = 0``, conftest.py)."""
    return [q["sql"] for q in captured.captured_queries if "search_embeddingmodel" not in q["sql"]]


def forget_readers_only() -> None:
    with prepared._lock:
        prepared._libraries.clear()


def test_the_closeness_of_many_libraries_is_each_ones_closeness():
    chooser = np.random.default_rng(3)
    candidates = chooser.normal(size=(40, 16)).astype(np.float32)
    candidates[5] = 0  # a candidate without a vector yet
    libraries = [chooser.normal(size=(m, 16)).astype(np.float32) for m in (3, 1, 7)]
    libraries[2][1] = 0  # a library paper without a vector
    libraries.append(np.zeros((2, 16), np.float32))  # none has a vector
    for top_k, center in ((1, True), (3, True), (1, False)):
        many = closeness_many(candidates, libraries, top_k, center)
        for library, got in zip(libraries, many, strict=True):
            near, nearest, cosine = closeness(candidates, library, top_k, center)
            assert np.allclose(got[0], near, atol=1e-6)
            assert (got[1] == nearest).all()
            assert np.allclose(got[2], cosine, atol=1e-6)
