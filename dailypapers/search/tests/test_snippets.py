"""Snippets mark exactly the words the stem rule says, in the window with most of them, and
escape everything else."""

import re
from collections.abc import Set as AbstractSet

from hypothesis import given
from hypothesis import strategies as st

from dailypapers.search.query import parse_query
from dailypapers.search.snippets import (
    WORD,
    Stems,
    _any_snippet,
    _ascii_snippet,
    _stem,
    best_window,
    mark,
    query_stems,
    snippet,
)


def is_hit(word: str, stems: AbstractSet[str]) -> bool:
    """The rule, word by word, as the first version tested it."""
    return _stem(word) in stems or any(
        len(stem) >= 4 and word.lower().startswith(stem) for stem in stems
    )


def marked_words(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", html)


ascii_words = st.text(alphabet="abcdefgABCDEFG", min_size=1, max_size=9)


@given(
    words=st.lists(ascii_words, min_size=1, max_size=60),
    query=st.lists(ascii_words, min_size=1, max_size=4),
)
def test_it_marks_the_words_the_stem_rule_marks(words, query):
    stems = Stems(_stem(word) for word in query)
    text = " ".join(words)
    expected = [word for word in WORD.findall(text) if is_hit(word, stems)]
    assert marked_words(mark(text, stems)) == expected


def test_it_marks_words_that_share_a_stem_and_short_words_whole():
    stems = query_stems(parse_query("aligning RL"))
    html = mark("Alignment by RLHF and rl; realign. RL.", stems)
    assert marked_words(html) == ["Alignment", "rl", "RL"]


def test_a_questions_stopwords_are_not_marked_unless_it_has_nothing_else():
    text = "How can models check their own answers for mistakes?"
    question = query_stems(parse_query("how can language models check their answers for errors"))
    assert marked_words(mark(text, question)) == ["models", "check", "answers"]
    assert marked_words(mark(text, query_stems(parse_query("how can")))) == ["How", "can"]
    assert marked_words(mark(text, query_stems(parse_query('"for mistakes"')))) == [
        "for",
        "mistakes",
    ]


def test_it_escapes_the_text_around_and_inside_the_marks():
    html = mark("<b>align</b> & <script>", query_stems(parse_query("align script")))
    assert html == "&lt;b&gt;<mark>align</mark>&lt;/b&gt; &amp; &lt;<mark>script</mark>&gt;"


def test_the_snippet_is_the_window_with_most_query_words():
    filler = " ".join(f"filler{n}" for n in range(100))
    text = f"{filler} vision transformers see vision {filler}"
    html = snippet(text, query_stems(parse_query("vision")), size=10)
    assert html.startswith("… ") and html.endswith(" …")
    assert marked_words(html) == ["vision", "vision"]


def test_a_short_text_or_a_query_without_words_is_marked_whole():
    assert snippet("Pixels and masks.", query_stems(parse_query("pixels"))) == (
        "<mark>Pixels</mark> and masks."
    )
    long = " ".join(["word"] * 60)
    assert snippet(long, Stems()).endswith("word …")


def reference_window(text: str, stems: AbstractSet[str], size: int) -> str:
    """The window the first version chose, word by word: (begin, end) of the text."""
    words = list(WORD.finditer(text))
    hits = [1 if is_hit(w.group(), stems) else 0 for w in words]
    best, best_start, window = -1, 0, sum(hits[:size])
    for start in range(len(words) - size + 1):
        if start:
            window += hits[start + size - 1] - hits[start - 1]
        if window > best:
            best, best_start = window, start
    return text[words[best_start].start() : words[best_start + size - 1].end()]


@given(
    words=st.lists(ascii_words, min_size=11, max_size=80),
    separators=st.lists(st.sampled_from([" ", ", ", " - ", ". ", "  "]), min_size=80),
    query=st.lists(ascii_words, min_size=1, max_size=3),
)
def test_the_window_is_the_one_the_word_by_word_rule_chose(words, separators, query):
    stems = Stems(_stem(word) for word in query)
    text = "".join(word + separator for word, separator in zip(words, separators, strict=False))
    expected = reference_window(text, stems, 10)
    html = str(snippet(text, stems, size=10)).removeprefix("… ").removesuffix(" …")
    assert re.sub(r"</?mark>", "", html) == expected


@given(
    flags=st.lists(st.booleans(), min_size=1, max_size=120),
    size=st.integers(min_value=1, max_value=60),
)
def test_the_best_window_is_the_first_with_most_hits_counting_every_window(flags, size):
    if size > len(flags):
        size = len(flags)
    counts = [sum(flags[start : start + size]) for start in range(len(flags) - size + 1)]
    places = [place for place, flag in enumerate(flags) if flag]
    assert best_window(places, size) == counts.index(max(counts))


def test_a_window_after_a_leading_space_or_line_keeps_its_words():
    stems = query_stems(parse_query("learning"))
    text = "\n  Opening words " + "filler " * 30 + "learning learning here."
    html = str(snippet(text, stems, size=10))
    assert html == "… " + "filler " * 8 + "<mark>learning</mark> <mark>learning</mark> …"
    # The first window, from the start of the text (its leading space too).
    text = "\n  learning " + "filler " * 30
    html = str(snippet(text, stems, size=10))
    assert html == "\n  <mark>learning</mark> " + " ".join(["filler"] * 9) + " …"


ascii_text = st.text(alphabet="abcdAB_9 ,.-&<>\"'\n(){}$\\", max_size=300)


@given(
    text=ascii_text,
    query=st.lists(st.text(alphabet="abcdAB_9", min_size=1, max_size=6), min_size=1, max_size=3),
    size=st.integers(min_value=1, max_value=20),
)
def test_an_ascii_text_gets_the_snippet_the_regular_expression_makes(text, query, size):
    stems = Stems(_stem(word) for word in query)
    assert str(_ascii_snippet(text, stems, size)) == str(_any_snippet(text, stems, size))
    # A set of stems (not ``Stems``) and no stems at all take the same road.
    assert str(_ascii_snippet(text, set(stems), size)) == str(_any_snippet(text, stems, size))
    assert str(_ascii_snippet(text, Stems(), size)) == str(_any_snippet(text, Stems(), size))


def test_a_stem_that_is_not_ascii_is_matched_as_the_pattern_folds_it():
    # A long s (U+017F) folds to "s" under IGNORECASE: such stems are left to the pattern.
    stems = Stems({"\u017ftate"})
    assert stems.needles is None
    text = "the state of the art " + "filler " * 60 + "state"
    assert str(snippet(text, stems, 10)) == str(_any_snippet(text, stems, 10))
    assert "<mark>state</mark>" in str(snippet(text, stems, 10))
