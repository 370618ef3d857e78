"""The site's URLs: each app's own, included; nothing else lives here."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="papers:index"), name="home"),
    # The API's URLs first: /papers/date/<day>.bib must not be read as a day named "<day>.bib".
    path("", include("dailypapers.api.urls")),
    # Before the reading pages: /papers/for-you must not be read as a paper id.
    path("", include("dailypapers.library.urls")),
    path("", include("dailypapers.papers.urls")),
    path("", include("dailypapers.accounts.urls")),
    path("", include("dailypapers.discussions.urls")),
    path("", include("dailypapers.collections.urls")),
    path("", include("dailypapers.digests.urls")),
    path("admin/", admin.site.urls),
]
