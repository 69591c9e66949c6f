from django.contrib import admin

from sources.history_admin import TrackedAdmin

from ..models import Contradiction


@admin.register(Contradiction)
class ContradictionAdmin(TrackedAdmin):
    list_display = ["__str__", "kind", "status", "flagged_at", "flagged_by"]
    list_filter = ["status", "kind"]
    search_fields = ["claim_a__text", "claim_b__text", "note"]
    autocomplete_fields = ["claim_a", "claim_b", "prevailing_claim"]
    list_select_related = ["claim_a", "claim_b", "flagged_by"]
    readonly_fields = ["flagged_by", "flagged_at", "resolved_by", "resolved_at"]
    fieldsets = [
        (None, {"fields": ["claim_a", "claim_b", "kind", "note"]}),
        ("Decision", {"fields": ["status", "prevailing_claim", "resolution_note"]}),
        ("Record", {"fields": [("flagged_by", "flagged_at"), ("resolved_by", "resolved_at")]}),
    ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.flagged_by = request.user
        super().save_model(request, obj, form, change)
