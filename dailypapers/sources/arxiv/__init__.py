"""arXiv as an upstream: id parsing, and pure parsers for the API (Atom), OAI-PMH, RSS and the
bulk metadata snapshot.

Every parser takes bytes (or a path, for the snapshot) and returns the plain records of
``dailypapers.sources.records`` or small result dataclasses; none fetches anything. Fetching is
``dailypapers.sources.http``; storing is ``dailypapers.papers``.
"""
