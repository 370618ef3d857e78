"""The serializers: papers, daily entries and organizations in Hugging Face's wire shapes.

Every JSON shape of a paper the API answers with is built here, from the models and next to
its TypedDict (``shapes.py``), so that changing an API field never touches a model
(ARCHITECTURE.md: models know nothing of the API). The Markdown of a paper is ``markdown.py``;
comments are shaped in ``views.py``. Nothing here queries the database by itself: a caller
loads what a list needs first (``lists.with_entries``, ``lists.shaped_entries``), and a paper's
prefetched ``daily_entries`` are read in Python.
"""

from __future__ import annotations

from typing import Any

from dailypapers.api.shapes import (
    AUTHOR,
    FROM_ARXIV,
    ORGANIZATION,
    PAPER,
    SUBMITTER_GONE,
    AuthorDict,
    DailyEntryDict,
    FlatPaperDict,
    NestedPaperDict,
    OrganizationDict,
    UserDict,
    object_id,
    upstream_user_dict,
    user_dict,
    utc_z,
)
from dailypapers.papers.found_links import find_links
from dailypapers.papers.models import DailyEntry, Organization, Paper
from dailypapers.papers.pictures import thumbnail_url


def organization_dict(organization: Organization) -> OrganizationDict:
    return {
        "_id": object_id(ORGANIZATION, organization.pk),
        "name": organization.name,
        "fullname": organization.fullname,
        "avatarUrl": organization.avatar_link,
        "isVerified": False,
    }


def first_entry(paper: Paper) -> DailyEntry | None:
    """The paper's first daily entry (Hugging Face's "submitted on daily"), read from its
    prefetched ``daily_entries`` when a list loaded them."""
    entries = list(paper.daily_entries.all())
    return min(entries, key=lambda entry: entry.date) if entries else None


def submitter_dict(entry: DailyEntry | None) -> UserDict:
    """Who put the paper on a daily list: never null, as Hugging Face's schema requires."""
    if entry is None:
        return upstream_user_dict(*FROM_ARXIV)
    if entry.submitted_by is not None:
        return user_dict(entry.submitted_by)
    if entry.submitter_name:
        return upstream_user_dict(entry.submitter_name)
    return upstream_user_dict(*SUBMITTER_GONE)


def author_dicts(paper: Paper) -> list[AuthorDict]:
    """Authors in order; a confirmed claim adds ``status``, ``statusLastChangedAt`` and the
    claiming account as ``user``, as Hugging Face sends them. The claims are the ones
    ``papers.people.load_claims`` put on the paper (none when it was not called)."""
    claims = getattr(paper, "confirmed_claims", {})
    authors: list[AuthorDict] = []
    for position, name in enumerate(paper.author_names):
        author: AuthorDict = {
            "_id": object_id(AUTHOR, paper.pk * 10_000 + position),
            "name": name,
            "hidden": False,
        }
        claim = claims.get(name)
        if claim is not None:
            author["status"] = "claimed_verified"
            author["statusLastChangedAt"] = utc_z(claim.decided_at or claim.created)
            author["user"] = user_dict(claim.user)
        authors.append(author)
    return authors


def published_at(paper: Paper, entry: DailyEntry | None) -> str:
    """The arXiv date; for a paper not fetched from arXiv yet, when it joined a daily list or
    else the site first knew of it (Hugging Face's schema requires a date)."""
    moment = paper.published_at or (entry.submitted_at if entry else None) or paper.created
    return utc_z(moment)


def _links(paper: Paper) -> dict[str, Any]:
    return {
        "ai_summary": paper.ai_summary or None,
        "ai_keywords": list(paper.ai_keywords),
        "githubRepo": paper.code_link or None,
        "githubStars": paper.github_stars,
        "projectPage": paper.project_link or None,
    }


def paper_dict(paper: Paper, entry: DailyEntry | None = None) -> NestedPaperDict:
    """The ``paper`` object nested in a daily entry or a search result."""
    entry = entry or first_entry(paper)
    organization = (entry and entry.organization) or paper.organization
    return {
        "id": paper.arxiv_id,
        "authors": author_dicts(paper),
        "discussionId": object_id(PAPER, paper.pk),
        "publishedAt": published_at(paper, entry),
        "title": paper.title,
        "summary": paper.abstract,
        "upvotes": paper.upvotes,
        **_links(paper),  # type: ignore[typeddict-item]
        "mediaUrls": [],
        "submittedOnDailyAt": utc_z(entry.submitted_at) if entry else None,
        "submittedOnDailyBy": submitter_dict(entry) if entry else None,
        "withdrawnAt": utc_z(paper.withdrawn_at),
        "organization": organization_dict(organization) if organization else None,
    }


def entry_dict(
    paper: Paper, entry: DailyEntry | None = None, participating: bool = False
) -> DailyEntryDict:
    """A daily entry's shape: Hugging Face's top level, and the paper's title, counts and
    links there too, since the client reads them there. A paper on no daily list (a search
    result) has its arXiv date as ``publishedAt`` and arXiv as its submitter."""
    entry = entry or first_entry(paper)
    nested = paper_dict(paper, entry)
    return {
        "paper": nested,
        "id": paper.arxiv_id,
        "publishedAt": utc_z(entry.submitted_at) if entry else nested["publishedAt"],
        "title": paper.title,
        "summary": paper.abstract,
        "thumbnail": thumbnail_url(paper),
        "numComments": paper.comments,
        "upvotes": paper.upvotes,
        "submittedBy": submitter_dict(entry),
        "isAuthorParticipating": participating,
        "mediaUrls": [],
        "organization": nested["organization"],
        **_links(paper),  # type: ignore[typeddict-item]
        "categories": list(paper.categories),
        "primaryCategory": paper.primary_category,
    }


def daily_entry_dict(entry: DailyEntry) -> DailyEntryDict:
    """An entry of a daily list; ``lists.shaped_entries`` set its ``author_participating``."""
    participating = getattr(entry, "author_participating", False)
    return entry_dict(entry.paper, entry, participating=participating)


def flat_paper_dict(paper: Paper) -> FlatPaperDict:
    """``/api/papers/{id}``: one flat object. Linked models, datasets and Spaces are those
    the paper's abstract and comments point at (``papers/found_links.py``)."""
    nested = paper_dict(paper)
    found = find_links(paper.abstract, paper.comment)
    return {
        "id": paper.arxiv_id,
        "authors": nested["authors"],
        "publishedAt": nested["publishedAt"],
        "title": paper.title,
        "summary": paper.abstract,
        "upvotes": paper.upvotes,
        "discussionId": nested["discussionId"],
        "source": "arxiv",
        "numComments": paper.comments,
        "submittedOnDailyAt": nested["submittedOnDailyAt"],
        "submittedOnDailyBy": nested["submittedOnDailyBy"],
        **_links(paper),  # type: ignore[typeddict-item]
        "organization": nested["organization"],
        "linkedModels": [{"id": repo} for repo in found.models],
        "numTotalModels": len(found.models),
        "linkedDatasets": [{"id": repo} for repo in found.datasets],
        "numTotalDatasets": len(found.datasets),
        "linkedSpaces": [{"id": repo} for repo in found.spaces],
        "numTotalSpaces": len(found.spaces),
        "categories": list(paper.categories),
        "primaryCategory": paper.primary_category,
        "version": paper.version,
        "doi": paper.doi or None,
        "withdrawnAt": nested["withdrawnAt"],
    }
