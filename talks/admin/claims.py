from django.contrib import admin
from django.db.models import Count, Exists, OuterRef, Q

from sources.history_admin import TrackedAdmin, TrackedInline

from ..models import Citation, Claim, ClaimSubject, Contradiction


class CitationInline(TrackedInline):
    model = Citation
    fields = ["source", "quote", "location", "relation"]
    autocomplete_fields = ["source"]
    verbose_name_plural = "Citations: where the claim stands in its sources"


class ClaimSubjectInline(TrackedInline):
    model = ClaimSubject
    fields = ["person"]
    autocomplete_fields = ["person"]


@admin.register(Claim)
class ClaimAdmin(TrackedAdmin):
    list_display = [
        "short_text",
        "claimant_display",
        "claimed_on",
        "meeting",
        "status",
        "verdict",
        "citation_count",
        "has_open_contradiction",
    ]
    list_filter = ["status", "verdict", "meeting"]
    search_fields = ["text", "slug", "claimant__name", "claimant_label"]
    list_select_related = ["claimant", "meeting"]
    autocomplete_fields = ["claimant", "meeting"]
    date_hierarchy = "claimed_on"
    # Meta.ordering does not apply to the counting queryset below; autocomplete pages need one.
    ordering = Claim._meta.ordering
    readonly_fields = ["published_at"]
    fieldsets = [
        (None, {"fields": ["text", "slug"]}),
        ("Who and when", {"fields": [("claimant", "claimant_label"), "claimed_on", "meeting"]}),
        ("Verdict", {"fields": ["status", "verdict", "verdict_rationale", "published_at"]}),
    ]
    inlines = [CitationInline, ClaimSubjectInline]

    def has_change_permission(self, request, obj=None):
        """Contributors see published and retracted claims read-only."""
        return super().has_change_permission(request, obj) and not (
            obj is not None and obj.editorial_refusal(request.user, {})
        )

    def get_queryset(self, request):
        open_contradictions = Contradiction.objects.open().filter(
            Q(claim_a=OuterRef("pk")) | Q(claim_b=OuterRef("pk"))
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                citation_total=Count("citations", distinct=True),
                contradicted=Exists(open_contradictions),
            )
        )

    @admin.display(description="claim", ordering="text")
    def short_text(self, claim):
        return claim.text if len(claim.text) <= 100 else f"{claim.text[:99]}…"

    @admin.display(description="claimant", ordering="claimant__name")
    def claimant_display(self, claim):
        return claim.claimant_name

    @admin.display(description="citations", ordering="citation_total")
    def citation_count(self, claim):
        return claim.citation_total

    @admin.display(description="open contradiction", boolean=True, ordering="contradicted")
    def has_open_contradiction(self, claim):
        return claim.contradicted


@admin.register(ClaimSubject)
class ClaimSubjectAdmin(TrackedAdmin):
    list_display = ["person", "claim"]
    search_fields = ["person__name", "claim__text"]
    autocomplete_fields = ["claim", "person"]
    list_select_related = ["person", "claim__claimant"]


@admin.register(Citation)
class CitationAdmin(TrackedAdmin):
    list_display = ["claim", "source", "location", "relation"]
    list_filter = ["relation"]
    search_fields = ["quote", "claim__text", "source__title"]
    autocomplete_fields = ["claim", "source"]
    list_select_related = ["claim__claimant", "source"]
