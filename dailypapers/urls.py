"""The site's URLs: each app's own, included; nothing else lives here."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="papers:index"), name="home"),
    # A reader's own pages and /api/me/...: before the API's catch-all JSON 404 for /api/.
    path("", include("dailypapers.library.urls")),
    # The API's URLs first: /papers/date/<day>.bib must not be read as a day named "<day>.bib".
    path("", include("dailypapers.api.urls")),
    path("", include("dailypapers.pdfs.urls")),
    path("", include("dailypapers.papers.urls")),
    path("", include("dailypapers.accounts.urls")),
    path("", include("dailypapers.discussions.urls")),
    path("", include("dailypapers.collections.urls")),
    path("", include("dailypapers.digests.urls")),
    path("admin/", admin.site.urls),
]
