"""The admin base of every desk record: who changed what, and why, on every admin path.

Simple-history takes the user from the request (``HistoryRequestMiddleware``); these classes
supply the reason: the editor's own words from the form's "Reason for this change" field, or a
plain description of what the form changed. Inline rows and deletes carry the same reason.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import SEARCH_VAR
from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.template.response import TemplateResponse
from simple_history.admin import SimpleHistoryAdmin

from ..paginators import BoundedCountPaginator
from .autocomplete import option_label
from .deleted import DeletedRecordsMixin
from .filters import OfferedFiltersChangeList, RefusedFilter
from .forms import (
    REASON_FIELD,
    SEEN_FIELD,
    ChangeReasonForm,
    CheckedAutocompleteSelect,
    CheckedModelChoiceField,
    InlineRowForm,
    is_valid_value,
)
from .history import HistoryPresentation
from .search import search


class CheckedAutocompleteMixin:
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        autocomplete = db_field.name in self.get_autocomplete_fields(request)
        if "widget" not in kwargs and autocomplete:
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", CheckedModelChoiceField)
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if autocomplete and formfield is not None:
            related_admin = self.admin_site.get_model_admin(db_field.related_model)
            formfield.label_from_instance = option_label(related_admin)
        return formfield


class WrittenByTheDeskMixin:
    """For rows the desk writes itself and decides through their own steps (a suggestion, a
    delivery, a rejected proposal): shown, never added, changed, deleted or restored by hand."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_restore_permission(self, request):
        return False


class TrackedAdmin(
    HistoryPresentation, DeletedRecordsMixin, CheckedAutocompleteMixin, SimpleHistoryAdmin
):
    """A model admin whose every write leaves a history row with user and reason."""

    form = ChangeReasonForm
    show_facets = admin.ShowFacets.NEVER
    # Large lists: no second full COUNT(*), and counts bounded (see BoundedCountPaginator).
    show_full_result_count = False
    paginator = BoundedCountPaginator

    searched_count_bound = 1_000

    def get_urls(self):
        return [*self.deleted_urls(), *self.history_urls(), *super().get_urls()]

    def get_object(self, request, object_id, from_field=None):
        """An empty ``?_to_field=`` names no field: Django's change and delete pages pass it
        on as one, and looking up a field named "" is a server error."""
        return super().get_object(request, object_id, from_field or None)

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        """Searches count to a lower bound: a common word can match a million rows, and
        counting each match tests it; past a thousand, the editor narrows the search."""
        searched = request.GET.get(SEARCH_VAR) or request.GET.get("term")  # list, autocomplete
        return self.paginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,
            count_bound=self.searched_count_bound if searched else None,
        )

    def get_search_results(self, request, queryset, search_term):
        """Search that indexes answer at any size (``sources.admin.search``); no duplicates."""
        return search(queryset, self.get_search_fields(request), search_term), False

    def get_changelist(self, request, **kwargs):
        return OfferedFiltersChangeList

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_restore_permission": self.has_restore_permission(request),
        }
        try:
            return super().changelist_view(request, extra_context)
        except RefusedFilter as refused:
            return self.refused_filter_response(request, refused)

    def response_action(self, request, queryset, **kwargs):
        """A selection naming no row at all (an altered form) is refused with a message."""
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(is_valid_value(self.opts.pk, value) for value in selected):
            self.message_user(
                request, "The selection names no row of this list: select again.", messages.ERROR
            )
            return None  # back to the list
        return super().response_action(request, queryset, **kwargs)

    def refused_filter_response(self, request, refused):
        """The list's page says what it cannot read, with the way back to the whole list."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"{str(self.opts.verbose_name_plural).capitalize()}: not a list to show",
            "message": str(refused),
        }
        return TemplateResponse(request, "admin/sources/refused_filter.html", context, status=400)

    def has_change_permission(self, request, obj=None):
        """The model's permission, and the rulebook's answer for the record as it stands
        (``editorial_refusal``): a published claim, and its rows, are read-only to
        contributors on every page that would change them."""
        return super().has_change_permission(request, obj) and not editing_refused(request, obj)

    def has_delete_permission(self, request, obj=None):
        """Removing a row changes the record it belongs to: the same rule as changing it."""
        return super().has_delete_permission(request, obj) and not editing_refused(request, obj)

    @staticmethod
    def is_revert(request):
        """Whether the form is simple-history's revert page, which saves an old version."""
        return "/history/" in request.path

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.editor = request.user
        return form

    def get_readonly_fields(self, request, obj=None):
        """On a past version's page, a role that may not change the record sees every field
        read-only, as on its change page."""
        readonly = list(super().get_readonly_fields(request, obj))
        if (
            self.is_revert(request)
            and obj is not None
            and not self.has_change_permission(request, obj)
        ):
            readonly += [f.name for f in self.model._meta.fields if f.name not in readonly]
        return readonly

    def get_fieldsets(self, request, obj=None):
        edit_fields = [REASON_FIELD, SEEN_FIELD]
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f not in edit_fields]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        if obj is not None and not self.has_change_permission(request, obj):
            return fieldsets  # a view-only page asks for no reason
        return [*fieldsets, ("Why", {"fields": edit_fields})]

    def reason_for_change(self, request, form, change):
        reason = form.cleaned_data.get(REASON_FIELD, "").strip()
        if reason:
            return reason
        if self.is_revert(request):
            return "Reverted in the admin to an earlier version"
        if not change:
            return "Added in the admin"
        model_fields = {field.name for field in form.instance._meta.fields}
        changed = [name for name in form.changed_data if name in model_fields]
        return f"Changed in the admin: {', '.join(changed)}" if changed else "Saved in the admin"

    def save_model(self, request, obj, form, change):
        request._history_change_reason = self.reason_for_change(request, form, change)
        obj._change_reason = request._history_change_reason
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        reason = getattr(request, "_history_change_reason", "Changed in the admin")
        for obj in formset.save(commit=False):
            obj._change_reason = reason
            obj.save()
        for obj in formset.deleted_objects:
            obj._change_reason = reason
            obj.delete()
        formset.save_m2m()

    def delete_model(self, request, obj):
        delete_with_reason(obj, "Deleted in the admin")

    def delete_queryset(self, request, queryset):
        """Delete one by one, so each object gets its own history row with the reason."""
        with transaction.atomic():
            for obj in queryset:
                delete_with_reason(obj, "Deleted in the admin (bulk action)")


def editing_refused(request, obj):
    """Whether the rules of ``obj`` (None: of no row in particular) refuse the editor any
    change to it."""
    refusal = getattr(obj, "editorial_refusal", None)
    return refusal is not None and bool(refusal(request.user, {}))


def delete_with_reason(obj, reason):
    """Delete ``obj`` as ``obj.delete()`` does, giving the reason to every row that goes.

    ``obj.delete()`` only carries ``obj``'s own ``_change_reason``; the rows that cascade
    with it (its link rows) would be recorded with none.
    """
    collector = Collector(using=router.db_for_write(type(obj), instance=obj), origin=obj)
    collector.collect([obj])
    for instances in collector.data.values():
        for instance in instances:
            instance._change_reason = (
                reason
                if instance is obj
                else f"{reason}, with the {obj._meta.verbose_name} “{obj}”"
            )
    collector.delete()


class WrittenByTheDeskAdmin(TrackedAdmin):
    """The admin of rows the desk writes itself and decides through their own steps (the
    archive's captures and the changes it finds): read, never added, edited, deleted or
    restored by hand; they go and come back with the record they belong to."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_restore_permission(self, request):
        return False


class NewestFirstAdmin(TrackedAdmin):
    """Lists newest first, read backwards from the primary key's index.

    For rows ordered by the rows they link (a link row by the record it belongs to, then by
    the one it points at): that
    order is in other tables, so each page of a large list would join and sort all of it.
    """

    ordering = ["-pk"]


class TrackedInline(CheckedAutocompleteMixin, admin.TabularInline):
    """An inline of a tracked link model; its rows are saved by ``TrackedAdmin``.

    Text areas are kept small so a row (a quote with its source and place) fits the width.
    """

    form = InlineRowForm
    extra = 0
    show_change_link = False

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and self._parent_editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._parent_editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._parent_editable(request, obj)

    def _parent_editable(self, request, obj):
        """Rows of a record the editor may not change are read-only too."""
        parent_admin = self.admin_site.get_model_admin(self.parent_model)
        return obj is None or parent_admin.has_change_permission(request, obj)

    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 48})}
    }
