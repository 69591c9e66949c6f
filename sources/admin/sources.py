"""The admins of sources and of what they rest on, and the inline that cites a source.

Sources know nothing of the records that cite them: an app that cites sources and wants the
list to count its citations registers a subclass of ``SourceAdmin`` in its place.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from .. import archive
from ..models import Source, SourceBasis
from .captures import quote_check_summary, source_copies
from .filters import RecentlyUsedValuesFilter, YearsFilter
from .tracked import NewestFirstAdmin, TrackedAdmin, TrackedInline

COPIES = "The desk's copies of the page"


class QuoteCheckShown:
    """A citation's admin (its inline or its own page) says whether the archive found its
    quote in the source's copy."""

    @admin.display(description="found in the copy?")
    def quote_check(self, citation):
        return quote_check_summary(citation)


class CitationBaseInline(QuoteCheckShown, TrackedInline):
    """A record's citations (a subclass of ``CitationBase``): each source with the exact
    quote, where it stands there, and whether the source originates or repeats it; and
    whether the archive found the quote in its copy of the page."""

    fields = ["source", "quote", "language", "location", "relation", "attribution", "quote_check"]
    readonly_fields = ["quote_check"]
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
        (COPIES, {"fields": ["copies", "quotes_in_the_copy", "changes_found"]}),
    ]
    readonly_fields = ["copies", "quotes_in_the_copy", "changes_found"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return fieldsets if obj is not None else [f for f in fieldsets if f[0] != COPIES]

    @admin.display(description="copies")
    def copies(self, source):
        return source_copies(source)

    @admin.display(description="quotes")
    def quotes_in_the_copy(self, source):
        citations = list(archive.quoting_citations(source))
        if not citations:
            return "No citation quotes it."
        return format_html(
            '<ul class="quote-check-list">{}</ul>',
            format_html_join(
                "",
                '<li><a href="{}">{}</a>: <q>{}</q><br>{}</li>',
                (
                    (
                        reverse(
                            f"admin:{c._meta.app_label}_{c._meta.model_name}_change", args=[c.pk]
                        ),
                        getattr(c, c.record_field),
                        c.quote,
                        quote_check_summary(c),
                    )
                    for c in citations
                ),
            ),
        )

    @admin.display(description="changes found")
    def changes_found(self, source):
        changes = list(source.changes.select_related("after")[:20])
        if not changes:
            return "None: no re-check found the page changed."
        return format_html(
            '<ul class="capture-list">{}</ul>',
            format_html_join(
                "",
                '<li><a href="{}">{}</a> ({})</li>',
                (
                    (
                        reverse("admin:sources_sourcechange_change", args=[change.pk]),
                        f"{change.seen_on}: {change.get_kind_display()}",
                        change.get_status_display().lower(),
                    )
                    for change in changes
                ),
            ),
        )


@admin.register(SourceBasis)
class SourceBasisAdmin(NewestFirstAdmin):
    list_display = ["source", "basis", "note"]
    search_fields = ["source__title", "basis__title"]
    autocomplete_fields = ["source", "basis"]
    list_select_related = ["source", "basis"]
