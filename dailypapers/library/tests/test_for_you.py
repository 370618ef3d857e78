"""``/papers/for-you`` on a small corpus where the right answer is known: a reader of two
fields (speech recognition, protein structure) sees both fields first, each paper with its
reason; follows, "not interested" and "read" change the list; an empty library gets the usual
list and an invitation."""

import datetime as dt

import numpy as np
import pytest

from dailypapers.collections.models import Collection, CollectionItem
from dailypapers.lib.dates import period_containing
from dailypapers.library.following import follow
from dailypapers.library.foryou import ForYou
from dailypapers.library.ranking import Weights, rank
from dailypapers.papers.models import Paper
from dailypapers.papers.voting import set_vote
from dailypapers.search import vectors
from tests.support.testing import list_on, make_paper

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 5, 20)
EARLIER = dt.date(2026, 4, 2)

SPEECH = [
    (
        "Streaming speech recognition with transducers",
        "We train an RNN-transducer for streaming automatic speech recognition of spoken audio, "
        "lowering word error rate on LibriSpeech with acoustic model improvements.",
    ),
    (
        "Self-supervised acoustic representations for low-resource speech recognition",
        "Pretraining on unlabeled speech audio improves automatic speech recognition word error "
        "rates for low-resource languages.",
    ),
]
PROTEIN = [
    (
        "Predicting protein structure from amino acid sequences",
        "A deep network predicts three-dimensional protein folding structure from amino acid "
        "sequences, improving contact maps and residue distance accuracy.",
    ),
    (
        "Protein language models for binding site prediction",
        "Protein sequence language models pretrained on amino acid sequences predict ligand "
        "binding residues and protein folding stability.",
    ),
]
CANDIDATES = [
    (
        "Noise-robust speech recognition for far-field microphones",
        "Automatic speech recognition of reverberant audio: a robust acoustic model cuts word "
        "error rate for far-field spoken commands.",
    ),
    (
        "Diffusion models for protein backbone design",
        "Generating protein backbones and amino acid sequences with diffusion, evaluated by "
        "folding structure accuracy.",
    ),
    (
        "Query optimization for relational databases with learned cardinalities",
        "Cost-based SQL query optimizers with learned cardinality estimates choose better join "
        "orders in relational database systems.",
    ),
    (
        "Register allocation in a just-in-time compiler",
        "Linear scan register allocation for a JIT compiler reduces spills and compile time on "
        "bytecode benchmarks.",
    ),
    (
        "Grasp planning for robot hands in clutter",
        "A robot arm plans grasps for objects in clutter with tactile feedback and motion "
        "planning.",
    ),
]


def paper(title, abstract, day, votes=0, **fields):
    fields.setdefault("authors", [f"Author of {title[:20]}"])
    return make_paper(
        title,
        abstract=abstract,
        announced_on=day,
        upstream_upvotes=votes,
        published_at=dt.datetime.combine(day, dt.time(9), dt.UTC),
        **fields,
    )


@pytest.fixture
def corpus():
    library = [paper(t, a, EARLIER) for t, a in SPEECH + PROTEIN]
    Paper.objects.filter(pk=library[0].pk).update(author_names=["Alan Turing"])
    # Unrelated papers are the most upvoted of the day: closeness must beat popularity.
    votes = [3, 2, 40, 35, 30]
    candidates = [paper(t, a, DAY, v) for (t, a), v in zip(CANDIDATES, votes, strict=True)]
    make_paper(CANDIDATES[3][0], arxiv_id=candidates[3].arxiv_id, authors=["Ada Lovelace"])
    vectors.embed_papers(Paper.objects.all())
    return library, candidates


@pytest.fixture
def reader(alice, corpus):
    """Alice upvoted the speech papers and keeps the protein ones in a private collection."""
    library, _ = corpus
    for p in library[:2]:
        set_vote(alice, p, True)
    collection = Collection.objects.create(owner=alice, name="Proteins")
    for p in library[2:]:
        CollectionItem.objects.create(collection=collection, paper=p)
    return alice


def titles(response) -> list[str]:
    return [pick.paper.title for pick in response.context["picks"]]


def test_a_reader_of_two_fields_sees_both_first(as_alice, reader, corpus):
    response = as_alice.get("/papers/for-you?date=2026-05-20")
    assert response.status_code == 200
    assert set(titles(response)[:2]) == {CANDIDATES[0][0], CANDIDATES[1][0]}
    assert len(titles(response)) == 5  # library papers are not recommended back


def test_each_paper_says_which_library_paper_it_is_close_to(as_alice, reader, corpus):
    picks = as_alice.get("/papers/for-you?date=2026-05-20").context["picks"]
    reasons = {pick.paper.title: [str(r) for r in pick.reasons] for pick in picks}
    speech_reason = reasons[CANDIDATES[0][0]][0]
    protein_reason = reasons[CANDIDATES[1][0]][0]
    assert speech_reason.startswith("Close to") and "speech recognition" in speech_reason
    assert protein_reason.startswith("Close to") and "rotein" in protein_reason
    # The unrelated papers are there for the community's reason, not a made-up closeness.
    assert reasons[CANDIDATES[2][0]] == ["Trending"]


def test_the_reasons_are_shown_on_the_page(as_alice, reader, corpus):
    text = as_alice.get("/papers/for-you?date=2026-05-20").content.decode()
    assert 'Close to <a href="/papers/' in text
    assert "Only you see this list" in text


def test_a_followed_author_brings_a_paper_up_with_its_reason(as_alice, reader, corpus):
    follow(reader, "author", "Ada Lovelace")
    follow(reader, "search", "register allocation")
    picks = as_alice.get("/papers/for-you?date=2026-05-20").context["picks"]
    by_title = {pick.paper.title: [str(r) for r in pick.reasons] for pick in picks}
    assert "By Ada Lovelace" in by_title[CANDIDATES[3][0]]
    assert "Matches your search register allocation" in by_title[CANDIDATES[3][0]]
    assert by_title[CANDIDATES[4][0]] == ["Trending"]  # its author is not followed


def test_an_author_of_library_papers_brings_their_new_paper(as_alice, reader, corpus):
    _, candidates = corpus
    Paper.objects.filter(pk=candidates[4].pk).update(author_names=["Alan Turing"])
    picks = as_alice.get("/papers/for-you?date=2026-05-20").context["picks"]
    by_title = {pick.paper.title: [str(r) for r in pick.reasons] for pick in picks}
    assert by_title[CANDIDATES[4][0]] == ["By Alan Turing, an author of 1 paper in your library"]
    assert [p.paper.title for p in picks].index(CANDIDATES[4][0]) < 3


def test_not_interested_hides_a_paper_and_undo_brings_it_back(as_alice, reader, corpus):
    _, candidates = corpus
    url = f"/papers/{candidates[0].arxiv_id}/mark"
    response = as_alice.post(
        url, {"kind": "not_interested", "next": "/papers/for-you?date=2026-05-20"}, follow=True
    )
    assert CANDIDATES[0][0] not in titles(response)
    assert "Undo" in response.content.decode()
    response = as_alice.post(
        url,
        {"kind": "not_interested", "on": "0", "next": "/papers/for-you?date=2026-05-20"},
        follow=True,
    )
    assert CANDIDATES[0][0] in titles(response)


def test_a_paper_marked_read_is_left_out_until_marked_unread(as_alice, reader, corpus):
    _, candidates = corpus
    url = f"/papers/{candidates[1].arxiv_id}/mark"
    as_alice.post(url, {"kind": "read"})
    assert CANDIDATES[1][0] not in titles(as_alice.get("/papers/for-you?date=2026-05-20"))
    as_alice.post(url, {"kind": "read", "on": "0"})
    assert CANDIDATES[1][0] in titles(as_alice.get("/papers/for-you?date=2026-05-20"))


def test_not_interested_in_a_library_paper_takes_it_out_of_the_ranking(reader, corpus):
    library, _ = corpus
    from dailypapers.library.members import library_ids, set_mark

    set_mark(reader, library[0], "not_interested", True)
    assert library[0].pk not in library_ids(reader)


def test_an_unknown_mark_is_a_400(as_alice, reader, corpus):
    _, candidates = corpus
    response = as_alice.post(f"/papers/{candidates[0].arxiv_id}/mark", {"kind": "<b>x</b>"})
    assert response.status_code == 400


def test_an_empty_library_gets_the_usual_list_and_an_invitation(as_bob, corpus):
    response = as_bob.get("/papers/for-you?date=2026-05-20")
    assert titles(response)[:3] == [CANDIDATES[2][0], CANDIDATES[3][0], CANDIDATES[4][0]]
    assert "Make this list yours" in response.content.decode()


def test_a_week_and_a_month_are_ranked_too_and_bad_periods_fall_back(as_alice, reader, corpus):
    assert len(titles(as_alice.get("/papers/for-you?week=2026-W21"))) == 5
    assert len(titles(as_alice.get("/papers/for-you?month=2026-05"))) == 5
    response = as_alice.get("/papers/for-you?week=2026-W99")
    assert response.status_code == 200 and "is not a week" in response.content.decode()


def test_anonymous_visitors_are_asked_to_log_in(client):
    assert client.get("/papers/for-you").status_code == 302


def test_the_ranking_keeps_several_interests_apart():
    """Two tight clusters in the library; a candidate at either cluster beats one halfway
    between them, which is where a single averaged library vector would point."""
    rng = np.random.default_rng(0)
    a, b = np.eye(8, dtype=np.float32)[0], np.eye(8, dtype=np.float32)[1]

    def near(center):
        v = center + 0.05 * rng.standard_normal(8).astype(np.float32)
        return v / np.linalg.norm(v)

    library = np.stack([near(a), near(a), near(a), near(b), near(b), near(b)])
    middle = (a + b) / np.linalg.norm(a + b)
    others = [near(np.eye(8, dtype=np.float32)[i]) for i in range(2, 8)]
    candidates = np.stack([middle, near(a), near(b), *others])
    ranked = rank(
        candidates, library, np.zeros(9), np.zeros(9), np.zeros(9), Weights(top_k=3, center=False)
    )
    assert set(ranked.order[:2].tolist()) == {1, 2}
    assert ranked.nearest[1] < 3 <= ranked.nearest[2]  # each names a paper of its own cluster


def test_a_candidate_without_a_vector_neither_tops_nor_sinks():
    library = np.eye(4, dtype=np.float32)[:1]
    candidates = np.stack(
        [
            np.eye(4, dtype=np.float32)[0],
            np.zeros(4, np.float32),
            np.eye(4, dtype=np.float32)[2],
            np.eye(4, dtype=np.float32)[3],
        ]
    )
    ranked = rank(
        candidates, library, np.zeros(4), np.zeros(4), np.zeros(4), Weights(center=False, top_k=1)
    )
    assert ranked.order[0] == 0 and ranked.nearest[1] == -1


def test_the_list_is_private_to_its_reader(reader, bob, corpus):
    mine = ForYou(reader, period_containing("date", DAY))
    theirs = ForYou(bob, period_containing("date", DAY))
    assert mine.personal and not theirs.personal


def test_the_page_sends_as_many_queries_for_45_papers_as_for_5(
    as_alice, reader, corpus, django_assert_max_num_queries
):
    """The shown papers come with their organizations, claims and votes in a fixed number
    of statements, and the ranking's own reads do not grow with the period."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _, candidates = corpus
    list_on(candidates[4], DAY, organization="many-papers-lab")
    follow(reader, "author", "Ada Lovelace")
    follow(reader, "organization", "many-papers-lab")
    follow(reader, "category", "cs.CL")
    follow(reader, "search", "speech recognition")
    url = "/papers/for-you?date=2026-05-20"

    def queries() -> int:
        as_alice.get(url)  # the period's details are made and kept on the first request
        with CaptureQueriesContext(connection) as captured:
            response = as_alice.get(url)
        assert response.status_code == 200
        return len(captured)

    few = queries()
    for number in range(40):
        made = paper(
            f"Speech recognition paper {number}",
            "Automatic speech recognition of spoken audio with an acoustic model.",
            DAY,
            votes=number,
            authors=["Ada Lovelace", f"Someone {number}"],
            categories=["cs.CL"],
        )
        list_on(made, DAY, organization="many-papers-lab")
    vectors.embed_papers(Paper.objects.all())
    many = queries()
    assert many == few
    # Session, user, avatar; queued imports; the newest day (3); library and marks; the
    # period's list entries and papers; follows; the shown papers, their "close to" titles,
    # claims and upvotes; and twice the serving model, which these tests re-read on every
    # use (SEARCH_VECTOR_REFRESH_SECONDS=0).
    with django_assert_max_num_queries(17):
        response = as_alice.get(url)
    assert len(response.context["cards"]) == 30
    assert "many-papers-lab</a>, which you follow" in response.content.decode()


def test_a_cards_vote_button_is_the_shared_one(as_alice, reader, corpus):
    """cards.py writes out papers/_vote.html: the two must not drift apart, in
    either state of the button (an upvoted paper is in the library, so not on the page:
    the card is rendered alone for that state)."""
    import re

    from django.template.backends.utils import csrf_input
    from django.template.loader import render_to_string

    from dailypapers.library.cards import cards
    from dailypapers.library.cards import html as cards_html

    response = as_alice.get("/papers/for-you?date=2026-05-20")
    request = response.wsgi_request
    token = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')

    def forms(html: str) -> list[str]:
        return [
            token.sub("TOKEN", f) for f in re.findall(r'<form class="vote".*?</form>', html, re.S)
        ]

    def shared(paper, voted: set[int]) -> str:
        context = {"paper": paper, "voted": voted}
        return forms(render_to_string("papers/_vote.html", context, request=request))[0]

    shown = forms(response.content.decode())
    picks = response.context["picks"]
    assert len(shown) == 5 and shown == [shared(pick.paper, set()) for pick in picks]
    for pick in picks:
        voted = {pick.paper.pk}
        context = {"card": cards([pick], voted)[0], "here": request.get_full_path()}
        card = cards_html([context["card"]], csrf_input(request), context["here"])
        assert forms(card) == [shared(pick.paper, voted)]
