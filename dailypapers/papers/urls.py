"""URLs of the reading pages under /papers."""

from django.urls import path, re_path

from dailypapers.papers import actions, views

app_name = "papers"

# New-style ids (2510.11701) and old-style ones with their archive (hep-th/9901001).
ARXIV_ID = r"(?P<arxiv_id>\d{4}\.\d{4,5}|[a-z][a-z.-]*/\d{7})"

urlpatterns = [
    path("papers", views.index, name="index"),
    path("papers/trending", views.trending, name="trending"),
    path("papers/date/<str:key>", views.period_list, {"kind": "date"}, name="date"),
    path("papers/week/<str:key>", views.period_list, {"kind": "week"}, name="week"),
    path("papers/month/<str:key>", views.period_list, {"kind": "month"}, name="month"),
    re_path(rf"^papers/{ARXIV_ID}$", views.paper_detail, name="paper"),
    re_path(rf"^papers/{ARXIV_ID}/vote$", actions.vote, name="vote"),
    re_path(rf"^papers/{ARXIV_ID}/claim$", actions.claim, name="claim"),
    path("papers/submit", actions.submit, name="submit"),
    path("organizations/<slug:name>", views.organization, name="organization"),
    path("authors/<path:name>", views.author, name="author"),
]
