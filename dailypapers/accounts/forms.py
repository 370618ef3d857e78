"""The account forms: sign-up, verification, login, profile, deletion. Django's own where one
exists."""

from __future__ import annotations

import re

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from dailypapers.accounts.avatars import read_avatar
from dailypapers.accounts.emails import deliver

User = get_user_model()

# Usernames appear in URLs (/users/<name>) and in @mentions: letters, digits, - and _ only.
USERNAME_RULE = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_-]{1,29}$",
    "2 to 30 letters, digits, - or _, starting with a letter or digit.",
)
# Control and bidi-override characters would let a name disguise itself or break a page.
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def clean_display_name(value: str) -> str:
    return " ".join(_INVISIBLE.sub("", value).split())


def check_username_free(username: str, exclude_pk: int | None = None) -> str:
    taken = User.objects.filter(username__iexact=username)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError("This username is taken.")
    return username


class SignupForm(UserCreationForm):
    """Checks the shape of what is typed; whether the email or username is taken is not a
    form error (it would tell anyone which exist) but a mail to the address (``signup``)."""

    email = forms.EmailField(max_length=254, help_text="We send a link to verify it.")
    username = forms.CharField(max_length=30, validators=[USERNAME_RULE])

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("email", "username")

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"]).strip()

    def clean_username(self) -> str:
        return self.cleaned_data["username"]

    def validate_unique(self) -> None:
        pass  # taken usernames are told by mail, not on the page (``signup.sign_up``)


class VerifyForm(forms.Form):
    """The password asked by the email verification link (``views.verify_email``)."""

    password = forms.CharField(widget=forms.PasswordInput, label="Your password", max_length=4096)


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label="Email or username", max_length=254, widget=forms.TextInput(attrs={"autofocus": True})
    )


class ProfileForm(forms.Form):
    display_name = forms.CharField(max_length=80, required=False, label="Name")
    username = forms.CharField(max_length=30, validators=[USERNAME_RULE])
    avatar = forms.FileField(required=False, help_text="PNG, JPEG, GIF or WebP, small.")
    remove_avatar = forms.BooleanField(required=False, label="Use my initials instead")

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_display_name(self) -> str:
        return clean_display_name(self.cleaned_data["display_name"])

    def clean_username(self) -> str:
        return check_username_free(self.cleaned_data["username"], exclude_pk=self.user.pk)

    def clean_avatar(self) -> tuple[bytes, str] | None:
        upload = self.cleaned_data.get("avatar")
        return read_avatar(upload) if upload else None


class DeleteAccountForm(forms.Form):
    password = forms.CharField(widget=forms.PasswordInput, label="Your password")
    confirm = forms.BooleanField(label="Delete my account, my votes and my collections")

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise ValidationError("This is not your password.")
        return password


__all__ = [
    "DeleteAccountForm",
    "LoginForm",
    "ProfileForm",
    "SignupForm",
    "VerifyForm",
    "password_validation",
]


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's form and tokens; the mail goes through the site's one renderer
    (``lib/emails.py``, template folder ``emails/password_reset/``) like every other."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        deliver("password_reset", to_email, context)
