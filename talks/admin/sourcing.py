"""Suggested sourcing checks: what the suggestion run found about one claim's footing.
Editors check the claim again (on the claim's own page) or dismiss the suggestion; nobody
adds, edits or deletes one by hand (a deleted dismissal would let it come back)."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.defaultfilters import linebreaksbr
from django.urls import path, reverse
from django.utils.html import format_html

from sources.admin.tracked import TrackedAdmin

from .. import rulebook
from ..models import SourcingSuggestion
from ..models.contradictions import ContradictionRefused
from ..services.sourcing import dismiss_sourcing_check
from .contradictions import SuggestionStatusFilter


@admin.register(SourcingSuggestion)
class SourcingSuggestionAdmin(TrackedAdmin):
    list_display = ["claim_link", "rule", "what_was_found", "status", "decide"]
    list_display_links = None
    list_filter = [SuggestionStatusFilter, "rule"]
    search_fields = ["claim__text", "explanation"]
    list_select_related = ["claim"]
    fields = ["claim", "rule", "explanation", "status", "decided_by", "decided_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "<path:object_id>/dismiss/",
                self.admin_site.admin_view(self.dismiss_view),
                name="talks_sourcingsuggestion_dismiss",
            ),
        ] + super().get_urls()

    @admin.display(description="claim")
    def claim_link(self, suggestion):
        return format_html(
            '<a href="{}">“{}”</a>',
            reverse("admin:talks_claim_change", args=[suggestion.claim_id]),
            suggestion.claim.excerpt(),
        )

    @admin.display(description="what the rule found")
    def what_was_found(self, suggestion):
        return format_html(
            '<div class="suggestion-explanation">{}</div>', linebreaksbr(suggestion.explanation)
        )

    @admin.display(description="")
    def decide(self, suggestion):
        if suggestion.status != SourcingSuggestion.Status.PENDING:
            return suggestion.decided_at and f"{suggestion.decided_at:%d %b %Y}"
        return format_html(
            '<div class="suggestion-decide"><button type="submit" class="button" '
            'formaction="{}">Dismiss: the verdict stands</button></div>',
            reverse("admin:talks_sourcingsuggestion_dismiss", args=[suggestion.pk]),
        )

    def dismiss_view(self, request, object_id):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if rulebook.suggestion_dismissal_refusal(request.user):
            raise PermissionDenied
        suggestion = self.get_object(request, object_id)
        if suggestion is None:
            raise Http404
        try:
            dismiss_sourcing_check(
                suggestion, user=request.user, reason="Dismissed from the sourcing checks"
            )
        except ContradictionRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
        else:
            self.message_user(
                request,
                f"Dismissed: {suggestion}. It will not be suggested again.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:talks_sourcingsuggestion_changelist"))
