"""Admin: GitHub repositories, their star counts and when they are asked again."""

from django.contrib import admin

from dailypapers.repos.models import GitHubRepo


@admin.register(GitHubRepo)
class GitHubRepoAdmin(admin.ModelAdmin):
    list_display = ["url", "state", "stars", "checked_at", "next_check_at", "reason"]
    list_filter = ["state"]
    search_fields = ["url"]
