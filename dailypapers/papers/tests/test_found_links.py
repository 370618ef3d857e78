"""Links found in a paper's abstract and comments: the code link it gets, the Hugging Face
repositories it lists, and what is refused."""

from __future__ import annotations

import pytest
from django.test import Client

from dailypapers.papers.found_links import find_links, urls_in
from tests.support.testing import make_paper

NEO = (
    "We present NEO, a native vision-language model. Our code and models are publicly "
    "available at https://github.com/EvolvingLMMs-Lab/NEO."
)


def test_the_sentence_full_stop_is_not_part_of_the_link():
    assert urls_in(NEO) == ["https://github.com/EvolvingLMMs-Lab/NEO"]
    assert find_links(NEO).code == ["https://github.com/EvolvingLMMs-Lab/NEO"]


def test_bare_links_brackets_and_tree_paths_are_understood():
    text = "Code (github.com/org/repo/tree/main) and https://gitlab.com/group/tool.git, too."
    assert find_links(text).code == ["https://github.com/org/repo", "https://gitlab.com/group/tool"]


def test_a_text_without_a_slash_holds_no_link_and_one_slash_is_enough():
    assert urls_in("Hosted on GitHub.com and gitlab.com, written https: for short.") == []
    assert urls_in("See GitHub.com/Org/Repo") == ["https://GitHub.com/Org/Repo"]


@pytest.mark.parametrize(
    "text",
    [
        "see github.com/a/b. and (https://a.org/w_(b)), then www.gitlab.com/g/t,",
        "foo/github.com/a/b x@github.com/c/d ahttps://x.y/z HTTPS://GitHub.com/A/B)",
        "a\u00a0https://x.io/p\u2003q\x1cgithub.com/e/f\u3000https://h.io/i",
        "\thttps://j.io/k\n\nhttps://l.io/m/",
    ],
)
def test_words_give_the_links_the_whole_text_gives(text):
    # urls_in searches only the words holding a "/": the same links, in the same order, as
    # the pattern run over the whole text (whitespace of every kind between them).
    from dailypapers.papers.found_links import _URL, _link

    whole = [_link(match.group(0)) for match in _URL.finditer(text)]
    assert urls_in(text) == whole
    assert len(whole) >= 2


def test_hugging_face_models_datasets_and_spaces_are_sorted_apart():
    comment = (
        "Weights: https://huggingface.co/acme/neo-7b; data at "
        "huggingface.co/datasets/acme/neo-bench and a demo on "
        "https://huggingface.co/spaces/acme/neo-demo. See https://huggingface.co/papers/2510.14979."
    )
    found = find_links(comment)
    assert found.models == ["acme/neo-7b"]
    assert found.datasets == ["acme/neo-bench"]
    assert found.spaces == ["acme/neo-demo"]


def test_project_pages_are_pages_hosts_and_references_are_not():
    text = "Project page: https://acme.github.io/neo/. Data from https://example.org/data."
    assert find_links(text).project == ["https://acme.github.io/neo/"]


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert(1)//github.com/a/b",
        "https://github.com/onlyowner",
        "https://user:pw@github.com/a/b",
        "http://github.com/../etc",
    ],
)
def test_what_lib_links_refuses_is_not_kept(text):
    assert find_links(text).code == []


@pytest.mark.django_db
def test_an_ingested_paper_without_a_code_link_gets_the_one_in_its_abstract():
    paper = make_paper("NEO", abstract=NEO)
    assert paper.github_repo == "https://github.com/EvolvingLMMs-Lab/NEO"
    page = Client().get(paper.get_absolute_url()).content.decode()
    assert 'href="https://github.com/EvolvingLMMs-Lab/NEO"' in page


@pytest.mark.django_db
def test_a_source_s_code_link_wins_over_the_abstract_and_reruns_change_nothing():
    paper = make_paper("NEO", abstract=NEO, github_repo="https://github.com/official/neo")
    assert paper.github_repo == "https://github.com/official/neo"
    make_paper("NEO", arxiv_id=paper.arxiv_id, abstract=NEO)
    paper.refresh_from_db()
    assert paper.github_repo == "https://github.com/official/neo"


@pytest.mark.django_db
def test_the_api_lists_linked_repositories_and_answers_repos_like_hugging_face():
    paper = make_paper(
        "NEO",
        abstract=NEO,
        comment="Models: https://huggingface.co/acme/neo-7b, Space: https://huggingface.co/spaces/acme/demo",
    )
    flat = Client().get(f"/api/papers/{paper.arxiv_id}").json()
    assert flat["githubRepo"] == "https://github.com/EvolvingLMMs-Lab/NEO"
    assert flat["linkedModels"] == [{"id": "acme/neo-7b"}] and flat["numTotalModels"] == 1
    assert flat["linkedSpaces"] == [{"id": "acme/demo"}] and flat["linkedDatasets"] == []
    repos = Client().get(f"/api/arxiv/{paper.arxiv_id}/repos")
    assert repos.status_code == 200
    assert repos.json() == {
        "models": [{"id": "acme/neo-7b", "author": "acme"}],
        "datasets": [],
        "spaces": [{"id": "acme/demo", "author": "acme"}],
    }
    page = Client().get(paper.get_absolute_url()).content.decode()
    assert 'href="https://huggingface.co/acme/neo-7b"' in page
    assert 'href="https://huggingface.co/spaces/acme/demo"' in page


@pytest.mark.django_db
def test_repos_of_a_valid_unheld_id_are_empty_and_of_an_invalid_id_a_404():
    assert Client().get("/api/arxiv/2510.99999/repos").json() == {
        "models": [],
        "datasets": [],
        "spaces": [],
    }
    assert Client().get("/api/arxiv/9999.99999/repos").status_code == 404
    assert Client().get("/api/arxiv/..%2F..%2Fetc%2Fpasswd/repos").status_code == 404
