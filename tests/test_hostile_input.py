"""A standing hostile-input test: every URL pattern of the site (the resolver walked, the admin
included, as a superuser) and every API parameter, hit with boundary and hostile values, answers
below 500: a clear 4xx, a redirect or a page, never a server error.

New URLs and API parameters are covered as soon as they exist: patterns come from the resolver,
API parameters from the OpenAPI document, form fields from every form the site renders.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from dailypapers.accounts.models import ApiToken
from tests.support import personas
from tests.support.testing import list_on, make_paper

pytestmark = pytest.mark.django_db

NESTED = "[" * 3000 + "]" * 3000
HOSTILE = {
    "first day": "0001-01-01",
    "last day": "9999-12-31",
    "first week": "0001-W01",
    "last week": "9999-W53",
    "last month": "9999-12",
    "huge number": "9" * 30,
    "negative": "-1",
    "int64 overflow": str(2**63),
    "float": "1e308",
    "fullwidth id": "\uff12\uff16\uff11\uff11.\uff10\uff10\uff10\uff10\uff13",
    "arabic-indic id": "2611.\u0660\u0661\u0662\u0663\u0664",
    "impossible id": "2613.99999",
    "NUL": "a\x00b",
    "CRLF": "a\r\nLocation: http://evil.example/",
    "5000 characters": "x" * 5000,
    "nested JSON": NESTED[:2000] + NESTED[-2000:],
    "markup": "<script>alert(1)</script>\"'",
    "path tricks": "../../etc/passwd",
}
# Form fields the site's forms use, filled with the hostile value in POSTs.
FORM_FIELDS = [
    "arxiv", "body", "parent", "email", "name", "username", "display_name", "password",
    "password1", "password2", "new_password1", "new_password2", "q", "topics", "categories",
    "frequency", "collection", "new_collection", "public", "reason", "title", "next",
    "login", "token", "paper", "arxiv_id", "github_repo", "project_page", "action",
    "_selected_action", "index",
]  # fmt: skip
# GET parameters pages and the API read, beyond those the OpenAPI document lists.
QUERY_FIELDS = [
    "q", "page", "p", "limit", "date", "week", "month", "sort", "category", "cursor", "from",
    "to", "organization", "has_code", "days", "format", "o", "e", "all", "_popup", "next",
]  # fmt: skip
GROUP = re.compile(r"\(\?P<\w+>")


def routes(patterns: list, prefix: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern)


def fill(route: str, value: str) -> str:
    """The route's path with every parameter (``<conv:name>`` or ``(?P<name>...)``) set to
    ``value``, percent-encoded as a client would send it."""
    encoded = quote(value, safe="")
    path = route
    while match := GROUP.search(path):
        depth, end = 1, match.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(path[end], 0) if path[end - 1] != "\\" else 0
            end += 1
        path = path[: match.start()] + encoded + path[end:]
    path = re.sub(r"<[^>]+>", encoded, path)
    path = path.removeprefix("^").removesuffix("$").replace("\\.", ".")
    path = re.sub(r"\((?:\?:)?([^|()]+)(?:\|[^()]*)?\)", r"\1", path)  # (bib|ris) -> bib
    return "/" + path.replace("\\", "")


ALL_ROUTES = sorted(set(routes(get_resolver().url_patterns)))


@pytest.fixture
def site(db):
    """Papers on today's list, a comment, a collection, a subscription: views go deep."""
    paper = make_paper(
        "Hostile input", arxiv_id="2605.01001", organization="Example Lab",
        github_repo="https://github.com/example/repo",
    )  # fmt: skip
    list_on(paper, timezone.now().date())
    list_on(make_paper("Yesterday", arxiv_id="2605.01002"), timezone.now().date() - dt.timedelta(1))
    return paper


@pytest.fixture
def superuser_client(site) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(personas.mallory())
    return client


@pytest.fixture
def anonymous() -> Client:
    return Client(raise_request_exception=False)


def failures(client: Client, requests: list[tuple[str, str, dict | str | None]]) -> list[str]:
    found = []
    for method, url, data in requests:
        if method == "GET":
            response = client.get(url)
        elif isinstance(data, str):
            response = client.post(url, data, content_type="application/json")
        else:
            response = client.post(url, data or {})
        if response.status_code >= 500:
            found.append(f"{method} {url[:120]!r} -> {response.status_code}")
    return found


def test_every_route_is_walked():
    # The walk finds the site's own patterns and the admin's; if it found nothing the test
    # below would pass vacuously.
    assert "papers/<arxiv_id:arxiv_id>" in ALL_ROUTES
    assert "admin/papers/paper/<path:object_id>/change/" in ALL_ROUTES
    assert fill("^papers/(?P<name>[^/]+(?:/[0-9]{7})?)\\.md$", "x") == "/papers/x.md"
    assert fill("papers/<arxiv_id:arxiv_id>.<citation_format:form>", "x") == "/papers/x.x"
    assert len(ALL_ROUTES) > 100


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_every_url_pattern_survives_a_hostile_path_value(superuser_client, anonymous, value):
    requests = [("GET", fill(route, value), None) for route in ALL_ROUTES]
    posts = [("POST", fill(r, value), dict.fromkeys(FORM_FIELDS, value)) for r in ALL_ROUTES]
    found = failures(superuser_client, requests + posts)
    found += failures(anonymous, [r for r in requests if not r[1].startswith("/admin/")])
    assert not found, "\n".join(found)


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_every_page_survives_hostile_query_parameters(superuser_client, site, value):
    valid = {"arxiv_id": site.arxiv_id, "name": "example-lab", "key": "2026-05-20"}
    pages = []
    for route in ALL_ROUTES:
        if "<path:" in route or "(?P<" in route or "<int:" in route or "<str:" in route:
            continue  # pages of one object: their own values are covered above
        path = "/" + re.sub(r"<\w+:(\w+)>", lambda m: valid.get(m[1], "x"), route)
        pages.append(path)
    query = urlencode(dict.fromkeys(QUERY_FIELDS, value))
    found = failures(superuser_client, [("GET", f"{page}?{query}", None) for page in pages])
    assert not found, "\n".join(found)


def api_parameters(client: Client) -> Iterator[tuple[str, str, str]]:
    """(method, path template, parameter name) of every parameter of the OpenAPI document."""
    document = client.get("/api/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                yield method.upper(), path, parameter["name"]


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_every_api_parameter_survives_a_hostile_value(anonymous, site, value):
    requests = []
    for method, template, name in api_parameters(anonymous):
        path = re.sub(r"\{\w+\}", lambda m: site.arxiv_id, template)
        if "{" + name + "}" in template:
            path = template.replace("{" + name + "}", quote(value, safe="")).replace(
                "{arxiv_id}", site.arxiv_id
            )
            path = re.sub(r"\{\w+\}", "example-lab", path)
            requests.append((method, path, None))
        else:
            path = re.sub(r"\{\w+\}", "example-lab", path)
            requests.append((method, f"{path}?{urlencode({name: value})}", None))
    assert len(requests) > 20
    found = failures(anonymous, [r for r in requests if r[0] == "GET"])
    assert not found, "\n".join(found)


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_every_api_body_field_survives_a_hostile_value(superuser_client, site, value):
    _, token = ApiToken.issue(personas.mallory(), "hostile")
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {token}")
    fields = ["arxivId", "projectPage", "githubRepo", "organizationId"]
    bodies = [json.dumps(dict.fromkeys(fields, value)), json.dumps(value), value]
    for number in (2**63, -1, 1e308):
        bodies.append(json.dumps(dict.fromkeys(fields, number)))
    requests = [
        ("POST", url, body)
        for url in ("/api/papers/index", f"/api/papers/{site.arxiv_id}/links")
        for body in bodies
    ]
    found = failures(client, requests)
    assert not found, "\n".join(found)
