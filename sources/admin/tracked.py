"""Admin building blocks that record who changed what, and why, on every admin path.

Simple-history takes the user from the request (``HistoryRequestMiddleware``); these classes
supply the reason: the editor's own words from the form's "Reason for this change" field, or a
plain description of what the form changed. Inline rows and deletes carry the same reason.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db import models, router, transaction
from django.db.models.deletion import Collector
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from ..paginators import BoundedCountPaginator
from ..records import TimestampedModel
from ..restore import RestoreRefused, deleted_records, restore_deleted
from .search import search

REASON_FIELD = "change_reason"
SEEN_FIELD = "seen_version"


class ChangeReasonForm(forms.ModelForm):
    """An admin form that asks why, and refuses to overwrite someone else's newer save."""

    change_reason = forms.CharField(
        label="Reason for this change",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"size": 80}),
        help_text="Kept in the history. Left blank, the history lists the fields you changed.",
    )
    seen_version = forms.CharField(required=False, widget=forms.HiddenInput)

    # Off on the history revert page, whose instance is an old version on purpose.
    checks_concurrent_edits = True
    # The editor saving the form, set by TrackedAdmin.get_form.
    editor = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Desk records carry their version and their editorial rules; audit records do not.
        self.is_desk_record = isinstance(self.instance, TimestampedModel)
        if self.instance.pk and self.is_desk_record:
            self.fields[SEEN_FIELD].initial = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned_data = super().clean()
        if not self.is_desk_record:
            return cleaned_data
        if self.instance.pk and self.checks_concurrent_edits:
            self.refuse_lost_update(cleaned_data.get(SEEN_FIELD))
        changes = {name: cleaned_data[name] for name in self.changed_data if name in cleaned_data}
        refusal = self.editor and self.instance.editorial_refusal(self.editor, changes)
        if refusal:
            raise forms.ValidationError(refusal)
        explanation = self.instance.pk and self.instance.reason_required_for(self.changed_data)
        if explanation and not cleaned_data.get(REASON_FIELD, "").strip():
            self.add_error(REASON_FIELD, explanation)
        return cleaned_data

    def refuse_lost_update(self, seen_version):
        """Refuse the save if the row changed since the form was opened.

        The row stays locked until the admin's transaction ends, so of two saves racing from
        the same version, the second waits for the first and is then refused. The form keeps
        the editor's input and now carries the current version: saving again overwrites.
        """
        model = type(self.instance)
        current = (
            model._default_manager.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("updated_at", flat=True)
            .first()
        )
        if current is None:
            raise forms.ValidationError(
                f"This {model._meta.verbose_name} was deleted by someone else meanwhile."
            )
        if not seen_version or current.isoformat() == seen_version:
            return
        self.data = self.data.copy()
        self.data[self.add_prefix(SEEN_FIELD)] = current.isoformat()
        raise forms.ValidationError(
            [
                f"Someone else saved this {model._meta.verbose_name} after you opened it. "
                "Your input is kept below; compare it with their changes and save again "
                "to overwrite them.",
                *describe_changes_since(self.instance, seen_version),
            ]
        )


def describe_changes_since(instance, seen_version):
    """One line per save made after ``seen_version``: who, when, why, and what changed."""
    records = list(instance.history.filter(updated_at__gt=seen_version).order_by("history_date"))
    previous = instance.history.filter(updated_at__lte=seen_version).first()
    lines = []
    for record in records:
        changes = ""
        if previous is not None:
            delta = record.diff_against(previous)
            changes = "; ".join(
                f"{change.field}: “{_short(change.old)}” → “{_short(change.new)}”"
                for change in delta.changes
                if change.field != "updated_at"
            )
        who = record.history_user or "an import or command"
        reason = f" ({record.history_change_reason})" if record.history_change_reason else ""
        lines.append(f"{who} at {record.history_date:%Y-%m-%d %H:%M:%S}{reason}: {changes}")
        previous = record
    return lines


def _short(value, limit=120):
    text = str(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


class CheckedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete that ignores a submitted value of the wrong type when it redraws.

    Django's widget looks the submitted ids up to show them again; a value that is no id at
    all ("abc" for a number) would raise there, a server error for a form error.
    """

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.model._meta.get_field(self.field.remote_field.field_name)
        return super().optgroups(name, [v for v in value if _is_valid(target, v)], attr)


def _is_valid(field, value):
    """Whether ``value`` is of the field's type and in its column's range (SQLite raises
    OverflowError on an integer beyond 64 bits, where PostgreSQL finds no row)."""
    try:
        field.run_validators(field.to_python(value))
    except (TypeError, ValueError, forms.ValidationError):
        return False
    return True


class CheckedModelChoiceField(forms.ModelChoiceField):
    """A related object's id that no row can have is an invalid choice, not a server error."""

    def to_python(self, value):
        target = self.queryset.model._meta.get_field(self.to_field_name or "pk")
        if value not in self.empty_values and not _is_valid(target, value):
            raise forms.ValidationError(self.error_messages["invalid_choice"], "invalid_choice")
        return super().to_python(value)


class CheckedAutocompleteMixin:
    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", CheckedModelChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class TrackedAdmin(CheckedAutocompleteMixin, SimpleHistoryAdmin):
    """A model admin whose every write leaves a history row with user and reason."""

    form = ChangeReasonForm
    show_facets = admin.ShowFacets.NEVER
    # Large lists: no second full COUNT(*), and counts bounded (see BoundedCountPaginator).
    show_full_result_count = False
    paginator = BoundedCountPaginator

    change_list_template = "admin/sources/tracked_change_list.html"
    deleted_list_limit = 200
    searched_count_bound = 1_000

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        return [
            path(
                "deleted/",
                self.admin_site.admin_view(self.deleted_view),
                name=f"{name}_deleted",
            ),
            path(
                "deleted/<int:pk>/restore/",
                self.admin_site.admin_view(require_POST(self.restore_view)),
                name=f"{name}_restore",
            ),
            *super().get_urls(),
        ]

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

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "has_restore_permission": self.has_restore_permission(request),
        }
        return super().changelist_view(request, extra_context)

    def has_restore_permission(self, request):
        """Restoring undoes a delete, so it takes the right to delete."""
        return self.has_delete_permission(request)

    def deleted_view(self, request):
        """Deleted objects of this model, newest first, each with a Restore button."""
        if not self.has_restore_permission(request):
            raise PermissionDenied
        opts = self.model._meta
        records = list(deleted_records(self.model)[: self.deleted_list_limit])
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": f"Deleted {opts.verbose_name_plural}",
            "records": records,
            "limit": self.deleted_list_limit,
        }
        return TemplateResponse(request, "admin/sources/deleted_objects.html", context)

    def restore_view(self, request, pk):
        if not self.has_restore_permission(request):
            raise PermissionDenied
        opts = self.model._meta
        try:
            restored = restore_deleted(
                self.model, pk, user=request.user, reason=request.POST.get("reason", "").strip()
            )
        except RestoreRefused as refusal:
            self.message_user(request, str(refusal), messages.ERROR)
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_deleted")
        record, *along = restored
        also = f", with {len(along)} linked row(s)" if along else ""
        self.message_user(request, f"Restored “{record}”{also}.", messages.SUCCESS)
        return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk]))

    @staticmethod
    def is_revert(request):
        """Whether the form is simple-history's revert page, which saves an old version."""
        return "/history/" in request.path

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.checks_concurrent_edits = not self.is_revert(request)
        form.editor = request.user
        return form

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
        changed = [name for name in form.changed_data if name != REASON_FIELD]
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


def delete_with_reason(obj, reason):
    """Delete ``obj`` as ``obj.delete()`` does, giving the reason to every row that goes.

    ``obj.delete()`` only carries ``obj``'s own ``_change_reason``; the rows that cascade
    with it (a claim's citations, subjects, contradictions) would be recorded with none.
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


class NewestFirstAdmin(TrackedAdmin):
    """Lists newest first, read backwards from the primary key's index.

    For rows ordered by the rows they link (a citation by its claim, then its source): that
    order is in other tables, so each page of a large list would join and sort all of it.
    """

    ordering = ["-pk"]


class TrackedInline(CheckedAutocompleteMixin, admin.TabularInline):
    """An inline of a tracked link model; its rows are saved by ``TrackedAdmin``.

    Text areas are kept small so a row (a quote with its source and place) fits the width.
    """

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
