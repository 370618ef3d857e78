"""Upstreams of papers, one folder each; pure: clients fetch politely, parsers return records.

Nothing under ``sources`` imports a model or touches the database: parsers take bytes or
decoded JSON and return the dataclasses of ``records.py``, which ``dailypapers.papers.writing``
stores.
"""
