"""Admin for subscriptions (with a preview of the next digest) and their deliveries."""

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.html import format_html

from dailypapers.digests.models import Delivery, Subscription
from dailypapers.digests.views import preview_response


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["email", "frequency", "confirmed_at", "unsubscribed_at", "next_send_at",
                    "bounces", "preview_link"]  # fmt: skip
    list_filter = ["frequency", "confirmed_at", "unsubscribed_at", "bouncing_since"]
    search_fields = ["email"]
    readonly_fields = ["secret", "claimed_until", "created"]
    raw_id_fields = ["user"]

    def get_urls(self):
        extra = [
            path(
                "<int:pk>/preview/",
                self.admin_site.admin_view(self.preview),
                name="digests_subscription_preview",
            )
        ]
        return extra + super().get_urls()

    def preview(self, request: HttpRequest, pk: int) -> HttpResponse:
        return preview_response(get_object_or_404(Subscription, pk=pk))

    @admin.display(description="next digest")
    def preview_link(self, subscription: Subscription) -> str:
        return format_html('<a href="{}/preview/">preview</a>', subscription.pk)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["subscription", "period", "state", "attempts", "sent_at", "skip_reason"]
    list_filter = ["state"]
    search_fields = ["subscription__email", "period"]
    raw_id_fields = ["subscription"]
    readonly_fields = ["message_id", "created", "sent_at"]
