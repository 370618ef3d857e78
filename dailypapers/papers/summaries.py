"""A paper's one-line summary: Hugging Face's ``ai_summary`` when ingested, else one sentence of
the abstract chosen by a fixed rule, labelled as such (never presented as a model's writing).

The rule (centroid-based extraction, after Radev et al., 2004, on words instead of learnt
vectors so that it is cheap enough to run at render time: ~1 ms an abstract measured with
the machine's two cores five times oversubscribed, and each abstract's answer is kept in a
small in-process cache):

1. Split the abstract into sentences (``.``, ``!`` or ``?`` then a space and a capital, with
   "e.g.", "i.e.", "et al.", "Fig.", "vs." and decimals not ending one).
2. Words: lower-cased runs of letters and digits of 3+ characters, minus common English words.
   The abstract's centroid counts each word once per sentence it appears in, so the words the
   abstract keeps returning to (the method's name, the task) weigh most.
3. Each sentence of 6 to 60 words scores the cosine between its set of words and the
   centroid, times 1.2 when it states the contribution ("we ...", "this paper/work ...",
   "our ...", also after a short lead-in: "Hence, we ..."), since that is the sentence a
   reader wants from a card. The best one wins; the earlier one on a tie. An abstract with
   a single sentence is its own summary.

What is not here: the ai_summary itself (ingested by ``sources/hf``), storage (nothing is
stored: the rule is cheap and deterministic), the API (which sends only Hugging Face's text).
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from dataclasses import dataclass

# A piece ending in one of these did not end a sentence: it is joined to the next piece.
_ENDS_IN_ABBREVIATION = re.compile(
    r"(?:\b|^)(?:e\.g|i\.e|et al|etc|vs|cf|figs?|eqs?|sec|approx|resp)\.$", re.I
)
_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(\[])")
_WORD = re.compile(r"[a-z0-9][a-z0-9-]{2,}")
# "We ...", "Our ...", "This paper ...", also after a short lead-in ("Hence, we ...").
_CONTRIBUTION = re.compile(r"^(?:[\w ]{1,30}, )?(?:we|our|this (?:paper|work))\b", re.I)
# fmt: off
_STOPWORDS = frozenset((
    "the", "and", "for", "with", "that", "this", "from", "are", "was", "were", "been", "has",
    "have", "had", "its", "their", "our", "which", "these", "those", "into", "than", "then",
    "also", "such", "can", "may", "not", "but", "all", "any", "both", "each", "more", "most",
    "other", "some", "only", "over", "under", "between", "through", "while", "where", "when",
    "what", "how", "who", "whom", "whose", "well", "very", "much", "many", "using", "used",
    "use", "based", "show", "shows", "shown", "new", "two", "one", "three", "first", "via",
    "across", "within", "without", "however", "therefore", "thus", "further", "furthermore",
    "moreover", "paper", "work", "propose", "proposed", "approach", "method", "methods",
    "results", "result", "present", "presents", "demonstrate", "achieves", "achieve", "existing",
))
# fmt: on
MIN_WORDS, MAX_WORDS = 6, 60
CONTRIBUTION_BONUS = 1.2


@dataclass(frozen=True)
class OneLine:
    text: str
    source: str  # "hugging-face" (their ai_summary) or "extract" (a sentence of the abstract)

    @property
    def is_extract(self) -> bool:
        return self.source == "extract"


def one_line(ai_summary: str, abstract: str) -> OneLine | None:
    """The line a card shows, or None when there is neither an ai_summary nor an abstract."""
    if ai_summary.strip():
        return OneLine(" ".join(ai_summary.split()), "hugging-face")
    sentence = best_sentence(abstract)
    return OneLine(sentence, "extract") if sentence else None


def sentences(text: str) -> list[str]:
    found: list[str] = []
    for piece in _BOUNDARY.split(" ".join(text.split())):
        # Only a piece's last few characters can hold the abbreviation: look at those alone.
        if found and _ENDS_IN_ABBREVIATION.search(found[-1][-9:]):
            found[-1] += " " + piece
        elif piece:
            found.append(piece)
    return found


@functools.lru_cache(maxsize=4096)  # a list page shows the same abstracts again and again
def best_sentence(abstract: str) -> str:
    candidates = sentences(abstract)
    if len(candidates) <= 1:
        return candidates[0] if candidates else ""
    words = [_words(sentence) for sentence in candidates]
    centroid = Counter(word for sentence_words in words for word in sentence_words)
    norm = math.sqrt(sum(count * count for count in centroid.values())) or 1.0
    best, best_score = candidates[0], -1.0
    for sentence, sentence_words in zip(candidates, words, strict=True):
        length = len(sentence.split())
        if not sentence_words or not MIN_WORDS <= length <= MAX_WORDS:
            continue
        score = sum(centroid[word] for word in sentence_words) / (
            math.sqrt(len(sentence_words)) * norm
        )
        if _CONTRIBUTION.match(sentence):
            score *= CONTRIBUTION_BONUS
        if score > best_score:
            best, best_score = sentence, score
    return best


def _words(sentence: str) -> set[str]:
    return {word for word in _WORD.findall(sentence.lower()) if word not in _STOPWORDS}
