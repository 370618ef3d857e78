"""The JSON shapes of the API, as TypedDicts, and the small encoders they share.

The shapes follow Hugging Face's papers API (``docs/api.md``, ``HF_API.md`` in the design notes)
so that ``huggingface_hub`` reads our answers unchanged. ``serializers.py`` builds them from
the models; this module holds only the types and the encoders of the values every shape has:
datetimes, ids, users.
Nothing here queries the database.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, TypedDict, overload

from dailypapers.papers.pictures import avatar_url


@overload
def utc_z(value: dt.datetime | dt.date) -> str: ...
@overload
def utc_z(value: None) -> None: ...
@overload
def utc_z(value: dt.datetime | dt.date | None) -> str | None: ...
def utc_z(value: dt.datetime | dt.date | None) -> str | None:
    """``2025-10-13T17:59:58.000Z``: the one datetime form the client parses (an offset such as
    ``+00:00`` makes it raise). A date is midnight UTC of that day."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(), dt.UTC)
    value = value.astimezone(dt.UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def object_id(kind: int, number: int) -> str:
    """A 24-hex-digit id like Hugging Face's, stable for a row: ``kind`` keeps the ids of
    papers, authors, users and organizations apart."""
    return f"{kind:04x}{number:020x}"


# The ``kind`` digits of object_id().
PAPER, AUTHOR, USER, ORGANIZATION, COMMENT = 1, 2, 3, 4, 5


class UserDict(TypedDict):
    _id: str
    avatarUrl: str
    fullname: str
    isPro: bool
    name: str
    type: str
    user: str  # the username: the client reads it from this key


class OrganizationDict(TypedDict):
    _id: str
    name: str
    fullname: str
    avatarUrl: str
    isVerified: bool


class AuthorDict(TypedDict, total=False):
    _id: str
    name: str
    hidden: bool
    # Only for an author a site account has claimed and a moderator confirmed, as Hugging
    # Face sends them: "claimed_verified", when it was decided, and the account.
    status: str
    statusLastChangedAt: str | None
    user: UserDict


class NestedPaperDict(TypedDict):
    """``paper`` inside a daily entry or a search result."""

    id: str
    authors: list[AuthorDict]
    discussionId: str
    publishedAt: str
    title: str
    summary: str
    upvotes: int
    ai_summary: str | None
    ai_keywords: list[str]
    githubRepo: str | None
    githubStars: int | None
    projectPage: str | None
    mediaUrls: list[str]
    submittedOnDailyAt: str | None
    submittedOnDailyBy: UserDict | None
    withdrawnAt: str | None
    organization: OrganizationDict | None


class DailyEntryDict(TypedDict):
    """An item of ``/api/daily_papers`` and ``/api/papers/search``: Hugging Face's top level
    plus, as the client reads them there, the paper's title, counts and links."""

    paper: NestedPaperDict
    id: str
    publishedAt: str
    title: str
    summary: str
    thumbnail: str
    numComments: int
    upvotes: int
    submittedBy: UserDict
    isAuthorParticipating: bool
    mediaUrls: list[str]
    organization: OrganizationDict | None
    ai_summary: str | None
    ai_keywords: list[str]
    githubRepo: str | None
    githubStars: int | None
    projectPage: str | None
    categories: list[str]
    primaryCategory: str


class LinkedRepoDict(TypedDict):
    id: str


class FlatPaperDict(TypedDict):
    """``/api/papers/{id}`` and the items of ``/api/papers``."""

    id: str
    authors: list[AuthorDict]
    publishedAt: str
    title: str
    summary: str
    upvotes: int
    discussionId: str
    source: str
    numComments: int
    submittedOnDailyAt: str | None
    submittedOnDailyBy: UserDict | None
    ai_summary: str | None
    ai_keywords: list[str]
    organization: OrganizationDict | None
    projectPage: str | None
    githubRepo: str | None
    githubStars: int | None
    linkedModels: list[LinkedRepoDict]
    numTotalModels: int
    linkedDatasets: list[LinkedRepoDict]
    numTotalDatasets: int
    linkedSpaces: list[LinkedRepoDict]
    numTotalSpaces: int
    categories: list[str]
    primaryCategory: str
    version: int
    doi: str | None
    withdrawnAt: str | None


class CommentDict(TypedDict):
    id: str
    parentId: str | None
    author: UserDict | None
    body: str
    bodyHtml: str
    createdAt: str | None
    editedAt: str | None
    deleted: bool
    replies: list[CommentDict]


def user_dict(user: Any) -> UserDict:
    """A site account in Hugging Face's user shape."""
    profile = getattr(user, "profile", None)
    username = user.get_username()
    return {
        "_id": object_id(USER, user.pk),
        "avatarUrl": avatar_url(user),
        "fullname": profile.name if profile else username,
        "isPro": False,
        "name": username,
        "type": "user",
        "user": username,
    }


def upstream_user_dict(name: str, fullname: str = "") -> UserDict:
    """A submitter known only by name (an entry imported from Hugging Face), or one of the
    stand-ins below: Hugging Face's clients require a submitter on every daily entry."""
    return {
        "_id": object_id(USER, 0),
        "avatarUrl": avatar_url(None),
        "fullname": fullname or name,
        "isPro": False,
        "name": name,
        "type": "user",
        "user": name,
    }


# Who ``submittedBy`` names when no account submitted the paper: one on no daily list (a
# search result ingested from arXiv), or an entry whose submitter deleted their account.
FROM_ARXIV = ("arxiv", "arXiv (not submitted to a daily list)")
SUBMITTER_GONE = ("deleted-account", "A deleted account")
