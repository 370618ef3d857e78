"""Turn whatever a person types into a search into a safe, structured query.

Nothing a user types reaches the search engine as syntax: words are pulled out and quoted by
the backend. Understood: ``"a phrase"``, ``-excluded`` words, ``prefix*``. Unbalanced quotes,
stray operators, ``NEAR(``, lone ``*`` and control characters are simply ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 500
MAX_TERMS = 32
# A word, optionally negated with a leading "-" and/or made a prefix with a trailing "*".
TOKEN = re.compile(r'(?P<phrase>"[^"]*")|(?P<neg>(?<![\w-])-)?(?P<word>\w+)(?P<star>\*)?')


@dataclass
class Term:
    words: tuple[str, ...]  # one word, or several for a quoted phrase
    prefix: bool = False


@dataclass
class ParsedQuery:
    text: str
    terms: list[Term] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)
    notice: str = ""

    def __bool__(self) -> bool:
        return bool(self.terms)


def parse_query(text: str) -> ParsedQuery:
    notices = []
    text = "".join(ch if ch.isprintable() else " " for ch in text).strip()
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notices.append(f"Only the first {MAX_QUERY_CHARS} characters of the query were used.")
    query = ParsedQuery(text=text)
    for match in TOKEN.finditer(text):
        if match["phrase"]:
            words = tuple(re.findall(r"\w+", match["phrase"].lower()))
            if words:
                query.terms.append(Term(words))
            continue
        term = Term((match["word"].lower(),), prefix=bool(match["star"]))
        (query.excluded if match["neg"] else query.terms).append(term)
    if len(query.terms) > MAX_TERMS:
        query.terms = query.terms[:MAX_TERMS]
        notices.append(f"Only the first {MAX_TERMS} words of the query were used.")
    query.excluded = query.excluded[:MAX_TERMS]
    query.notice = " ".join(notices)
    return query
