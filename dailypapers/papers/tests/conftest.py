"""Fixtures of the papers tests: ``upstream``, which starts the scripted server and points
every upstream URL setting (arXiv API, OAI, RSS; Hugging Face) at it."""

import pytest


@pytest.fixture
def upstream(settings, serve):
    settings.INGEST_CONTACT = "ops@example.org"

    def start(*script):
        server = serve(*script)
        settings.ARXIV_API_URL = server.url + "/api/query"
        settings.ARXIV_OAI_URL = server.url + "/oai"
        settings.ARXIV_RSS_URL = server.url + "/rss/"
        settings.HF_API_URL = server.url + "/api/daily_papers"
        return server

    return start
