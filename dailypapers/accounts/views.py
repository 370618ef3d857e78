"""Account pages: sign-up and email verification (answering the same whether or not an email
or username is known), login (braked in the backend), password reset (Django's views, which
answer the same too), the public profile, settings with the avatar, the account's data as
JSON (``export.py`` assembles it) and account deletion."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from dailypapers.accounts import deletion
from dailypapers.accounts.emails import send_verification
from dailypapers.accounts.export import account_data
from dailypapers.accounts.forms import (
    DeleteAccountForm,
    LoginForm,
    PasswordResetForm,
    ProfileForm,
    SignupForm,
    VerifyForm,
)
from dailypapers.accounts.models import Profile
from dailypapers.accounts.signup import sign_up
from dailypapers.accounts.tokens import email_verification_token
from dailypapers.core.ratelimits import RateLimited, hit, limited, too_many
from dailypapers.papers.models import AuthorshipClaim, DailyEntry

User = get_user_model()


def _base_url(request: HttpRequest) -> str:
    return f"{request.scheme}://{request.get_host()}"


def _mail_allowed(request: HttpRequest, email: str) -> HttpResponse | None:
    """The 429 answer once ``email`` had its share of our mails (``mail.email``), else None."""
    try:
        hit("mail", email=email.strip().lower())
    except RateLimited as error:
        return too_many(request, error)
    return None


@limited("signup", per_user=False)
def signup(request: HttpRequest) -> HttpResponse:
    """The same answer for every valid form, whether the email or username exists or not
    (``signup.sign_up`` mails the address instead); nobody is logged in before verifying."""
    if request.user.is_authenticated:
        return redirect("papers:index")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if refused := _mail_allowed(request, form.cleaned_data["email"]):
            return refused
        sign_up(form, _base_url(request))
        return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", {"form": form})


def signup_done(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/signup_done.html")


def _account_of_link(uidb64: str, token: str):
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    return user if email_verification_token.check_token(user, token[:100]) else None


def verify_email(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """Verify the email by the mailed link and the account's password, then log in.

    The link alone proves the address, not that its reader made the account: someone may have
    signed up with another person's address, and that person may click. So the link asks for
    the password (unless its account is the one logged in), and a GET changes nothing (mail
    scanners fetch links). A forged, expired or already used link changes nothing."""
    user = _account_of_link(uidb64, token)
    if user is None:
        return render(request, "accounts/verify_failed.html", status=400)
    own = request.user.is_authenticated and request.user.pk == user.pk
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and (own or form.is_valid()):
        checked = user if own else None
        if not own:
            password = form.cleaned_data["password"]
            checked = authenticate(request, username=user.get_username(), password=password)
        if checked is not None and checked.pk == user.pk:
            Profile.objects.filter(user=user).update(email_verified_at=timezone.now())
            if not own:
                login(request, checked)
            messages.success(request, "Your email is verified. Welcome!")
            return redirect("papers:index")
        form.add_error("password", "This is not the password of this account.")
    context = {"form": form, "shown": user, "own": own}
    return render(
        request, "accounts/verify_email.html", context, status=400 if form.errors else 200
    )


@require_POST
@login_required
@limited("signup", per_user=False)
def resend_verification(request: HttpRequest) -> HttpResponse:
    if not request.user.profile.email_verified:  # type: ignore[union-attr]
        if refused := _mail_allowed(request, request.user.email):  # type: ignore[union-attr]
            return refused
        send_verification(request.user, _base_url(request))
    messages.success(request, "We sent the link again. Look in your inbox.")
    return redirect("accounts:settings")


class LoginView(auth_views.LoginView):
    """Django's login; the brake on guessing passwords is in the backend (``login_brake``)."""

    form_class = LoginForm
    template_name = "accounts/login.html"


@method_decorator(limited("password_reset", per_user=False), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm  # mails emails/password_reset/ through lib/emails.py
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form) -> HttpResponse:
        # Counted whether or not the address has an account: the answer must not differ.
        if refused := _mail_allowed(self.request, form.cleaned_data["email"]):
            return refused
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    # Logged in at once: the link proves the address, and a login here also marks the browser
    # as known, past the per-account brake (login_brake), during an attack on the account.
    post_reset_login = True
    post_reset_login_backend = "dailypapers.accounts.backends.EmailOrUsernameBackend"

    def form_valid(self, form) -> HttpResponse:
        # The reset link came by mail, so whoever sets the password owns the address.
        Profile.objects.filter(user=form.user, email_verified_at=None).update(
            email_verified_at=timezone.now()
        )
        return super().form_valid(form)


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


@require_GET
@never_cache
@login_required
def export(request: HttpRequest) -> JsonResponse:
    """``/accounts/export.json``: everything the account holds, to download and keep. Never
    cached anywhere: it is private and must show the account as it is now."""
    response = JsonResponse(account_data(request.user), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = 'attachment; filename="dailypapers-account.json"'
    return response


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
