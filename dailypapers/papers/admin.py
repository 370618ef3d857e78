"""Django admin for papers, authors, organizations, daily entries and upvotes."""

from django.contrib import admin

from dailypapers.papers.models import (
    Author,
    DailyEntry,
    Organization,
    Paper,
    PaperVersion,
    Upvote,
)


class VersionInline(admin.TabularInline):
    model = PaperVersion
    extra = 0


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = [
        "arxiv_id",
        "title",
        "published_at",
        "upstream_upvotes",
        "upvote_count",
        "hidden",
    ]
    list_filter = ["hidden", "primary_category"]
    search_fields = ["arxiv_id", "title"]
    raw_id_fields = ["organization"]
    readonly_fields = ["upvote_count", "created", "modified"]
    inlines = [VersionInline]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "fullname"]
    search_fields = ["name", "fullname"]


@admin.register(DailyEntry)
class DailyEntryAdmin(admin.ModelAdmin):
    list_display = ["date", "paper", "submitter_name", "submitted_by", "organization"]
    date_hierarchy = "date"
    raw_id_fields = ["paper", "submitted_by", "organization"]
    list_select_related = ["paper", "submitted_by", "organization"]


@admin.register(Upvote)
class UpvoteAdmin(admin.ModelAdmin):
    list_display = ["user", "paper", "created"]
    raw_id_fields = ["user", "paper"]
    list_select_related = ["user", "paper"]
