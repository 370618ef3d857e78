"""Subscribing, confirming, managing, unsubscribing and previewing digests.

No account is needed: every page after the first is reached through a signed link from a mail.
The answer to a subscription request is the same whether or not the address was subscribed,
so the form reveals nothing. Unsubscribing works without login and without JavaScript, and
accepts RFC 8058 one-click POSTs from mail clients (which carry no CSRF token; the signed link
is the authority).
"""

from __future__ import annotations

import logging
import smtplib

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from dailypapers.accounts.decorators import verified_email_required
from dailypapers.core.ratelimits import RateLimited, client_ip, hit, too_many
from dailypapers.digests.compose import compose
from dailypapers.digests.emails import render_digest, send_link_mail
from dailypapers.digests.forms import PreferencesForm, SubscribeForm
from dailypapers.digests.links import BadLink, absolute_url, read_token
from dailypapers.digests.models import Subscription, new_secret

log = logging.getLogger(__name__)


def bad_link(request: HttpRequest, error: BadLink) -> HttpResponse:
    return render(request, "digests/bad_link.html", {"message": str(error)}, status=404)


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        email = request.GET.get("email", "")
        if not email and request.user.is_authenticated:
            email = request.user.email
        form = SubscribeForm(initial={"email": email[:254]})
        return render(request, "digests/subscribe.html", {"form": form})
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return render(request, "digests/subscribe.html", {"form": form}, status=400)
    email = form.cleaned_data["email"].strip().lower()
    try:
        hit("subscribe", ip=client_ip(request))
        # Per address too, from anywhere: the form must not become a way to flood one inbox.
        hit("mail", email=email)
    except RateLimited as error:
        return too_many(request, error)
    with transaction.atomic():
        subscription, _ = Subscription.objects.select_for_update().get_or_create(
            email=email,
            defaults={"user": request.user if request.user.is_authenticated else None},
        )
        if subscription.active:
            # Someone may be typing another person's address: change nothing, mail them a link.
            mail = ("manage_subscription", "manage")
        else:
            subscription.frequency = form.cleaned_data["frequency"]
            subscription.topics = form.cleaned_data["topics"]
            subscription.categories = form.cleaned_data["categories"]
            subscription.unsubscribed_at = None
            subscription.save()
            mail = ("confirm_subscription", "confirm")
        base = request.build_absolute_uri("/")
        transaction.on_commit(lambda: _send_quietly(subscription, *mail, base))
    return render(request, "digests/check_inbox.html", {"email": email})


def _send_quietly(subscription: Subscription, name: str, action: str, base: str) -> None:
    try:
        send_link_mail(subscription, name, action, base)
    except (smtplib.SMTPException, OSError) as error:
        # The page says the same either way; the operator sees the failure in the log.
        log.error("could not send %s to %s: %s", name, subscription.email, error)


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscription = read_token(token, "confirm")
    except BadLink as error:
        return bad_link(request, error)
    if subscription.confirmed_at is None or subscription.unsubscribed_at:
        now = timezone.now()
        subscription.confirmed_at = subscription.confirmed_at or now
        subscription.unsubscribed_at = None
        subscription.next_send_at = subscription.schedule_after(now)
        subscription.save()
    base = request.build_absolute_uri("/")
    context = {
        "subscription": subscription,
        "manage_url": absolute_url(subscription, "manage", base),
    }
    return render(request, "digests/confirmed.html", context)


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscription = read_token(token, "manage")
    except BadLink as error:
        return bad_link(request, error)
    saved = False
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            subscription.frequency = form.cleaned_data["frequency"]
            subscription.topics = form.cleaned_data["topics"]
            subscription.categories = form.cleaned_data["categories"]
            if subscription.next_send_at:
                subscription.next_send_at = subscription.schedule_after(timezone.now())
            subscription.save()
            saved = True
    else:
        form = PreferencesForm(
            initial={
                "frequency": subscription.frequency,
                "topics": "\n".join(subscription.topics),
                "categories": " ".join(subscription.categories),
            }
        )
    context = {
        "form": form,
        "subscription": subscription,
        "saved": saved,
        "unsubscribe_url": absolute_url(
            subscription, "unsubscribe", request.build_absolute_uri("/")
        ),
        "preview_url": absolute_url(subscription, "preview", request.build_absolute_uri("/")),
    }
    return render(request, "digests/manage.html", context, status=400 if form.errors else 200)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows one button (link scanners prefetch GETs, so GET changes nothing); POST, from
    that button or a mail client's one-click, unsubscribes."""
    try:
        subscription = read_token(token, "unsubscribe")
    except BadLink as error:
        if request.method == "POST":
            # A second one-click after the first voided the link: already done.
            return render(request, "digests/unsubscribed.html", {}, status=200)
        return bad_link(request, error)
    if request.method == "GET":
        return render(request, "digests/unsubscribe.html", {"subscription": subscription})
    subscription.unsubscribed_at = timezone.now()
    subscription.next_send_at = None
    subscription.secret = new_secret()  # every older link stops working
    subscription.save()
    return render(request, "digests/unsubscribed.html", {"email": subscription.email})


def preview(request: HttpRequest, token: str) -> HttpResponse:
    try:
        subscription = read_token(token, "preview")
    except BadLink as error:
        return bad_link(request, error)
    return preview_response(subscription)


@verified_email_required
def own_preview(request: HttpRequest) -> HttpResponse:
    """``/subscribe/preview`` for a logged-in user whose email is verified: the digest of their
    address. Unverified, the address may be someone else's (anyone can sign up with any), and
    the digest holds that person's signed manage and unsubscribe links."""
    email = request.user.email  # type: ignore[union-attr]  # verified_email_required
    subscription = None
    if email:
        subscription = Subscription.objects.filter(email=email.lower()).first()
    if subscription is None:
        return render(request, "digests/no_subscription.html", status=404)
    return preview_response(subscription)


def preview_response(subscription: Subscription) -> HttpResponse:
    due = subscription.next_send_at or subscription.schedule_after(timezone.now())
    digest = compose(subscription, due)
    if not digest.papers:
        return HttpResponse(
            f"The next digest would be empty: {digest.skip_reason}.", content_type="text/plain"
        )
    response = HttpResponse(render_digest(digest).html)
    # A mail shown as a page: its own inline <style> (mail clients need it), and no script at
    # all. core/csp.py leaves a policy a view set alone.
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; "
        "form-action 'none'; frame-ancestors 'none'; base-uri 'none'"
    )
    return response
