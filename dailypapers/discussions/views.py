"""Comment actions: post or reply, edit, delete, report. Each answers with a redirect to the
comment on the paper page (forms work without script) and is rate limited."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dailypapers.accounts.decorators import verified_email_required
from dailypapers.core.ratelimits import limited
from dailypapers.discussions import posting
from dailypapers.discussions.models import Comment
from dailypapers.papers.models import Paper


def _parent(request: HttpRequest, paper: Paper) -> Comment | None:
    raw = request.POST.get("parent", "")
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        return None
    return Comment.objects.filter(pk=int(raw), paper=paper).first()


@require_POST
@verified_email_required
@limited("comment")
def post(request: HttpRequest, arxiv_id: str) -> HttpResponse:
    paper = get_object_or_404(Paper.objects.visible(), arxiv_id=arxiv_id)
    try:
        comment = posting.post_comment(
            request.user, paper, request.POST.get("body", ""), parent=_parent(request, paper)
        )
    except posting.CommentRefused as refused:
        messages.error(request, refused.message)
        return redirect(paper.get_absolute_url() + "#discussion")
    return redirect(comment.get_absolute_url())


@verified_email_required
@limited("comment")
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("paper"), pk=pk, deleted=False)
    if comment.author_id != request.user.pk:
        return HttpResponse("You can only edit your own comments.", status=403)
    error = ""
    if request.method == "POST":
        try:
            posting.edit_comment(request.user, comment, request.POST.get("body", ""))
        except posting.CommentRefused as refused:
            error = refused.message
        else:
            return redirect(comment.get_absolute_url())
    return render(request, "discussions/edit.html", {"comment": comment, "error": error})


@require_POST
@login_required
def delete(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("paper"), pk=pk)
    try:
        posting.delete_comment(request.user, comment)
    except posting.CommentRefused as refused:
        return HttpResponse(refused.message, status=403)
    messages.success(request, "Your comment was deleted.")
    return redirect(comment.paper.get_absolute_url() + "#discussion")


@require_POST
@verified_email_required
@limited("report", per_ip=False)
def report(request: HttpRequest, pk: int) -> HttpResponse:
    comment = get_object_or_404(Comment.objects.select_related("paper"), pk=pk)
    try:
        posting.report_comment(request.user, comment, request.POST.get("reason", ""))
    except posting.CommentRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, "Thank you: a moderator will look at this comment.")
    return redirect(comment.get_absolute_url())
