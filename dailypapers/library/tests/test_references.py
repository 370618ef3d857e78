"""Reading reference files: the three formats Zotero exports, and files that must be refused
whole (too big, not text, not a reference format, a broken entry)."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dailypapers.library.references import (
    UnreadableFile,
    arxiv_id_in,
    normalise_title,
    read_references,
)

MAX = 5 * 2**20


@pytest.mark.parametrize("name", ["zotero.bib", "zotero.ris", "zotero.json"])
def test_each_format_yields_the_same_identifiers(reference_file, name):
    references = read_references(reference_file(name), MAX)
    assert [r.arxiv_id for r in references] == ["2512.24880", "", "", "2606.01850", ""]
    assert [r.doi for r in references] == ["", "", "10.1145/3712345.3712399", "", ""]
    assert normalise_title(references[1].title) == (
        "rl awb deep reinforcement learning for auto white balance correction in low light "
        "night time scenes"
    )
    assert normalise_title(references[4].title) == "the art of computer programming"


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("https://arxiv.org/abs/2512.24880v2", "2512.24880"),
        ("arXiv: math.GT/0309136", "math/0309136"),  # as papers are stored
        ("10.48550/arXiv.hep-th/9901001", "hep-th/9901001"),
        ("arXiv:2513.00001", ""),  # month 13: the shape of an id, and no id
        ("arXiv:2512.00000", ""),
        ("arXiv:\uff12\uff15\uff11\uff12.24880", ""),  # fullwidth digits
        ("arXiv:2512.248801", ""),  # six digits after the dot
    ],
)
def test_arxiv_ids_are_read_as_sources_arxiv_ids_reads_them(text, found):
    assert arxiv_id_in(text) == found


def test_a_title_is_normalised_past_tex_braces_accents_and_case():
    assert normalise_title("{mHC}: {Manifold}-{Constrained} \\emph{Hyper}") == (
        "mhc manifold constrained hyper"
    )
    assert normalise_title("Ångström   Café") == "angstrom cafe"


def test_a_broken_entry_refuses_the_whole_file_and_says_where(reference_file):
    with pytest.raises(UnreadableFile, match=r"1 BibTeX entry is broken .*line 7"):
        read_references(reference_file("broken.bib"), MAX)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"just some words, no references", "not a BibTeX, RIS or CSL-JSON"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "not a text file"),
        (b"@misc{a, title={caf\xe9}}", "not UTF-8"),
        (b"[1, 2, 3]", "list of references"),
        (b'[{"title": ', "not valid JSON"),
        (b"[" * 100_000, "not valid JSON"),
        (b"[]", "holds no references"),
        (b"TY  - JOUR\nTI  - no end\n", "has no end"),
        (b"% only a comment\n@comment{nothing}\n", "holds no references"),
    ],
)
def test_files_that_are_not_reference_files_get_a_clear_message(data, message):
    with pytest.raises(UnreadableFile, match=message):
        read_references(data, MAX)


def test_a_file_over_the_limit_is_refused_before_parsing():
    with pytest.raises(UnreadableFile, match=r"20\.0 MB; files up to 5 MB"):
        read_references(b"@misc{a, title={x}}\n" * (20 * 2**20 // 20), MAX)


def test_too_many_entries_are_refused():
    items = [{"title": f"Paper {n}"} for n in range(10_001)]
    with pytest.raises(UnreadableFile, match="10,001 references"):
        read_references(json.dumps(items).encode(), MAX)


def test_hostile_field_values_stay_plain_text():
    data = b'@misc{x, title={<script>alert(1)</script> {\\"O}zg\\"ur}, eprint={../../etc/passwd}}'
    (reference,) = read_references(data, MAX)
    assert reference.arxiv_id == ""  # not an arXiv id: never used as one
    assert "<script>" in reference.title  # kept as text; templates escape it


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=2000),
        st.text(max_size=2000).map(str.encode),
        st.text(alphabet='@{}=,"\\%TYER -\n[]:a0123456789.', max_size=500).map(str.encode),
    )
)
def test_any_bytes_give_references_or_a_clear_refusal(data):
    try:
        references = read_references(data, MAX)
    except UnreadableFile as refusal:
        assert str(refusal)
    else:
        assert references and all(isinstance(r.title, str) for r in references)
