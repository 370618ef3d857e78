"""URLs of the reading pages under /papers."""

from django.urls import path

from dailypapers.papers import (
    actions,
    converters,  # noqa: F401 (registers <arxiv_id:...>)
    views,
)

app_name = "papers"

urlpatterns = [
    path("papers", views.index, name="index"),
    path("papers/trending", views.trending, name="trending"),
    path("papers/date/<str:key>", views.period_list, {"kind": "date"}, name="date"),
    path("papers/week/<str:key>", views.period_list, {"kind": "week"}, name="week"),
    path("papers/month/<str:key>", views.period_list, {"kind": "month"}, name="month"),
    path("papers/<arxiv_id:arxiv_id>", views.paper_detail, name="paper"),
    path("papers/<arxiv_id:arxiv_id>/vote", actions.vote, name="vote"),
    path("papers/<arxiv_id:arxiv_id>/claim", actions.claim, name="claim"),
    path("papers/submit", actions.submit, name="submit"),
    path("organizations/<slug:name>", views.organization, name="organization"),
    path("authors/<path:name>", views.author, name="author"),
]
