"""URLs of accounts under /accounts/ and the public profiles under /users/."""

from django.contrib.auth import views as auth_views
from django.urls import path

from dailypapers.accounts import api_tokens, views

app_name = "accounts"

urlpatterns = [
    path("accounts/signup", views.signup, name="signup"),
    path("accounts/signup/done", views.signup_done, name="signup_done"),
    path("accounts/verify/<str:uidb64>/<str:token>", views.verify_email, name="verify_email"),
    path("accounts/verify/again", views.resend_verification, name="resend_verification"),
    path("accounts/login", views.LoginView.as_view(), name="login"),
    path("accounts/logout", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/reset", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<str:uidb64>/<str:token>",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("accounts/settings", views.settings_page, name="settings"),
    path("accounts/export.json", views.export, name="export"),
    path("accounts/delete", views.delete_account, name="delete"),
    path("accounts/tokens/new", api_tokens.create, name="create_api_token"),
    path("accounts/tokens/<int:pk>/revoke", api_tokens.revoke, name="revoke_api_token"),
    path("users/<str:username>", views.profile, name="profile"),
    path("users/<str:username>/avatar", views.avatar, name="avatar"),
]
