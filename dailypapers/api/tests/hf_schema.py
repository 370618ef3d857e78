"""Hugging Face's published schema of its papers endpoints, as JSON Schema, for the tests.

Derived from the client that Stainless generated from Hugging Face's own OpenAPI document
(github.com/fakerybakery/hfapi at d4035cbc0b6e93f1dd4306c02265130b6870e0c5, Apache-2.0,
``src/pyhfapi/types/api_get_daily_papers_response.py``; the document itself is the
``openapi_spec_url`` of its ``.stats.yml``). Its pydantic models read a field that is not
``Optional`` as required and never null, an ``Optional`` one as "absent, null or of the type",
and accept keys they do not name; this schema says the same, field by field.

That document types ``/api/daily_papers`` only. ``/api/papers/search`` answers items of the
same shape (docs/api.md), and ``/api/papers/{id}`` is the same paper object flat, plus the
``linked*`` lists whose items ``huggingface_hub`` requires to carry an ``id``. Datetimes end
in ``Z`` (``huggingface_hub`` raises on an offset).
"""

from __future__ import annotations

from typing import Any

DATETIME: dict[str, Any] = {
    "type": "string",
    "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$",
}
STRING: dict[str, Any] = {"type": "string"}
NUMBER: dict[str, Any] = {"type": "number"}
BOOLEAN: dict[str, Any] = {"type": "boolean"}
STRINGS: dict[str, Any] = {"type": "array", "items": STRING}


def optional(schema: dict[str, Any]) -> dict[str, Any]:
    """A pydantic ``Optional[...] = None`` field: null or the type (absence is left to
    ``required``)."""
    return {"anyOf": [schema, {"type": "null"}]}


def model(required: dict[str, Any], optionals: dict[str, Any] | None = None) -> dict[str, Any]:
    properties = dict(required)
    properties.update({name: optional(schema) for name, schema in (optionals or {}).items()})
    return {"type": "object", "properties": properties, "required": list(required)}


USER = model(
    {
        "_id": STRING,
        "avatarUrl": STRING,
        "fullname": STRING,
        "isPro": BOOLEAN,
        "name": STRING,
        "type": STRING,
    },
    {
        "followerCount": NUMBER,
        "isHf": BOOLEAN,
        "isHfAdmin": BOOLEAN,
        "isMod": BOOLEAN,
        "user": STRING,
    },
)

AUTHOR = model(
    {"_id": STRING, "hidden": BOOLEAN, "name": STRING},
    {"status": STRING, "statusLastChangedAt": DATETIME, "user": USER},
)

PAPER_REQUIRED: dict[str, Any] = {
    "id": STRING,
    "authors": {"type": "array", "items": AUTHOR},
    "discussionId": STRING,
    "publishedAt": DATETIME,
    "summary": STRING,
    "title": STRING,
    "upvotes": NUMBER,
}
PAPER_OPTIONAL: dict[str, Any] = {
    "ai_keywords": STRINGS,
    "ai_summary": STRING,
    "githubRepo": STRING,
    "githubStars": NUMBER,
    "mediaUrls": STRINGS,
    "projectPage": STRING,
    "submittedOnDailyAt": DATETIME,
    "submittedOnDailyBy": USER,
    "withdrawnAt": DATETIME,
}
PAPER = model(PAPER_REQUIRED, PAPER_OPTIONAL)

DAILY_PAPER = model(
    {
        "isAuthorParticipating": BOOLEAN,
        "numComments": NUMBER,
        "paper": PAPER,
        "publishedAt": DATETIME,
        "submittedBy": USER,
        "summary": STRING,
        "thumbnail": STRING,
        "title": STRING,
    },
    {"mediaUrls": STRINGS},
)

LINKED = {"type": "array", "items": {"type": "object", "required": ["id"]}}
FLAT_PAPER = model(
    {**PAPER_REQUIRED, "linkedModels": LINKED, "linkedDatasets": LINKED, "linkedSpaces": LINKED},
    PAPER_OPTIONAL,
)
