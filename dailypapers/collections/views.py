"""Collection pages and actions: see one, save a paper to one (new or existing), remove it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dailypapers.accounts.forms import clean_display_name
from dailypapers.collections.models import Collection, CollectionItem
from dailypapers.core.ratelimits import limited
from dailypapers.papers.models import Paper

MAX_COLLECTIONS = 200


def detail(request: HttpRequest, username: str, pk: int) -> HttpResponse:
    owner = get_object_or_404(get_user_model(), username=username, is_active=True)
    collection = get_object_or_404(Collection, pk=pk, owner=owner)
    if not collection.can_see(request.user):
        raise Http404("No such collection")  # a private one does not admit it exists
    papers = Paper.objects.visible().filter(collectionitem__collection=collection)
    papers = papers.order_by("-collectionitem__added")
    context = {"collection": collection, "owner": owner, "papers": papers}
    return render(request, "collections/detail.html", context)


@require_POST
@login_required
@limited("collection", per_ip=False)
def save(request: HttpRequest) -> HttpResponse:
    """Save a paper to the chosen collection, or to a new one named in the form."""
    paper = get_object_or_404(Paper.objects.visible(), arxiv_id=request.POST.get("paper", ""))
    chosen = request.POST.get("collection", "")
    new_name = clean_display_name(request.POST.get("new_name", ""))[:100]
    if new_name:
        if request.user.paper_collections.count() >= MAX_COLLECTIONS:  # type: ignore[union-attr]
            messages.error(request, f"You can have at most {MAX_COLLECTIONS} collections.")
            return redirect(paper.get_absolute_url())
        collection, _ = Collection.objects.get_or_create(
            owner=request.user,  # type: ignore[misc]  # login_required
            name=new_name,
            defaults={"public": "public" in request.POST},
        )
    elif chosen.isascii() and chosen.isdigit() and len(chosen) < 19:
        collection = get_object_or_404(Collection, pk=int(chosen), owner=request.user)
    else:
        messages.error(request, "Choose a collection or name a new one.")
        return redirect(paper.get_absolute_url())
    CollectionItem.objects.get_or_create(collection=collection, paper=paper)
    messages.success(request, f"Saved to “{collection.name}”.")
    return redirect(paper.get_absolute_url())


@require_POST
@login_required
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    collection = get_object_or_404(Collection, pk=pk, owner=request.user)
    CollectionItem.objects.filter(
        collection=collection, paper__arxiv_id=request.POST.get("paper", "")
    ).delete()
    return redirect(collection.get_absolute_url())


@require_POST
@login_required
def change(request: HttpRequest, pk: int) -> HttpResponse:
    """Make a collection public or private, or delete it."""
    collection = get_object_or_404(Collection, pk=pk, owner=request.user)
    if "delete" in request.POST:
        collection.delete()
        return redirect("accounts:profile", request.user.get_username())
    collection.public = request.POST.get("public") == "1"
    collection.save(update_fields=["public"])
    return redirect(collection.get_absolute_url())
