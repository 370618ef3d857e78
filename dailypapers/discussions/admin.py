"""Moderation of comments: reported ones first, hidden and shown by actions (which keep the
papers' comment counts right), and the reports themselves."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from dailypapers.discussions import posting
from dailypapers.discussions.models import Comment, CommentReport


class ReportInline(admin.TabularInline):
    model = CommentReport
    extra = 0
    raw_id_fields = ["reporter"]
    readonly_fields = ["reporter", "reason", "created"]


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["pk", "paper", "author", "short_body", "report_count", "hidden", "deleted"]
    list_filter = ["hidden", "deleted"]
    search_fields = ["body", "author__username", "paper__arxiv_id"]
    # A moderator opens the admin to see what people reported: the most reported come first.
    ordering = ["-report_count", "-created"]
    raw_id_fields = ["paper", "author", "parent"]
    # Visibility changes only through the actions, which keep Paper.comment_count exact.
    readonly_fields = ["hidden", "deleted", "report_count", "body_html", "created", "edited_at"]
    list_select_related = ["paper", "author"]
    actions = ["hide", "show"]
    inlines = [ReportInline]

    @admin.display(description="comment")
    def short_body(self, comment: Comment) -> str:
        return comment.body[:80] or "(deleted)"

    @admin.action(description="Hide the selected comments")
    def hide(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        for comment in queryset:
            posting.set_hidden(comment, True)
        self.message_user(request, f"{queryset.count()} comment(s) hidden.")

    @admin.action(description="Show the selected comments again")
    def show(self, request: HttpRequest, queryset: QuerySet[Comment]) -> None:
        for comment in queryset:
            posting.set_hidden(comment, False)
        self.message_user(request, f"{queryset.count()} comment(s) shown.")


@admin.register(CommentReport)
class CommentReportAdmin(admin.ModelAdmin):
    list_display = ["comment", "reporter", "reason", "created", "resolved"]
    list_filter = ["resolved"]
    raw_id_fields = ["comment", "reporter"]
    ordering = ["resolved", "-created"]
