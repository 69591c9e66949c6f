"""Changes the archive found in cited pages: each read-only, with the text's changes as a
word diff, confirmed or dismissed by an editor (``talks.services.source_changes``). A
confirmed change is told to readers on the source's page."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from sources.admin.captures import capture_link
from sources.admin.history import word_diff
from sources.admin.tracked import WrittenByTheDeskAdmin
from sources.archive import changed_passages
from sources.models import SourceChange

from .. import rulebook
from ..services.source_changes import SourceChangeRefused, decide_source_change

PASSAGES_SHOWN = 50


@admin.register(SourceChange)
class SourceChangeAdmin(WrittenByTheDeskAdmin):
    """The archive writes these; editors confirm or dismiss them, nobody edits them."""

    list_display = ["source", "kind", "status", "seen", "quoted"]
    list_filter = ["status", "kind"]
    list_select_related = ["source", "before", "after"]
    fields = [
        "source",
        "kind",
        "status",
        "copies_compared",
        "quotes_gone_list",
        "decided_by",
        "decided_at",
        "note",
    ]
    readonly_fields = ["copies_compared", "quotes_gone_list"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("before", "after__same_as")

    @admin.display(description="seen", ordering="after__fetched_at")
    def seen(self, change):
        return change.after.moment

    @admin.display(description="quoted from the copy of", ordering="before__fetched_at")
    def quoted(self, change):
        return change.before.moment

    @admin.display(description="copies compared")
    def copies_compared(self, change):
        return (
            format_html(
                "Before: {}<br>After: {}", capture_link(change.before), capture_link(change.after)
            )
            if change.after.sha256
            else format_html(
                "Before: {}<br>After: {} ({})",
                capture_link(change.before),
                change.after.moment,
                change.after.error,
            )
        )

    @admin.display(description="quotes gone")
    def quotes_gone_list(self, change):
        if not change.quotes_gone:
            return "None: every quote still stands in the page."
        return format_html(
            "<ul>{}</ul>",
            format_html_join("", "<li><q>{}</q></li>", ((quote,) for quote in change.quotes_gone)),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                f"<path:object_id>/{step}/",
                view(self.decide_view),
                {"status": status},
                name=f"sources_sourcechange_{step}",
            )
            for step, status in [
                ("confirm", SourceChange.Status.CONFIRMED),
                ("dismiss", SourceChange.Status.DISMISSED),
            ]
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        change = self.get_object(request, object_id)
        if change is not None:
            passages = changed_passages(change.before.text, change.after.page_text)
            extra_context = {
                **(extra_context or {}),
                "passages": [word_diff(old, new) for old, new in passages[:PASSAGES_SHOWN]],
                "passages_left_out": max(len(passages) - PASSAGES_SHOWN, 0),
                "may_decide": change.status == SourceChange.Status.OPEN
                and not rulebook.source_change_decision_refusal(request.user),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def decide_view(self, request, object_id, status):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if rulebook.source_change_decision_refusal(request.user):
            raise PermissionDenied
        change = self.get_object(request, object_id)
        if change is None:
            raise Http404
        try:
            decided = decide_source_change(
                change, status=status, user=request.user, note=request.POST.get("note", "")
            )
        except SourceChangeRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
        else:
            told = (
                " Readers see it on the source's page."
                if decided.status == SourceChange.Status.CONFIRMED
                else ""
            )
            self.message_user(
                request,
                f"The change is {decided.get_status_display().lower()}.{told}",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:sources_sourcechange_change", args=[change.pk]))
