"""URLs of comment actions; the discussion itself is part of the paper page."""

from django.urls import path

from dailypapers.discussions import views
from dailypapers.papers import converters  # noqa: F401 (registers <arxiv_id:...>)

app_name = "discussions"

urlpatterns = [
    path("papers/<arxiv_id:arxiv_id>/comments", views.post, name="post"),
    path("comments/<int:pk>/edit", views.edit, name="edit"),
    path("comments/<int:pk>/delete", views.delete, name="delete"),
    path("comments/<int:pk>/report", views.report, name="report"),
]
