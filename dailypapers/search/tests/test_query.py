from dailypapers.search.query import MAX_QUERY_CHARS, MAX_TERMS, parse_query


def words(terms):
    return [t.words for t in terms]


def test_it_splits_words_phrases_exclusions_and_prefixes():
    query = parse_query('diffus* "language model" -video alignment')
    assert words(query.terms) == [("diffus",), ("language", "model"), ("alignment",)]
    assert query.terms[0].prefix
    assert words(query.excluded) == [("video",)]


def test_fts_syntax_is_read_as_plain_words():
    for text in ['"unbalanced', "NEAR(", "title:foo AND OR NOT", "a^b {c} [d]", "x:*:y"]:
        query = parse_query(text)
        assert all(word.isalnum() or "_" in word for t in query.terms for word in t.words)


def test_nothing_searchable_gives_an_empty_query():
    for text in ["", "*", "-", '""', "   ", "!!!", "\x00\x01"]:
        assert not parse_query(text)


def test_a_hyphenated_word_is_not_an_exclusion():
    query = parse_query("state-of-the-art")
    assert words(query.terms) == [("state",), ("of",), ("the",), ("art",)]
    assert not query.excluded


def test_long_queries_are_cut_with_a_notice():
    query = parse_query("word " * 2000)
    assert len(query.text) == MAX_QUERY_CHARS
    assert len(query.terms) == MAX_TERMS
    assert "first" in query.notice
