"""The API's fixtures: a small set of papers on two daily lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from tests.support.testing import list_on, make_paper

DAY = dt.date(2026, 5, 20)
NEXT_DAY = dt.date(2026, 5, 21)


@pytest.fixture
def papers(db):
    """Three papers: two on DAY (one with code, of an organization), one on NEXT_DAY."""
    attention = make_paper(
        "Sparse attention for long documents",
        arxiv_id="2605.01001",
        authors=["Grace Hopper", "Alan Turing"],
        categories=["cs.CL", "cs.LG"],
        primary_category="cs.CL",
        github_repo="https://github.com/example/sparse",
        upstream_upvotes=12,
        organization="Example Lab",
    )
    diffusion = make_paper(
        "Diffusion models for proteins",
        arxiv_id="2605.01002",
        categories=["q-bio.BM"],
        primary_category="q-bio.BM",
        upstream_upvotes=0,
    )
    alignment = make_paper(
        "Alignment of language models with feedback",
        arxiv_id="2605.01003",
        categories=["cs.CL"],
        primary_category="cs.CL",
        upstream_upvotes=5,
    )
    list_on(attention, DAY)
    list_on(diffusion, DAY)
    list_on(alignment, NEXT_DAY)
    return {"attention": attention, "diffusion": diffusion, "alignment": alignment}


@pytest.fixture
def client() -> Client:
    return Client(HTTP_HOST="127.0.0.1")
