"""Admin building blocks that record who changed what, and why, on every admin path.

Simple-history takes the user from the request (``HistoryRequestMiddleware``); these classes
supply the reason: the editor's own words from the form's "Reason for this change" field, or a
plain description of what the form changed. Inline rows and deletes carry the same reason.
"""

from django import forms
from django.contrib import admin
from django.db import models, router, transaction
from django.db.models.deletion import Collector
from simple_history.admin import SimpleHistoryAdmin

REASON_FIELD = "change_reason"


class ChangeReasonForm(forms.ModelForm):
    change_reason = forms.CharField(
        label="Reason for this change",
        required=False,
        max_length=500,
        widget=forms.TextInput(attrs={"size": 80}),
        help_text="Kept in the history. Left blank, the history lists the fields you changed.",
    )


class TrackedAdmin(SimpleHistoryAdmin):
    """A model admin whose every write leaves a history row with user and reason."""

    form = ChangeReasonForm
    show_facets = admin.ShowFacets.NEVER

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.fieldsets is None:
            return fieldsets
        return [*fieldsets, ("Why", {"fields": [REASON_FIELD]})]

    def change_reason(self, request, form, change):
        reason = form.cleaned_data.get(REASON_FIELD, "").strip()
        if reason:
            return reason
        if "/history/" in request.path:
            return "Reverted in the admin to an earlier version"
        if not change:
            return "Added in the admin"
        changed = [name for name in form.changed_data if name != REASON_FIELD]
        return f"Changed in the admin: {', '.join(changed)}" if changed else "Saved in the admin"

    def save_model(self, request, obj, form, change):
        request._history_change_reason = self.change_reason(request, form, change)
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


class TrackedInline(admin.TabularInline):
    """An inline of a tracked link model; its rows are saved by ``TrackedAdmin``.

    Text areas are kept small so a row (a quote with its source and place) fits the width.
    """

    extra = 0
    show_change_link = False
    formfield_overrides = {
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 48})}
    }
