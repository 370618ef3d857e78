"""Hugging Face Daily Papers as an upstream: a pure parser of ``/api/daily_papers`` JSON.

Fetching is ``dailypapers.sources.http``; storing is ``dailypapers.papers``.
"""
