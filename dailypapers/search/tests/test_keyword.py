import pytest
from django.core.management import call_command

from dailypapers.papers.models import Paper
from dailypapers.search.keyword import keyword_search
from tests.support.testing import make_paper

pytestmark = pytest.mark.django_db


def titles(results, count=20):
    return [paper.title for paper in results[:count]]


def test_a_word_in_the_title_ranks_above_the_same_word_in_the_abstract():
    make_paper("A study of robots", abstract="We align many things with alignment methods.")
    make_paper("Alignment of language models", abstract="We study models.")
    assert titles(keyword_search("alignment")) == [
        "Alignment of language models",
        "A study of robots",
    ]


def test_it_finds_papers_by_author_and_by_word_stem():
    make_paper("Graph networks", authors=["Yoshua Bengio"])
    make_paper("Diffusion models", abstract="Denoising diffusion is trained.")
    assert titles(keyword_search("bengio")) == ["Graph networks"]
    assert titles(keyword_search("diffusing")) == ["Diffusion models"]


def test_every_word_must_match_unless_none_matches_them_all():
    make_paper("Vision transformers")
    make_paper("Language transformers")
    both = keyword_search("vision transformers")
    assert titles(both) == ["Vision transformers"] and not both.matched_any
    some = keyword_search("vision kangaroo")
    assert titles(some) == ["Vision transformers"] and some.matched_any


def test_a_long_question_is_ranked_by_how_many_of_its_words_a_paper_has():
    make_paper("Sparse attention kernels for long context", abstract="Tiled on graphics cards.")
    make_paper("Dense kernels", abstract="Matrix products.")
    question = "sparse attention kernels long context tiled graphics cards"  # 8 words
    assert titles(keyword_search(question)) == ["Sparse attention kernels for long context"]
    longer = keyword_search(question + " matrix")  # 9: any of them, most shared first
    assert longer.matched_any
    assert titles(longer) == ["Sparse attention kernels for long context", "Dense kernels"]


def test_phrases_exclusions_and_prefixes_work():
    make_paper("Large language model agents", abstract="About agents.")
    make_paper("Language of large model kits", abstract="About kits.")
    assert titles(keyword_search('"large language model"')) == ["Large language model agents"]
    assert titles(keyword_search("language -agents")) == ["Language of large model kits"]
    assert len(keyword_search("lang*")) == 2


def test_hidden_papers_are_not_found():
    make_paper("Secret alignment").__class__.objects.update(hidden=True)
    assert len(keyword_search("alignment")) == 0


def test_the_index_follows_edits_and_deletes():
    paper = make_paper("Old words", abstract="Nothing here.")
    Paper.objects.filter(pk=paper.pk).update(title="Brand new words")
    assert titles(keyword_search("brand")) == ["Brand new words"]
    assert len(keyword_search("old")) == 0
    Paper.objects.filter(pk=paper.pk).delete()
    assert len(keyword_search("brand")) == 0


def test_reindex_rebuilds_the_index(capsys):
    make_paper("Rebuilt paper")
    call_command("reindex")
    assert "rebuilt over 1 papers" in capsys.readouterr().out
    assert titles(keyword_search("rebuilt")) == ["Rebuilt paper"]


def test_results_page_through_without_overlap():
    for number in range(25):
        make_paper(f"Transformer number {number}")
    results = keyword_search("transformer")
    assert len(results) == 25
    first, second = results[0:20], results[20:40]
    assert len(first) == 20 and len(second) == 5
    assert not {p.pk for p in first} & {p.pk for p in second}
