from django.contrib import admin

from sources.admin.filters import RecentlyUsedValuesFilter, YearsFilter
from sources.admin.sources import CitationBaseInline
from sources.admin.tracked import NewestFirstAdmin, TrackedAdmin, TrackedInline

from .. import visibility
from ..models import Person, PersonAlias, Role, RoleCitation
from .public_links import PublicPageLink


class PersonAliasInline(TrackedInline):
    model = PersonAlias
    fields = ["name", "kind", "language"]


class RoleInline(TrackedInline):
    model = Role
    fk_name = "person"
    fields = ["title", "organisation", "on_behalf_of", "start_date", "end_date", "note"]
    autocomplete_fields = ["on_behalf_of"]
    show_change_link = True  # the role's own page holds the sources that establish it


@admin.register(Person)
class PersonAdmin(PublicPageLink, TrackedAdmin):
    public = staticmethod(visibility.people)
    list_display = ["name", "description", "other_names", "wikidata_id"]
    search_fields = ["name", "aliases__name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "description", "wikidata_id"]
    inlines = [PersonAliasInline, RoleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("aliases")

    @admin.display(description="other names")
    def other_names(self, person):
        return ", ".join(alias.name for alias in person.aliases.all())


@admin.register(PersonAlias)
class PersonAliasAdmin(NewestFirstAdmin):
    list_display = ["name", "person", "kind", "language"]
    list_filter = ["kind", ("language", RecentlyUsedValuesFilter)]
    search_fields = ["name", "person__name"]
    autocomplete_fields = ["person"]
    list_select_related = ["person"]


class RoleCitationInline(CitationBaseInline):
    model = RoleCitation
    verbose_name_plural = "Sources that establish the role"


@admin.register(Role)
class RoleAdmin(NewestFirstAdmin):
    list_display = ["person", "title", "organisation", "on_behalf_of", "start_date", "end_date"]
    list_filter = [("organisation", RecentlyUsedValuesFilter), ("start_date", YearsFilter)]
    search_fields = ["person__name", "person__aliases__name", "title", "organisation"]
    autocomplete_fields = ["person", "on_behalf_of"]
    list_select_related = ["person", "on_behalf_of"]
    fields = [
        "person",
        "title",
        "organisation",
        "on_behalf_of",
        ("start_date", "end_date"),
        "note",
    ]
    inlines = [RoleCitationInline]


@admin.register(RoleCitation)
class RoleCitationAdmin(NewestFirstAdmin):
    list_display = ["role", "source", "location", "relation"]
    search_fields = ["role__person__name", "role__title", "source__title", "quote"]
    autocomplete_fields = ["role", "source"]
    list_select_related = ["role__person", "source"]
