"""URLs of collections: /users/<name>/collections/<id> and the actions on them."""

from django.urls import path

from dailypapers.collections import views

app_name = "collections"

urlpatterns = [
    path("users/<str:username>/collections/<int:pk>", views.detail, name="detail"),
    path("collections/save", views.save, name="save"),
    path("collections/<int:pk>/remove", views.remove, name="remove"),
    path("collections/<int:pk>/change", views.change, name="change"),
]
