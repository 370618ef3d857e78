"""Users in the admin with the moderator's "suspend" (``is_active`` off: the person can no
longer log in, and their open sessions stop working) and their profiles inline."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest

from dailypapers.accounts.models import Profile

User = get_user_model()


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    fields = ["display_name", "email_verified_at"]


admin.site.unregister(User)


@admin.register(User)
class CommunityUserAdmin(UserAdmin):
    list_display = ["username", "email", "is_active", "is_staff", "date_joined", "last_login"]
    inlines = [ProfileInline]
    actions = ["suspend", "reinstate"]

    @admin.action(description="Suspend the selected users")
    def suspend(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.exclude(pk=request.user.pk).update(is_active=False)
        self.message_user(request, f"{count} user(s) suspended.")

    @admin.action(description="Reinstate the selected users")
    def reinstate(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.update(is_active=True)
        self.message_user(request, f"{count} user(s) reinstated.")
