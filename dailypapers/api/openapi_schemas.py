"""The OpenAPI document's component schemas: every JSON shape of the API, as JSON Schema.

They describe what ``serializers.py`` builds (the TypedDicts are in ``shapes.py``); the paths,
parameters and responses that use them, and the view serving the document, are ``openapi.py``.
"""

from __future__ import annotations

from typing import Any

from dailypapers.sources.arxiv.ids import NEW_STYLE_PATTERN

DATETIME = {
    "type": "string",
    "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$",
}
NULLABLE_DATETIME = {"anyOf": [DATETIME, {"type": "null"}]}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


def object_schema(properties: dict[str, Any], optional: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": [name for name in properties if name not in optional],
    }


STRING = {"type": "string"}
NULLABLE_STRING = nullable(STRING)
COUNT = {"type": "integer", "minimum": 0}
STRINGS = {"type": "array", "items": STRING}
LINKS = {
    "ai_summary": NULLABLE_STRING,
    "ai_keywords": STRINGS,
    "githubRepo": NULLABLE_STRING,
    "githubStars": nullable(COUNT),
    "projectPage": NULLABLE_STRING,
}

SCHEMAS: dict[str, Any] = {
    "Error": object_schema({"error": STRING}),
    "Empty": {"type": "object", "maxProperties": 0},
    "User": object_schema(
        {
            "_id": STRING,
            "avatarUrl": STRING,
            "fullname": STRING,
            "isPro": {"type": "boolean"},
            "name": STRING,
            "type": STRING,
            "user": {**STRING, "description": "The username (the client reads it here)."},
        }
    ),
    "Organization": object_schema(
        {
            "_id": STRING,
            "name": STRING,
            "fullname": STRING,
            "avatarUrl": STRING,
            "isVerified": {"type": "boolean"},
        }
    ),
    "Author": object_schema(
        {
            "_id": STRING,
            "name": STRING,
            "hidden": {"type": "boolean"},
            "status": {**STRING, "description": "claimed_verified: a confirmed claim."},
            "statusLastChangedAt": NULLABLE_DATETIME,
            "user": ref("User"),
        },
        optional=("status", "statusLastChangedAt", "user"),
    ),
    "NestedPaper": object_schema(
        {
            "id": STRING,
            "authors": {"type": "array", "items": ref("Author")},
            "discussionId": STRING,
            "publishedAt": {
                **DATETIME,
                "description": "arXiv publication time (not fetched yet: when listed).",
            },
            "title": STRING,
            "summary": STRING,
            "upvotes": COUNT,
            **LINKS,
            "mediaUrls": STRINGS,
            "submittedOnDailyAt": NULLABLE_DATETIME,
            "submittedOnDailyBy": nullable(ref("User")),
            "withdrawnAt": NULLABLE_DATETIME,
            "organization": nullable(ref("Organization")),
        }
    ),
    "DailyEntry": object_schema(
        {
            "paper": ref("NestedPaper"),
            "id": STRING,
            "publishedAt": {
                **DATETIME,
                "description": "When the paper joined a daily list (a paper on none: its "
                "arXiv date).",
            },
            "title": STRING,
            "summary": STRING,
            "thumbnail": {**STRING, "description": "The thumbnail's URL on this site."},
            "numComments": COUNT,
            "upvotes": COUNT,
            "submittedBy": ref("User"),
            "isAuthorParticipating": {"type": "boolean"},
            "mediaUrls": STRINGS,
            "organization": nullable(ref("Organization")),
            **LINKS,
            "categories": STRINGS,
            "primaryCategory": STRING,
        }
    ),
    "LinkedRepo": object_schema({"id": STRING}),
    "Paper": object_schema(
        {
            "id": STRING,
            "authors": {"type": "array", "items": ref("Author")},
            "publishedAt": DATETIME,
            "title": STRING,
            "summary": STRING,
            "upvotes": COUNT,
            "discussionId": STRING,
            "source": STRING,
            "numComments": COUNT,
            "submittedOnDailyAt": NULLABLE_DATETIME,
            "submittedOnDailyBy": nullable(ref("User")),
            **LINKS,
            "organization": nullable(ref("Organization")),
            "linkedModels": {"type": "array", "items": ref("LinkedRepo")},
            "numTotalModels": COUNT,
            "linkedDatasets": {"type": "array", "items": ref("LinkedRepo")},
            "numTotalDatasets": COUNT,
            "linkedSpaces": {"type": "array", "items": ref("LinkedRepo")},
            "numTotalSpaces": COUNT,
            "categories": STRINGS,
            "primaryCategory": STRING,
            "version": {"type": "integer", "minimum": 1},
            "doi": NULLABLE_STRING,
            "withdrawnAt": NULLABLE_DATETIME,
        }
    ),
    "Comment": object_schema(
        {
            "id": STRING,
            "parentId": NULLABLE_STRING,
            "author": nullable(ref("User")),
            "body": {**STRING, "description": "Markdown, as written."},
            "bodyHtml": {**STRING, "description": "The Markdown rendered and sanitised."},
            "createdAt": NULLABLE_DATETIME,
            "editedAt": NULLABLE_DATETIME,
            "deleted": {"type": "boolean"},
            "replies": {"type": "array", "items": ref("Comment")},
        }
    ),
    # A reader's own part (dailypapers/library/api.py): For you, follows, library import.
    "Reason": object_schema(
        {
            "kind": {
                "enum": [
                    "library",
                    "library_author",
                    "author",
                    "organization",
                    "category",
                    "search",
                    "trending",
                    "new",
                ]
            },
            "text": STRING,
            "url": NULLABLE_STRING,
        }
    ),
    "ForYouList": object_schema(
        {
            "period": object_schema({"kind": {"enum": ["date", "week", "month"]}, "key": STRING}),
            "personal": {"type": "boolean"},
            "total": COUNT,
            "papers": {
                "type": "array",
                "items": object_schema(
                    {
                        "paper": ref("NestedPaper"),
                        "reasons": {"type": "array", "items": ref("Reason"), "minItems": 1},
                    }
                ),
            },
        }
    ),
    "FollowRequest": object_schema(
        {
            "kind": {"enum": ["author", "organization", "category", "search"]},
            "target": {"type": "string", "maxLength": 300},
        }
    ),
    "Follow": object_schema(
        {
            "kind": {"enum": ["author", "organization", "category", "search"]},
            "target": STRING,
            "createdAt": STRING,
        }
    ),
    "ImportReport": object_schema(
        {
            "references": COUNT,
            "matched": COUNT,
            "added": COUNT,
            "queued_for_fetching": COUNT,
            "not_found": COUNT,
        }
    ),
    "IndexRequest": object_schema(
        {"arxivId": {"type": "string", "pattern": f"^{NEW_STYLE_PATTERN}$"}}
    ),
    "LinksRequest": {
        "type": "object",
        "properties": {
            "projectPage": NULLABLE_STRING,
            "githubRepo": NULLABLE_STRING,
            "organizationId": NULLABLE_STRING,
        },
    },
}
