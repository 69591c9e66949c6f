"""Import runs in the admin: read-only audit records, and the upload that starts one.

Adding an import run is importing a fixture: the add page takes a file, shows what a dry run
would create, change and leave alone (or every problem), and imports it once confirmed.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from sources.admin.forms import reason_field
from sources.admin.tracked import TrackedAdmin

from .. import rulebook
from ..exchange import ImportFailed, import_fixtures
from ..exchange.uploads import (
    UploadMissing,
    discard_upload,
    finish_upload,
    stage_upload,
    take_upload,
)
from ..models import ImportRun
from ..tasks import queue_proposals_after_import

MAX_UPLOAD_MB = 50


class UploadForm(forms.Form):
    fixture = forms.FileField(
        label="Fixture file",
        help_text="JSON with natural keys, as manage.py export_fixtures writes it.",
    )
    reason = reason_field(
        label="Reason for this import", help_text="Kept in every history row the import writes."
    )

    def clean_fixture(self):
        fixture = self.cleaned_data["fixture"]
        if fixture.size > MAX_UPLOAD_MB * 2**20:
            raise forms.ValidationError(
                f"The file is larger than {MAX_UPLOAD_MB} MB; import it with "
                "manage.py import_fixtures."
            )
        return fixture


class ConfirmForm(forms.Form):
    """The confirmation names the staged upload; its name, bytes and reason are the server's."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)


@admin.register(ImportRun)
class ImportRunAdmin(TrackedAdmin):
    list_display = [
        "started_at",
        "file_names",
        "user",
        "channel",
        "created",
        "updated",
        "unchanged",
        "took",
    ]
    list_filter = ["channel"]
    search_fields = ["reason", "uid", "user__username"]
    list_select_related = ["user"]
    date_hierarchy = "started_at"
    fieldsets = [
        (None, {"fields": ["uid", "started_at", "finished_at", "took", "user", "channel"]}),
        ("What", {"fields": ["reason", "file_table", "count_table"]}),
    ]
    readonly_fields = ["took", "file_table", "count_table"]

    def get_fieldsets(self, request, obj=None):
        return self.fieldsets  # nothing here is edited, so there is no reason to give

    def has_add_permission(self, request):
        return not rulebook.import_refusal(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="files")
    def file_names(self, run):
        return ", ".join(file["name"] for file in run.files)

    @admin.display(description="took")
    def took(self, run):
        return f"{run.duration.total_seconds():.1f} s" if run.duration else "-"

    @admin.display(description="files")
    def file_table(self, run):
        return format_html(
            "<table><tr><th>file</th><th>SHA-256</th><th>objects</th></tr>{}</table>",
            format_html_join(
                "",
                "<tr><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                ((f["name"], f["sha256"], f["objects"]) for f in run.files),
            ),
        )

    @admin.display(description="per model")
    def count_table(self, run):
        return counts_table(run.counts)

    def add_view(self, request, form_url="", extra_context=None):
        """Upload, dry run, confirm: the add page of an import run imports a fixture."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        context = {**self.admin_site.each_context(request), "opts": self.model._meta}
        if request.method == "POST" and "confirm" in request.POST:
            return self._confirm(request, context)
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            reason = form.cleaned_data["reason"]
            staged = stage_upload(form.cleaned_data["fixture"], reason=reason, user=request.user)
            fixture = staged.fixture
            try:
                result = import_fixtures([fixture], user=request.user, reason=reason, dry_run=True)
            except ImportFailed as failure:
                context["failure"] = failure.result
            else:
                context["summary"] = counts_table(result.counts)
                context["totals"] = result.totals()
                context["skipped"] = list(result.skipped_lines())
                context["confirm"] = ConfirmForm(initial={"token": staged.token})
            context["fixture"] = fixture
        context["form"] = form
        return TemplateResponse(request, "admin/talks/importrun/import.html", context)

    def _confirm(self, request, context):
        form = ConfirmForm(request.POST)
        if not form.is_valid():
            return redirect("admin:talks_importrun_add")
        try:
            staged = take_upload(form.cleaned_data["token"], request.user)
        except UploadMissing as missing:
            messages.error(request, str(missing))
            return redirect("admin:talks_importrun_add")
        fixture = staged.fixture
        try:
            result = import_fixtures(
                [fixture], user=request.user, reason=staged.reason, channel=ImportRun.Channel.ADMIN
            )
        except ImportFailed as failure:
            discard_upload(staged)
            context.update(form=UploadForm(), failure=failure.result, fixture=fixture)
            return TemplateResponse(request, "admin/talks/importrun/import.html", context)
        finish_upload(staged, result.run)
        queue_proposals_after_import(result.run)
        if result.run is None:
            messages.info(
                request,
                f"Nothing imported from {fixture.name}: the desk already holds every object "
                "as the file has it.",
            )
            return redirect("admin:talks_importrun_changelist")
        totals = result.totals()
        messages.success(
            request,
            f"Imported {fixture.name}: {totals['created']} created, {totals['updated']} "
            f"updated, {totals['unchanged']} unchanged.",
        )
        return redirect(reverse("admin:talks_importrun_change", args=[result.run.pk]))


def counts_table(counts):
    """Created, updated and unchanged per model, as the dry run and the run record show them."""
    return format_html(
        "<table class='import-counts'><thead><tr><th>model</th><th>created</th>"
        "<th>updated</th><th>unchanged</th></tr></thead><tbody>{}</tbody></table>",
        format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (label, c.get("created", 0), c.get("updated", 0), c.get("unchanged", 0))
                for label, c in sorted(counts.items())
            ),
        ),
    )
