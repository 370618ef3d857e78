"""The contract of a keyword search engine: what ``keyword.backend()`` hands out.

Two engines keep it, one per database, each a module: ``tantivy_search.py`` (a tantivy index
beside a SQLite database) and ``tsvector.py`` (PostgreSQL's own full-text search). mypy
checks each module against ``KeywordBackend`` where ``backend()`` returns it, so an engine
that drifts from the contract fails the type check, not a search. An *expression* is the
engine's own compiled query (a tantivy ``Query``, a tsquery string): callers get it from
``match_expression`` and only hand it back.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Protocol

from dailypapers.search.query import ParsedQuery
from dailypapers.search.restrict import Scope
from dailypapers.search.similar_rows import CandidateTexts


class KeywordBackend(Protocol):
    @property
    def LIMIT(self) -> int | None:
        """How many matches the engine counts and ranks at most (None: all of them)."""

    def match_expression(self, query: ParsedQuery, any_term: bool = False) -> Any:
        """The engine's query for all of ``query``'s terms (or any of them); falsy when no
        term has a word the engine could hold."""

    def search(
        self, expression: Any, limit: int, offset: int, scope: Scope
    ) -> tuple[list[int], int]:
        """Paper ids best first, ``limit`` of them from ``offset``, and how many match."""

    def ranked_ids(self, expression: Any, limit: int, offset: int, scope: Scope) -> list[int]:
        """Paper ids best first, ``limit`` of them from ``offset``."""

    def rank_by_shared_words(self, text: str, candidates: Collection[int]) -> list[int]:
        """``candidates`` best first by the words they share with ``text`` ("more like
        this": the 25 words that best tell ``text`` apart)."""

    def rank_by_any_word(
        self, text: str, candidates: Collection[int], texts: CandidateTexts | None = None
    ) -> list[int]:
        """``candidates`` best first as a search for any of ``text``'s words ranks them;
        ``texts``: their rows as ``similar_rows.candidate_texts`` reads them, when the caller
        has read them already (a backend that does not score text ignores them)."""

    def catch_up(self) -> int:
        """Apply the papers table's pending changes to the index; returns how many."""

    def rebuild(self) -> int | None:
        """Index every paper afresh (``dailypapers reindex``)."""
