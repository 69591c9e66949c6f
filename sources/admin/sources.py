from django.contrib import admin
from django.db.models import OuterRef

from ..models import Source, SourceBasis
from ..records import RowCount
from .filters import RecentlyUsedValuesFilter, YearsFilter
from .tracked import NewestFirstAdmin, TrackedAdmin, TrackedInline


class SourceBasisInline(TrackedInline):
    model = SourceBasis
    fk_name = "source"
    autocomplete_fields = ["basis"]
    verbose_name = "rests on"
    verbose_name_plural = "Rests on (the sources this one relays)"


@admin.register(Source)
class SourceAdmin(TrackedAdmin):
    list_display = ["title", "kind", "outlet", "published_on", "language", "citation_count"]
    list_filter = [
        "kind",
        ("language", RecentlyUsedValuesFilter),
        ("outlet", RecentlyUsedValuesFilter),
        ("published_on", YearsFilter),
    ]
    search_fields = ["title", "outlet", "author", "url", "slug"]
    # Meta.ordering does not apply to the counting queryset below; autocomplete pages need one.
    ordering = Source._meta.ordering
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SourceBasisInline]
    fieldsets = [
        (None, {"fields": ["kind", "title", "slug", "outlet", "author", "language"]}),
        ("Where and when", {"fields": ["url", "archive_url", "published_on", "retrieved_on"]}),
        (None, {"fields": ["notes"]}),
    ]

    def get_queryset(self, request):
        citations = Source._meta.get_field("citations").related_model  # talks' Citation
        return (
            super()
            .get_queryset(request)
            .annotate(citation_total=RowCount(citations.objects.filter(source=OuterRef("pk"))))
        )

    @admin.display(description="claims cited", ordering="citation_total")
    def citation_count(self, source):
        return source.citation_total


@admin.register(SourceBasis)
class SourceBasisAdmin(NewestFirstAdmin):
    list_display = ["source", "basis", "note"]
    search_fields = ["source__title", "basis__title"]
    autocomplete_fields = ["source", "basis"]
    list_select_related = ["source", "basis"]
