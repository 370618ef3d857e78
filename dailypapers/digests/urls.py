"""URLs of digest subscriptions under /subscribe."""

from django.urls import path

from dailypapers.digests import views

app_name = "digests"

urlpatterns = [
    path("subscribe", views.subscribe, name="subscribe"),
    path("subscribe/preview", views.own_preview, name="own_preview"),
    path("subscribe/confirm/<str:token>", views.confirm, name="confirm"),
    path("subscribe/manage/<str:token>", views.manage, name="manage"),
    path("subscribe/unsubscribe/<str:token>", views.unsubscribe, name="unsubscribe"),
    path("subscribe/preview/<str:token>", views.preview, name="preview"),
]
