"""URLs of the JSON API (/api/...), the Markdown and citation variants of paper pages, and the
feeds. Included before the reading pages so ``/papers/date/<day>.bib`` is ours."""

from django.urls import path, re_path

from dailypapers.api import citations, feeds, markdown, openapi, views, writing
from dailypapers.papers import converters  # noqa: F401 (registers the path converters)

app_name = "api"

# <arxiv_id_any_version:...>: as in papers/urls.py, plus an optional version (2510.11701v2)
# that the converter drops: the API speaks of papers. A path it refuses ends in the JSON 404.
ARXIV_ID = "<arxiv_id_any_version:arxiv_id>"
FORMAT = r"\.(?P<form>bib|ris)"

urlpatterns = [
    path("api/openapi.json", openapi.document, name="openapi"),
    path("api/daily_papers", views.daily_papers, name="daily_papers"),
    path("api/papers", views.papers, name="papers"),
    path("api/papers/search", views.search, name="search"),
    path("api/papers/index", writing.index_paper, name="index"),
    path(f"api/papers/{ARXIV_ID}", views.paper, name="paper"),
    path(f"api/papers/{ARXIV_ID}/comments", views.comments, name="comments"),
    path(f"api/papers/{ARXIV_ID}/links", writing.paper_links, name="links"),
    path(f"api/arxiv/{ARXIV_ID}/repos", views.arxiv_repos, name="arxiv_repos"),
    path("api/organizations", views.organizations, name="organizations"),
    path("api/organizations/<slug:name>", views.organization, name="organization"),
    path(
        "api/organizations/<slug:name>/papers",
        views.organization_papers,
        name="organization_papers",
    ),
    re_path(r"^api/authors/(?P<name>[^/]+)/papers$", views.author_papers, name="author_papers"),
    re_path(r"^api/(?P<rest>[\s\S]*)$", views.not_found),  # any path, newlines too: JSON 404
    # The paper as Markdown (huggingface_hub's read_paper) and as citations.
    # Any one or two path segments before .md (an old-style id has a slash): the view reads
    # the id (sources/arxiv/ids.py), so a bad one gets the API's JSON 404, not the HTML page.
    re_path(r"^papers/(?P<name>[^/]+(?:/[^/]+)?)\.md$", markdown.paper_markdown, name="paper_md"),
    path(f"papers/{ARXIV_ID}.<citation_format:form>", citations.paper, name="cite_paper"),
    re_path(rf"^papers/date/(?P<day>[^/]+){FORMAT}$", citations.day, name="cite_day"),
    re_path(rf"^papers/search{FORMAT}$", citations.search, name="cite_search"),
    re_path(
        rf"^users/(?P<username>[^/]+)/collections/(?P<pk>[0-9]{{1,18}}){FORMAT}$",
        citations.collection,
        name="cite_collection",
    ),
    # Feeds: RSS 2.0 (.xml) and Atom (.atom).
    path("papers/feed.xml", feeds.rss(feeds.DailyFeed), name="feed"),
    path("papers/feed.atom", feeds.atom(feeds.DailyFeed), name="feed_atom"),
    path("papers/trending/feed.xml", feeds.rss(feeds.TrendingFeed), name="trending_feed"),
    path("papers/trending/feed.atom", feeds.atom(feeds.TrendingFeed), name="trending_feed_atom"),
    path("organizations/<slug:name>/feed.xml", feeds.rss(feeds.OrganizationFeed), name="org_feed"),
    path(
        "organizations/<slug:name>/feed.atom",
        feeds.atom(feeds.OrganizationFeed),
        name="org_feed_atom",
    ),
]
