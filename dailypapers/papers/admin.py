"""Django admin for papers, authors, organizations, daily entries, upvotes and authorship
claims; moderators hide papers from lists and confirm or reject claims here."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from dailypapers.lib.links import InvalidLink, code_link, web_link
from dailypapers.papers.models import (
    Author,
    AuthorshipClaim,
    DailyEntry,
    Organization,
    Paper,
    PaperVersion,
    Upvote,
)
from dailypapers.sources.arxiv.errors import InvalidArxivId
from dailypapers.sources.arxiv.ids import parse_bare_arxiv_id


def _checked_link(value: str, check) -> str:
    """A link field of an admin form through lib.links, as every other writer does."""
    if not value:
        return ""
    try:
        return check(value)
    except InvalidLink as error:
        raise ValidationError(error.reason) from None


class PaperForm(forms.ModelForm):
    def clean_arxiv_id(self) -> str:
        try:
            parsed = parse_bare_arxiv_id(self.cleaned_data["arxiv_id"])
        except InvalidArxivId as error:
            raise ValidationError(error.reason) from None
        if parsed.version is not None:
            raise ValidationError("Papers are kept without their version (2605.01234).")
        return parsed.arxiv_id

    def clean_github_repo(self) -> str:
        return _checked_link(self.cleaned_data["github_repo"], code_link)

    def clean_project_page(self) -> str:
        return _checked_link(self.cleaned_data["project_page"], web_link)


class OrganizationForm(forms.ModelForm):
    def clean_avatar_url(self) -> str:
        return _checked_link(self.cleaned_data["avatar_url"], web_link)


class VersionInline(admin.TabularInline):
    model = PaperVersion
    extra = 0


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    form = PaperForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # Django 6's default
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
    readonly_fields = ["upvote_count", "comment_count", "created", "modified"]
    inlines = [VersionInline]
    actions = ["hide", "show"]

    @admin.action(description="Hide the selected papers from lists")
    def hide(self, request: HttpRequest, queryset: QuerySet[Paper]) -> None:
        self.message_user(request, f"{queryset.update(hidden=True)} paper(s) hidden.")

    @admin.action(description="Show the selected papers again")
    def show(self, request: HttpRequest, queryset: QuerySet[Paper]) -> None:
        self.message_user(request, f"{queryset.update(hidden=False)} paper(s) shown.")


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    form = OrganizationForm
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
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

    # Votes change only through papers.voting, which keeps Paper.upvote_count exact.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(AuthorshipClaim)
class AuthorshipClaimAdmin(admin.ModelAdmin):
    list_display = ["user", "author", "paper", "status", "created"]
    list_filter = ["status"]
    ordering = ["-status", "-created"]  # "pending" sorts before "confirmed" and "rejected"
    raw_id_fields = ["user", "paper", "author"]
    list_select_related = ["user", "paper", "author"]
    actions = ["confirm", "reject"]

    @admin.action(description="Confirm the selected claims")
    def confirm(self, request: HttpRequest, queryset: QuerySet[AuthorshipClaim]) -> None:
        count = queryset.update(status=AuthorshipClaim.Status.CONFIRMED, decided_at=timezone.now())
        self.message_user(request, f"{count} claim(s) confirmed.")

    @admin.action(description="Reject the selected claims")
    def reject(self, request: HttpRequest, queryset: QuerySet[AuthorshipClaim]) -> None:
        count = queryset.update(status=AuthorshipClaim.Status.REJECTED, decided_at=timezone.now())
        self.message_user(request, f"{count} claim(s) rejected.")
