"""The admins of sources and of what they rest on, and the inline that cites a source.

Sources know nothing of the records that cite them: an app that cites sources and wants the
list to count its citations registers a subclass of ``SourceAdmin`` in its place.
"""

from django.contrib import admin

from ..models import Source, SourceBasis
from .filters import RecentlyUsedValuesFilter, YearsFilter
from .tracked import NewestFirstAdmin, TrackedAdmin, TrackedInline


class CitationBaseInline(TrackedInline):
    """A record's citations (a subclass of ``CitationBase``): each source with the exact
    quote, where it stands there, and whether the source originates or repeats it."""

    fields = ["source", "quote", "language", "location", "relation", "attribution"]
    autocomplete_fields = ["source"]


class SourceBasisInline(TrackedInline):
    model = SourceBasis
    fk_name = "source"
    autocomplete_fields = ["basis"]
    verbose_name = "rests on"
    verbose_name_plural = "Rests on (the sources this one relays)"


@admin.register(Source)
class SourceAdmin(TrackedAdmin):
    list_display = ["title", "kind", "reporting", "outlet", "published_on", "language"]
    list_filter = [
        "kind",
        "reporting",
        ("language", RecentlyUsedValuesFilter),
        ("outlet", RecentlyUsedValuesFilter),
        ("published_on", YearsFilter),
    ]
    search_fields = ["title", "outlet", "author", "url", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SourceBasisInline]
    fieldsets = [
        (None, {"fields": ["kind", "title", "slug", "outlet", "author", "language"]}),
        ("What it rests on", {"fields": ["reporting"]}),
        ("Where and when", {"fields": ["url", "archive_url", "published_on", "retrieved_on"]}),
        (None, {"fields": ["notes"]}),
    ]


@admin.register(SourceBasis)
class SourceBasisAdmin(NewestFirstAdmin):
    list_display = ["source", "basis", "note"]
    search_fields = ["source__title", "basis__title"]
    autocomplete_fields = ["source", "basis"]
    list_select_related = ["source", "basis"]
