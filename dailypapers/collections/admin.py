"""Collections in the admin, for moderators (a public collection's name is user content)."""

from django.contrib import admin

from dailypapers.collections.models import Collection


@admin.register(Collection)
class CollectionAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "public", "created"]
    list_filter = ["public"]
    search_fields = ["name", "owner__username"]
    raw_id_fields = ["owner"]
