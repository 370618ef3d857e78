"""URLs of comment actions; the discussion itself is part of the paper page."""

from django.urls import path, re_path

from dailypapers.discussions import views
from dailypapers.papers.urls import ARXIV_ID

app_name = "discussions"

urlpatterns = [
    re_path(rf"^papers/{ARXIV_ID}/comments$", views.post, name="post"),
    path("comments/<int:pk>/edit", views.edit, name="edit"),
    path("comments/<int:pk>/delete", views.delete, name="delete"),
    path("comments/<int:pk>/report", views.report, name="report"),
]
