"""Turn whatever a person types into a search into a safe, structured query.

Nothing a user types reaches the search engine as syntax: words are pulled out and quoted by
the backend. Understood: ``"a phrase"``, ``-excluded`` words, ``prefix*``, ``title:word`` and
``author:"a name"`` (a field), and ``like:2605.01234`` (papers similar to that one). A query
that is one arXiv id or link, DOI or Hugging Face papers link (``identifiers.py``) is a lookup
of that paper, not words. Unbalanced quotes, stray operators, ``NEAR(``, lone ``*``, unknown
fields and control characters are simply ignored. ``STOPWORDS`` are the words "more like
this" (more_like_this.py) ignores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from dailypapers.search.identifiers import Identifier, parse_identifier
from dailypapers.sources.arxiv.errors import InvalidArxivId
from dailypapers.sources.arxiv.ids import BARE_PATTERN, parse_bare_arxiv_id

MAX_QUERY_CHARS = 500
MAX_TERMS = 32
# Field prefixes and the column of the keyword index each one searches.
FIELDS = {
    "title": "title",
    "author": "author_names",
    "authors": "author_names",
    "abstract": "abstract",
}
# like:<arXiv id>, new style (2605.01234) or old (hep-th/9901001), optionally with a version;
# the id is then checked by the one arXiv id parser (ASCII digits, a real month).
LIKE = re.compile(rf"(?<![\w-])like:(?P<like>{BARE_PATTERN})", re.I)
# A phrase or a word, optionally negated with a leading "-", limited to a field with a leading
# "field:", and (a word) made a prefix with a trailing "*".
TOKEN = re.compile(
    r'(?P<neg>(?<![\w-])-)?(?:(?P<field>(?<!\w)[a-z]+):(?=["\w]))?'
    r'(?:(?P<phrase>"[^"]*"?)|(?P<word>\w+)(?P<star>\*)?)',
    re.I,
)


@dataclass
class Term:
    words: tuple[str, ...]  # one word, or several for a quoted phrase
    prefix: bool = False
    column: str = ""  # a column of the keyword index, or "" for any


@dataclass
class ParsedQuery:
    text: str
    terms: list[Term] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    like: str = ""  # an arXiv id: rank papers by similarity to that paper
    identifier: Identifier | None = None  # the query is this paper's id or link
    notice: str = ""

    def __bool__(self) -> bool:
        return bool(self.terms or self.like or self.identifier)

    @property
    def strict(self) -> bool:
        """Whether the person asked for exact matches (a phrase, a field, a prefix or an
        exclusion): then meaning re-ranks the keyword matches but adds no others."""
        return bool(self.excluded) or any(
            len(t.words) > 1 or t.prefix or t.column for t in self.terms
        )

    @property
    def meaning_text(self) -> str:
        """The words that carry the query's meaning: not author names, not exclusions."""
        return " ".join(" ".join(t.words) for t in self.terms if t.column not in ("author_names",))


def parse_query(text: str) -> ParsedQuery:
    notices = []
    text = "".join(ch if ch.isprintable() else " " for ch in text).strip()
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notices.append(f"Only the first {MAX_QUERY_CHARS} characters of the query were used.")
    query = ParsedQuery(text=text)
    if identifier := parse_identifier(text):
        # Its digits and the words of a link ("https", "abs") are not what anyone looks for.
        query.identifier = identifier
        return query
    if like := LIKE.search(text):
        try:
            query.like = parse_bare_arxiv_id(like["like"]).arxiv_id
        except InvalidArxivId:
            notices.append(f"{like['like']} is not an arXiv id.")
        text = text[: like.start()] + " " + text[like.end() :]
    for match in TOKEN.finditer(text):
        column = FIELDS.get((match["field"] or "").lower(), "")
        if match["phrase"]:
            words = tuple(re.findall(r"\w+", match["phrase"].lower()))
            term = Term(words, column=column)
        else:
            term = Term((match["word"].lower(),), prefix=bool(match["star"]), column=column)
        if term.words:
            (query.excluded if match["neg"] else query.terms).append(term)
    if len(query.terms) > MAX_TERMS:
        query.terms = query.terms[:MAX_TERMS]
        notices.append(f"Only the first {MAX_TERMS} words of the query were used.")
    query.excluded = query.excluded[:MAX_TERMS]
    query.notice = " ".join(notices)
    return query


# Words too common in any abstract to say what a paper is about: "more like this" ignores them
# (bm25 would give them almost no weight anyway; skipping them saves time).
_STOPWORDS = """a about above after all also am an and any are as at be been being both but by
    can could do does done each for from further had has have having here how however i if in
    into is it its itself may me more most much must my no nor not of off on once only or other
    our ours out over own paper per same several should show shows shown so some such than that
    the their them then there these they this those through thus to too under until up upon use
    used uses using very via was we well were what when where whether which while who whom why
    will with within without would yet"""
STOPWORDS = frozenset(_STOPWORDS.split())
