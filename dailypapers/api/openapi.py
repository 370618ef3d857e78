"""The OpenAPI 3.1 document of the API, served at ``/api/openapi.json``.

Written by hand next to the shapes it describes: the component schemas are in
``openapi_schemas.py`` (beside ``shapes.py``), the paths and responses here.
``tests/test_api_schemathesis.py`` checks every answer of the running server against it, so
the two cannot drift apart silently.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from dailypapers import __version__
from dailypapers.api.openapi_schemas import SCHEMAS, STRING, object_schema, ref
from dailypapers.api.responses import api_view, json_response
from dailypapers.sources.arxiv.categories import CATEGORY_PATTERN
from dailypapers.sources.arxiv.ids import BARE_PATTERN


def _error(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {"X-Error-Message": {"schema": STRING, "description": "The error, again."}},
        "content": {"application/json": {"schema": ref("Error")}},
    }


RATE_LIMITED = {
    "description": "Over the rate limit (the IP's, or the token's user's); see the RateLimit "
    "headers.",
    "headers": {"Retry-After": {"schema": STRING}},
    "content": {"application/json": {"schema": ref("Error")}},
}


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _list_of(name: str) -> dict[str, Any]:
    return {"type": "array", "items": ref(name)}


def _query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        "description": description,
    }


PAGE = _query("p", {"type": "integer", "minimum": 0, "maximum": 10_000}, "Page, from 0.")
LIMIT = _query("limit", {"type": "integer", "minimum": 1, "maximum": 100}, "Items per page.")
CATEGORY = _query(
    "category",
    {"type": "string", "pattern": f"^({CATEGORY_PATTERN})?$"},
    "Only papers in this arXiv category (ours, not Hugging Face's). Empty: all.",
)
ARXIV_ID = {
    "name": "arxiv_id",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": f"^{BARE_PATTERN}$"},
}
BAD = _error("A parameter is malformed or out of range.")
MISSING = _error("No such paper, organization or author.")


# A URL longer than the HTTP server takes is refused before it reaches the site.
TOO_LONG = {"description": "The URL is too long (refused by the HTTP server)."}


# A token is optional on reads, but one that is sent is checked (responses.api_view).
BAD_TOKEN = _error("An unknown or revoked token was sent.")
UNVERIFIED = _error("The token's account has not verified its email.")


def _get(summary: str, ok: dict[str, Any], *parameters: dict[str, Any]) -> dict[str, Any]:
    responses: dict[str, Any] = {
        "200": ok,
        "400": BAD,
        "401": BAD_TOKEN,
        "403": UNVERIFIED,
        "414": TOO_LONG,
        "429": RATE_LIMITED,
    }
    if any(parameter["in"] == "path" for parameter in parameters):
        responses["404"] = MISSING
    operation = {
        "summary": summary,
        "security": [{}, {"token": []}],
        "parameters": list(parameters),
        "responses": responses,
    }
    return {"get": operation}


def _on_demand(path: dict[str, Any]) -> dict[str, Any]:
    """A paper the site does not hold yet is fetched from arXiv (docs/ingest.md)."""
    fetching = object_schema(
        {
            "id": STRING,
            "status": {"type": "string", "enum": ["fetching", "pending"]},
            "state": {"type": "string"},
            "message": STRING,
            "retryAfter": {"type": "integer"},
        }
    )
    path["get"]["responses"]["202"] = _json(
        "Not held yet: being fetched from arXiv; ask again after Retry-After seconds.", fetching
    )
    path["get"]["responses"]["503"] = _error("Too many papers wait to be fetched; try later.")
    return path


def _post(summary: str, body: str, *parameters: dict[str, Any]) -> dict[str, Any]:
    responses = {
        "200": _json("Done.", ref("Empty")),
        "400": BAD,
        "401": _error("No token, or an unknown or revoked one."),
        "403": _error(
            "The token's account has not verified its email, or its user may not change this "
            "paper or its organization."
        ),
        "404": MISSING,
        "413": _error("The body is too large."),
        "429": RATE_LIMITED,
    }
    return {
        "post": {
            "summary": summary,
            "security": [{"token": []}],
            "parameters": list(parameters),
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": ref(body)}},
            },
            "responses": responses,
        }
    }


def _reader_paths(periods: list[dict[str, Any]]) -> dict[str, Any]:
    """``/api/me/...``: the token's own user's For you, follows and library import."""
    unauthorized = _error("No token, or an unknown or revoked one.")
    token: list[dict[str, list[str]]] = [{"token": []}]
    follow_body = {
        "required": True,
        "content": {"application/json": {"schema": ref("FollowRequest")}},
    }
    changed = {
        "400": BAD,
        "401": unauthorized,
        "413": _error("The body is too large."),
        "429": RATE_LIMITED,
    }
    return {
        "/api/me/for-you": {
            "get": {
                "summary": "The period's papers ranked for the token's user, with reasons.",
                "security": token,
                "parameters": [*periods, LIMIT, PAGE],
                "responses": {
                    "200": _json("Ranked papers.", ref("ForYouList")),
                    "400": BAD,
                    "401": unauthorized,
                    "414": TOO_LONG,
                    "429": RATE_LIMITED,
                },
            }
        },
        "/api/me/follows": {
            "get": {
                "summary": "What the token's user follows.",
                "security": token,
                "responses": {
                    "200": _json("Follows.", _list_of("Follow")),
                    "401": unauthorized,
                    "429": RATE_LIMITED,
                },
            },
            "post": {
                "summary": "Follow an author, organization, arXiv category or search.",
                "security": token,
                "requestBody": follow_body,
                "responses": {
                    "200": _json("Already followed.", ref("Follow")),
                    "201": _json("Followed.", ref("Follow")),
                    **changed,
                },
            },
            "delete": {
                "summary": "Unfollow.",
                "security": token,
                "requestBody": follow_body,
                "responses": {
                    "200": _json(
                        "Whether a follow was removed.",
                        object_schema({"deleted": {"type": "boolean"}}),
                    ),
                    **changed,
                },
            },
        },
        "/api/me/library/import": {
            "post": {
                "summary": "Import a BibTeX, RIS or CSL-JSON file (the body) into the library.",
                "security": token,
                "requestBody": {
                    "required": True,
                    "content": {"application/octet-stream": {"schema": STRING}},
                },
                "responses": {
                    "200": _json("What the import did.", ref("ImportReport")),
                    **changed,
                },
            }
        },
    }


def build() -> dict[str, Any]:
    period = {
        "date": (r"^([0-9]{4}-[0-9]{2}-[0-9]{2})?$", "Papers added to the daily list on this day."),
        "week": (r"^([0-9]{4}-W[0-9]{2})?$", "... in this ISO week (2025-W09)."),
        "month": (r"^([0-9]{4}-[0-9]{2})?$", "... in this month (2025-02)."),
    }
    periods = [
        _query(name, {"type": "string", "pattern": pattern}, text)
        for name, (pattern, text) in period.items()
    ]
    name = {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
    markdown = {
        "description": "The paper as Markdown.",
        "content": {"text/markdown": {"schema": STRING}},
    }
    paths = {
        "/api/daily_papers": _get(
            "Daily papers: newest submissions first, or trending.",
            _json("Daily entries.", _list_of("DailyEntry")),
            PAGE,
            LIMIT,
            *periods,
            _query("submitter", {"type": "string"}, "Username of the submitter."),
            _query("sort", {"enum": ["publishedAt", "trending", ""]}, "Order; empty: publishedAt."),
            CATEGORY,
        ),
        "/api/papers/search": _get(
            "Search papers by keyword and meaning.",
            _json("Matches, best first, in the daily entry shape.", _list_of("DailyEntry")),
            _query("q", {"type": "string", "maxLength": 250}, "The search."),
            _query("limit", {"type": "integer", "minimum": 1, "maximum": 120}, "At most."),
            CATEGORY,
        ),
        "/api/papers": _get(
            "All papers by arXiv date, newest first; the Link header has the next page.",
            _json("Papers.", _list_of("Paper")),
            _query("cursor", {"type": "string"}, "From a previous page's Link header."),
            LIMIT,
            CATEGORY,
        ),
        "/api/papers/{arxiv_id}": _on_demand(
            _get("One paper.", _json("The paper.", ref("Paper")), ARXIV_ID)
        ),
        "/api/papers/{arxiv_id}/comments": _get(
            "A paper's discussion, read-only: top-level comments with their replies.",
            _json("Comments, oldest first.", _list_of("Comment")),
            ARXIV_ID,
        ),
        "/api/arxiv/{arxiv_id}/repos": _get(
            "Hugging Face models, datasets and Spaces the paper links to.",
            _json(
                "Three lists of repositories.",
                object_schema(
                    {
                        kind: {"type": "array", "items": ref("LinkedRepo")}
                        for kind in ("models", "datasets", "spaces")
                    }
                ),
            ),
            ARXIV_ID,
        ),
        "/papers/{arxiv_id}.md": _get("One paper as Markdown.", markdown, ARXIV_ID),
        "/api/papers/index": _post("Index a paper from arXiv by its id.", "IndexRequest"),
        "/api/papers/{arxiv_id}/links": _post(
            "Set a paper's project page, GitHub repository and organization.",
            "LinksRequest",
            ARXIV_ID,
        ),
        **_reader_paths(periods),
        "/api/organizations": _get(
            "Organizations, by name.",
            _json("Organizations.", _list_of("Organization")),
            PAGE,
            LIMIT,
        ),
        "/api/organizations/{name}": _get(
            "One organization.", _json("The organization.", ref("Organization")), name
        ),
        "/api/organizations/{name}/papers": _get(
            "An organization's daily entries, newest list first.",
            _json("Daily entries.", _list_of("DailyEntry")),
            name,
            PAGE,
            LIMIT,
        ),
        "/api/authors/{name}/papers": _get(
            "Every paper of one author name, newest first.",
            _json("Papers.", _list_of("Paper")),
            name,
            PAGE,
            LIMIT,
        ),
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Daily Papers API",
            "version": __version__,
            "description": "A superset of Hugging Face's papers API: huggingface_hub's HfApi "
            "works against it. Datetimes are UTC and end in Z. Errors are "
            '{"error": "..."} with the same text in X-Error-Message. See docs/api.md.',
        },
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {
                "token": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A token made on your settings page.",
                }
            },
        },
    }


@api_view("GET")
def document(request: HttpRequest) -> HttpResponse:
    return json_response(build())
