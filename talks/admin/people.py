from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from sources.admin.filters import RecentlyUsedValuesFilter, YearsFilter
from sources.admin.sources import CitationBaseInline, QuoteCheckShown
from sources.admin.tracked import NewestFirstAdmin, TrackedAdmin, TrackedInline

from .. import visibility
from ..models import Person, PersonAlias, Role, RoleCitation
from ..services.spellings import SpellingRefused, accept_proposed_spelling
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

    def get_urls(self):
        accept = path(
            "<path:object_id>/accept-spelling/",
            self.admin_site.admin_view(self.accept_spelling_view),
            name="talks_person_accept_spelling",
        )
        return [accept, *super().get_urls()]

    def may_accept_spellings(self, request, person):
        alias_admin = self.admin_site.get_model_admin(PersonAlias)
        return self.has_change_permission(request, person) and alias_admin.has_add_permission(
            request
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The person's page, with the spellings proposed for their names to accept."""
        person = self.get_object(request, object_id)
        proposed = []
        if person is not None and self.may_accept_spellings(request, person):
            proposed = person.proposed_spellings()
        extra_context = {**(extra_context or {}), "proposed_spellings": proposed}
        return super().change_view(request, object_id, form_url, extra_context)

    def response_add(self, request, obj, post_url_continue=None):
        """A person just added whose names have other official spellings: say where they
        are proposed (they are never recorded without an editor)."""
        if obj.proposed_spellings():
            url = reverse("admin:talks_person_change", args=[obj.pk])
            self.message_user(
                request,
                format_html(
                    'Other spellings of {}’s name are proposed on <a href="{}">the '
                    "person’s page</a>, to accept or leave.",
                    obj.name,
                    url,
                ),
                messages.INFO,
            )
        return super().response_add(request, obj, post_url_continue)

    @method_decorator(require_POST)
    def accept_spelling_view(self, request, object_id):
        """Accept one proposed spelling as another name of the person: a tracked write."""
        person = self.get_object(request, object_id)
        if person is None:
            raise Http404("No such person.")
        if not self.may_accept_spellings(request, person):
            raise PermissionDenied
        try:
            alias = accept_proposed_spelling(
                person, request.POST.get("spelling", ""), user=request.user
            )
        except SpellingRefused as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
        else:
            self.message_user(
                request, f"“{alias.name}” is now one of {person}’s other names.", messages.SUCCESS
            )
        return HttpResponseRedirect(reverse("admin:talks_person_change", args=[person.pk]))


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
class RoleCitationAdmin(QuoteCheckShown, NewestFirstAdmin):
    readonly_fields = ["quote_check"]
    list_display = ["role", "source", "location", "relation"]
    search_fields = ["role__person__name", "role__title", "source__title", "quote"]
    autocomplete_fields = ["role", "source"]
    list_select_related = ["role__person", "source"]
