"""Votes are never lost or double-counted: many users vote at once on a real server."""

from tests.support.voteload import (
    fire_votes,
    logged_in_client,
    make_verified_users,
    stored_counts,
)

# Papers of the bundled demo lists, voted on by everyone at once.
PAPERS = ["2603.29942", "2512.24880", "2512.24618"]


def test_concurrent_votes_from_several_users_end_in_exact_counts(community_site):
    names = [f"voter{n}" for n in range(6)]
    make_verified_users(community_site.data_dir, names)
    clients = {name: logged_in_client(community_site.base, name) for name in names}
    before = stored_counts(community_site.data_dir, PAPERS)
    assert set(before) == set(PAPERS), "the demo papers are there"
    try:
        run = fire_votes(clients, PAPERS, rounds=4, threads=16)
    finally:
        for client in clients.values():
            client.close()

    assert not run.failures
    assert run.sent == len(names) * len(PAPERS) * 5
    after = stored_counts(community_site.data_dir, PAPERS)
    for arxiv_id in PAPERS:
        counter, rows = after[arxiv_id]
        assert counter == rows == run.expected[arxiv_id], arxiv_id
