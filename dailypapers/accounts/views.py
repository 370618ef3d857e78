"""Account pages: sign-up and email verification, login with a brute-force brake, password
reset (Django's views, which answer the same whether or not an email is known), the public
profile, profile settings with the avatar, and account deletion."""

from __future__ import annotations

import contextlib

from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.http import require_POST

from dailypapers.accounts import deletion
from dailypapers.accounts.emails import send_verification
from dailypapers.accounts.forms import DeleteAccountForm, LoginForm, ProfileForm, SignupForm
from dailypapers.accounts.models import Profile
from dailypapers.accounts.tokens import email_verification_token
from dailypapers.core.ratelimits import RateLimited, client_ip, hit, is_over, limited, too_many
from dailypapers.papers.models import AuthorshipClaim, DailyEntry

User = get_user_model()


def _base_url(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


@limited("signup", per_user=False)
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("papers:index")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        send_verification(user, _base_url(request))
        login(request, user, backend="dailypapers.accounts.backends.EmailOrUsernameBackend")
        return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
def signup_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup_done.html")


def verify_email(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Mark the email verified; a forged, expired or already used link changes nothing."""
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        user = None
    if user is None or not email_verification_token.check_token(user, token[:100]):
        return render(request, "accounts/verify_failed.html", status=400)
    Profile.objects.filter(user=user).update(email_verified_at=timezone.now())
    messages.success(request, "Your email is verified. Welcome!")
    return redirect("papers:index")


@require_POST
@login_required
@limited("signup", per_user=False)
def resend_verification(request: HttpRequest) -> HttpResponse:
    if not request.user.profile.email_verified:  # type: ignore[union-attr]
        send_verification(request.user, _base_url(request))
    messages.success(request, "We sent the link again. Look in your inbox.")
    return redirect("accounts:settings")


class LoginView(auth_views.LoginView):
    """Django's login, braked: per IP, and per account after a few failed passwords."""

    form_class = LoginForm
    template_name = "accounts/login.html"

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        ip = client_ip(request)
        account = request.POST.get("username", "").strip().lower()[:254]
        wait = is_over("login_failure", account=account, ip=ip)
        try:
            if wait:
                raise RateLimited("login_failure", wait)
            hit("login", ip=ip)
        except RateLimited as error:
            return too_many(request, error)
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form) -> HttpResponse:
        account = self.request.POST.get("username", "").strip().lower()[:254]
        # Counted; once over, the next attempt is refused before the password is checked.
        with contextlib.suppress(RateLimited):
            hit("login_failure", account=account, ip=client_ip(self.request))
        return super().form_invalid(form)


@method_decorator(limited("password_reset", per_user=False), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "emails/password_reset/body.txt"
    subject_template_name = "emails/password_reset/subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


def profile(request: HttpRequest, username: str) -> HttpResponse:
    user = get_object_or_404(
        User.objects.select_related("profile"), username=username, is_active=True
    )
    own = request.user.pk == user.pk
    collections = user.paper_collections.all()
    if not own:
        collections = collections.filter(public=True)
    context = {
        "shown": user,
        "own": own,
        "collections": collections,
        "submitted": DailyEntry.objects.visible()
        .filter(submitted_by=user)
        .select_related("paper")
        .order_by("-date")[:50],
        "claims": AuthorshipClaim.objects.filter(user=user)
        .select_related("paper", "author")
        .filter(status=AuthorshipClaim.Status.CONFIRMED)[:100],
    }
    return render(request, "accounts/profile.html", context)


def avatar(request: HttpRequest, username: str) -> HttpResponse:
    found = get_object_or_404(Profile, user__username=username, user__is_active=True)
    if not found.avatar_type or found.avatar is None:
        return HttpResponse(status=404)
    response = HttpResponse(bytes(found.avatar), content_type=found.avatar_type)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    found = user.profile  # type: ignore[union-attr]
    initial = {"display_name": found.display_name, "username": user.get_username()}
    form = ProfileForm(request.POST or None, request.FILES or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        found.display_name = form.cleaned_data["display_name"]
        if form.cleaned_data["avatar"]:
            found.avatar, found.avatar_type = form.cleaned_data["avatar"]
            found.avatar_updated = timezone.now()
        elif form.cleaned_data["remove_avatar"]:
            found.avatar, found.avatar_type = None, ""
        found.save()
        user.username = form.cleaned_data["username"]  # type: ignore[union-attr]
        user.save(update_fields=["username"])  # type: ignore[call-arg]  # login_required
        messages.success(request, "Your profile is saved.")
        return redirect("accounts:settings")
    return render(request, "accounts/settings.html", {"form": form, "profile": found})


@login_required
def delete_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        deletion.delete_account(user)
        messages.success(request, "Your account is deleted. Thank you for being here.")
        return redirect("papers:index")
    return render(request, "accounts/delete.html", {"form": form})
