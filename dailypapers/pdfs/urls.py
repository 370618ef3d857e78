"""URLs of the PDF-derived files: a paper's thumbnail."""

from django.urls import path

from dailypapers.papers import converters  # noqa: F401 (registers <arxiv_id:...>)
from dailypapers.pdfs import views

app_name = "pdfs"

urlpatterns = [
    path("papers/<arxiv_id:arxiv_id>/thumbnail.webp", views.thumbnail, name="thumbnail"),
]
