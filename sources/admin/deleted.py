"""Deleted records in the admin: the list of what is gone, and the button that brings one back.

``DeletedRecordsMixin`` gives a model admin two pages beside its list: the deleted objects of
its model, newest first, and a restore that calls ``sources.restore.restore_deleted``. The
list's "Deleted ..." link is in ``admin/change_list_object_tools.html``.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST

from ..restore import RestoreRefused, deleted_records, restore_deleted, row_name


class DeletedRecordsMixin:
    deleted_list_limit = 200

    def deleted_urls(self):
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
        ]

    def has_restore_permission(self, request):
        """Restoring undoes a delete, so it takes the right to delete the record: for a link
        row (its model names a ``record_field``), the record it belongs to."""
        record_field = getattr(self.model, "record_field", None)
        if record_field is None:
            return self.has_delete_permission(request)
        record_model = self.model._meta.get_field(record_field).related_model
        return self.admin_site.get_model_admin(record_model).has_delete_permission(request)

    def deleted_view(self, request):
        """Deleted objects of this model, newest first, each with a Restore button."""
        if not self.has_restore_permission(request):
            raise PermissionDenied
        opts = self.model._meta
        records = list(deleted_records(self.model)[: self.deleted_list_limit])
        for record in records:
            record.name = row_name(record.instance)
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
        also = f", with {len(restored.along)} linked row(s)" if restored.along else ""
        self.message_user(request, f"Restored “{restored.record}”{also}.", messages.SUCCESS)
        for left_out in restored.left_out:
            self.message_user(request, f"Not restored: {left_out}.", messages.WARNING)
        return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk]))
