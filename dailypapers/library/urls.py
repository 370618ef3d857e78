"""URLs of "For you", "Following", the library, its actions and the private feeds."""

from django.urls import path

from dailypapers.library import api, feeds, views
from dailypapers.papers import converters  # noqa: F401 (registers <arxiv_id:...>)

app_name = "library"

urlpatterns = [
    path("api/me/for-you", api.for_you, name="api_for_you"),
    path("api/me/follows", api.follows, name="api_follows"),
    path("api/me/library/import", api.library_import, name="api_import"),
    path("papers/for-you", views.for_you, name="for_you"),
    path("following", views.following, name="following"),
    path("following/change", views.follow_action, name="follow"),
    path("library", views.library, name="library"),
    path("library/import", views.import_references, name="import"),
    path("library/export.json", views.export, name="export"),
    path("library/feeds/reset", views.reset_feeds, name="reset_feeds"),
    path("papers/<arxiv_id:arxiv_id>/mark", views.mark, name="mark"),
    path("feeds/<str:secret>/for-you.xml", feeds.for_you_rss, name="for_you_rss"),
    path("feeds/<str:secret>/for-you.atom", feeds.for_you_atom, name="for_you_atom"),
    path("feeds/<str:secret>/following.xml", feeds.following_rss, name="following_rss"),
    path("feeds/<str:secret>/following.atom", feeds.following_atom, name="following_atom"),
]
