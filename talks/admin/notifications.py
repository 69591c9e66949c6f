"""Partners' notification addresses, which chief editors register, and the delivery log.

Only chief editors see either (the rulebook grants them). The secret is shown on the
subscription's page to share with the partner; the log shows each attempt of each delivery.
"""

import json

from django.contrib import admin
from django.utils.html import format_html, format_html_join

from sources.admin.tracked import TrackedAdmin, WrittenByTheDeskMixin

from ..models import Delivery, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(TrackedAdmin):
    list_display = ["name", "url", "active", "updated_at"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    fields = ["name", "url", "active", "secret"]

    def get_readonly_fields(self, request, obj=None):
        return ["secret"] if obj else []  # made by the desk; a new one is never typed in

    def get_fields(self, request, obj=None):
        return self.fields if obj else ["name", "url", "active"]


@admin.register(Delivery)
class DeliveryAdmin(WrittenByTheDeskMixin, admin.ModelAdmin):
    list_display = ["created_at", "subscription", "claim", "event", "status", "tries"]
    list_filter = ["status", "event"]
    list_select_related = ["subscription", "claim"]
    show_full_result_count = False
    fields = ["subscription", "claim", "event", "status", "created_at", "delivered_at", "log"]
    readonly_fields = fields
    ordering = ["-pk"]

    @admin.display(description="attempts")
    def tries(self, delivery):
        return len(delivery.attempts)

    @admin.display(description="attempts and the body sent")
    def log(self, delivery):
        return format_html(
            "<table><tr><th>when</th><th>answer</th><th>error</th></tr>{}</table><pre>{}</pre>",
            format_html_join(
                "",
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                ((a["at"], a["status"] or "-", a["error"]) for a in delivery.attempts),
            ),
            json.dumps(json.loads(delivery.body), indent=2, ensure_ascii=False),
        )
