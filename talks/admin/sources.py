"""The source list as the desk uses it: with how many claims cite each source.

``sources`` knows nothing of claims, so its own ``SourceAdmin`` cannot count them; the
desk's admin is that one with the count added, registered in its place.
"""

from django.contrib import admin
from django.db.models import OuterRef

from sources.admin.sources import SourceAdmin
from sources.models import Source
from sources.records import RowCount

from ..models import Citation
from .public_links import PublicSourceLink

admin.site.unregister(Source)


@admin.register(Source)
class CitedSourceAdmin(PublicSourceLink, SourceAdmin):
    list_display = [*SourceAdmin.list_display, "citation_count"]
    # Meta.ordering does not apply to the counting queryset below; autocomplete pages need one.
    ordering = Source._meta.ordering

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(citation_total=RowCount(Citation.objects.filter(source=OuterRef("pk"))))
        )

    @admin.display(description="claims cited", ordering="citation_total")
    def citation_count(self, source):
        return source.citation_total
