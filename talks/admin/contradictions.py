"""Contradictions and suggested contradictions: compare two claims, decide, keep the record.

Every decision goes through ``talks.services.contradictions``; these classes parse the
request, call the service and show what happened.
"""

from itertools import chain

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.defaultfilters import linebreaksbr
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme

from sources.admin.tracked import TrackedAdmin, WrittenByTheDeskMixin
from sources.recently_used import TOP_ROWS, most_used

from .. import rulebook
from ..models import (
    Claim,
    ClaimSubject,
    Contradiction,
    ContradictionSuggestion,
    Meeting,
    Person,
    Statement,
    SuggestionRun,
)
from ..models.contradictions import ContradictionRefused
from ..services import contradictions as decisions
from ..tasks import latest_suggestion_runs, request_suggestion_run
from .contradiction_forms import DismissForm, ReasonForm, ResolveForm

# What the comparison of two claims holds side by side, and marks where the two differ.
COMPARED = {
    "claimant": lambda claim: claim.claimant_name,
    "claimed_on": lambda claim: claim.claimed_on,
    "meeting": lambda claim: claim.meeting_id,
    "status": lambda claim: claim.status,
    "verdict": lambda claim: claim.verdict,
}


def claims_compared(*claims):
    """The claims, in the order given, with everything the side-by-side page shows.

    Of two claims, each knows what differs from the other: ``differs`` names the fields of
    ``COMPARED``, and each citation and statement has ``differs`` when the other claim has no
    citation of that source or no such statement.
    """
    statements = Statement.objects.select_related("person", "on_behalf_of", "meeting")
    fetched = (
        Claim.objects.with_provenance()
        .prefetch_related(Prefetch("statements", statements))
        .in_bulk([claim.pk for claim in claims])
    )
    compared = [fetched[claim.pk] for claim in claims]
    if len(compared) == 2:
        _mark_differences(*compared)
    return compared


def _mark_differences(one, other):
    differs = {name for name, value in COMPARED.items() if value(one) != value(other)}
    sources = [{citation.source_id for citation in claim.citations.all()} for claim in (one, other)]
    said = [{str(statement) for statement in claim.statements.all()} for claim in (one, other)]
    for claim, other_sources, other_said in [
        (one, sources[1], said[1]),
        (other, sources[0], said[0]),
    ]:
        claim.differs = differs
        for citation in claim.citations.all():
            citation.differs = citation.source_id not in other_sources
        for statement in claim.statements.all():
            statement.differs = str(statement) not in other_said


def involved_claim_ids():
    """Claims in the contradictions at the top of the list: the most recently flagged."""
    pairs = Contradiction.objects.order_by("-flagged_at", "-pk").values_list("claim_a", "claim_b")
    return [pk for pair in pairs[:TOP_ROWS] for pk in pair]


def _chosen(value):
    return [int(value)] if value and value.isdigit() else []


class PersonFilter(admin.SimpleListFilter):
    """Contradictions whose claims are made by, or about, a person."""

    title = "person (most involved lately)"
    parameter_name = "person"

    def lookups(self, request, model_admin):
        def involved_people():
            involved = involved_claim_ids()
            return chain(
                Claim.objects.filter(pk__in=involved).values_list("claimant", flat=True),
                ClaimSubject.objects.filter(claim__in=involved)
                .order_by()  # its default order would join the claims
                .values_list("person", flat=True),
            )

        ids = most_used("talks.Contradiction.person", involved_people, _chosen(self.value()))
        return Person.objects.filter(pk__in=ids).values_list("pk", "name").order_by("name")

    def queryset(self, request, queryset):
        if self.value():
            return queryset.about_person(self.value())
        return queryset


class MeetingFilter(admin.SimpleListFilter):
    title = "meeting (most involved lately)"
    parameter_name = "meeting"

    def lookups(self, request, model_admin):
        ids = most_used(
            "talks.Contradiction.meeting",
            lambda: Claim.objects.filter(pk__in=involved_claim_ids()).values_list(
                "meeting", flat=True
            ),
            _chosen(self.value()),
        )
        return [(meeting.pk, str(meeting)) for meeting in Meeting.objects.filter(pk__in=ids)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.at_meeting(self.value())
        return queryset


# Each decision: the form it asks for, and how the form's answers reach the service.
DECISIONS = {
    "confirm": (
        ReasonForm,
        lambda contradiction, form, user: decisions.confirm_contradiction(
            contradiction, user=user, reason=form.reason("Confirmed in the admin")
        ),
    ),
    "dismiss": (
        DismissForm,
        lambda contradiction, form, user: decisions.dismiss_contradiction(
            contradiction, user=user, reason=form.reason("")
        ),
    ),
    "resolve": (
        ResolveForm,
        lambda contradiction, form, user: decisions.resolve_contradiction(
            contradiction,
            prevailing_claim=form.cleaned_data["prevailing_claim"],
            resolution_note=form.cleaned_data["resolution_note"],
            verdict=form.cleaned_data["verdict"],
            verdict_rationale=form.cleaned_data["verdict_rationale"],
            user=user,
            reason=form.reason(""),  # left blank, the service's default names no draft
        ),
    ),
}


@admin.register(Contradiction)
class ContradictionAdmin(TrackedAdmin):
    list_display = ["__str__", "kind", "status", "flagged_at", "flagged_by", "resolved_by"]
    list_filter = ["status", "kind", PersonFilter, MeetingFilter]
    search_fields = ["claim_a__text", "claim_b__text", "note"]
    autocomplete_fields = ["claim_a", "claim_b"]
    list_select_related = ["claim_a", "claim_b", "flagged_by", "resolved_by"]
    decision_fields = ["status", "prevailing_claim", "resolution_note"]
    record_fields = ["flagged_by", "flagged_at", "resolved_by", "resolved_at"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:  # flagging: the pair, what kind, why; it starts open
            return [(None, {"fields": ["claim_a", "claim_b", "kind", "note", "change_reason"]})]
        return [
            (None, {"fields": ["kind", "note"]}),
            ("Decision", {"fields": self.decision_fields}),
            ("Record", {"fields": [("flagged_by", "flagged_at"), ("resolved_by", "resolved_at")]}),
            ("Why", {"fields": ["change_reason"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        # The decision changes only through confirm, dismiss and resolve, which check it.
        own = (
            self.record_fields
            if obj is None
            else ["claim_a", "claim_b", *self.decision_fields, *self.record_fields]
        )
        inherited = super().get_readonly_fields(request, obj)  # a past version, view-only
        return [*own, *(name for name in inherited if name not in own)]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        flagged = decisions.flag_contradiction(
            claim_a=obj.claim_a,
            claim_b=obj.claim_b,
            kind=obj.kind,
            note=obj.note,
            user=request.user,
            reason=self.reason_for_change(request, form, change),
        )
        obj.pk, obj._state.adding = flagged.pk, False  # the admin goes on with what was saved

    def get_urls(self):
        decide = self.admin_site.admin_view(self.decide_view)
        return [
            path(
                f"<path:object_id>/{transition}/",
                decide,
                {"transition": transition},
                name=f"talks_contradiction_{transition}",
            )
            for transition in DECISIONS
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        contradiction = self.get_object(request, object_id)
        if contradiction is not None:
            extra_context = {
                **(extra_context or {}),
                "claims": claims_compared(contradiction.claim_a, contradiction.claim_b),
                "decisions": [
                    name
                    for name in DECISIONS
                    if contradiction.allows(name)
                    and not rulebook.decision_refusal(request.user, name)
                ],
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def decide_view(self, request, object_id, transition):
        """Confirm, dismiss or resolve: the two claims side by side, and the form to decide."""
        contradiction = self.get_object(request, object_id)
        if contradiction is None:
            raise Http404
        if not self.has_change_permission(request, contradiction):
            raise PermissionDenied
        change_url = reverse("admin:talks_contradiction_change", args=[contradiction.pk])
        form_class, decide = DECISIONS[transition]
        try:
            contradiction.check_transition(transition)
        except ContradictionRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return HttpResponseRedirect(change_url)

        options = {"contradiction": contradiction} if transition == "resolve" else {}
        form = form_class(request.POST or None, **options)
        if request.method == "POST" and form.is_valid():
            try:
                decided = decide(contradiction, form, request.user)
            except ContradictionRefused as refused:
                self.message_user(request, str(refused), messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"The contradiction is {decided.get_status_display().lower()}.",
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(change_url)

        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": contradiction,
            "title": f"{transition.capitalize()} the contradiction",
            "transition": transition,
            "form": form,
            "claims": claims_compared(contradiction.claim_a, contradiction.claim_b),
            "change_url": change_url,
        }
        return TemplateResponse(request, "admin/talks/contradiction/decide.html", context)


class SuggestionStatusFilter(admin.SimpleListFilter):
    """By status, pending unless asked otherwise: the list is the editors' to-do list (of
    suggested contradictions, or of sourcing checks)."""

    title = "status"
    parameter_name = "status"
    everything = "all"

    def lookups(self, request, model_admin):
        return [*model_admin.model.Status.choices, (self.everything, "All")]

    def value(self):
        return super().value() or "pending"

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == self.everything:
            return queryset
        return queryset.filter(status=self.value())


@admin.register(ContradictionSuggestion)
class ContradictionSuggestionAdmin(WrittenByTheDeskMixin, TrackedAdmin):
    """What the database proposes; editors flag or dismiss, nobody edits or adds by hand.

    Deleting is off too: a deleted dismissal would let the suggestion come back.
    """

    list_display = ["pair", "rule", "what_was_found", "status", "decide"]
    list_display_links = ["pair"]
    list_filter = [SuggestionStatusFilter, "rule"]
    search_fields = ["claim_a__text", "claim_b__text", "explanation"]
    list_select_related = ["claim_a", "claim_b"]
    fields = ["claim_a", "claim_b", "rule", "explanation", "status", "decided_by", "decided_at"]

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("run/", view(self.run_view), name="talks_contradictionsuggestion_run"),
            path(
                "<path:object_id>/flag/",
                view(self.flag_view),
                name="talks_contradictionsuggestion_flag",
            ),
            path(
                "<path:object_id>/dismiss/",
                view(self.dismiss_view),
                name="talks_contradictionsuggestion_dismiss",
            ),
        ] + super().get_urls()

    @admin.display(description="claims")
    def pair(self, suggestion):
        return format_html(
            "“{}”<br>vs “{}”", suggestion.claim_a.excerpt(), suggestion.claim_b.excerpt()
        )

    @admin.display(description="what the rule found")
    def what_was_found(self, suggestion):
        return format_html(
            '<div class="suggestion-explanation">{}</div>', linebreaksbr(suggestion.explanation)
        )

    @admin.display(description="")
    def decide(self, suggestion):
        if suggestion.status != ContradictionSuggestion.Status.PENDING:
            return suggestion.decided_at and f"{suggestion.decided_at:%d %b %Y}"
        return format_html(
            '<div class="suggestion-decide">'
            '<button type="submit" class="button" formaction="{}">Flag</button> '
            '<button type="submit" class="button" formaction="{}">Dismiss</button></div>',
            reverse("admin:talks_contradictionsuggestion_flag", args=[suggestion.pk]),
            reverse("admin:talks_contradictionsuggestion_dismiss", args=[suggestion.pk]),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        suggestion = self.get_object(request, object_id)
        if suggestion is not None:
            extra_context = {
                **(extra_context or {}),
                "claims": claims_compared(suggestion.claim_a, suggestion.claim_b),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def _decide(self, request, object_id, decide, done):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if rulebook.flag_refusal(request.user):
            raise PermissionDenied
        suggestion = self.get_object(request, object_id)
        if suggestion is None:
            raise Http404
        try:
            result = decide(suggestion)
        except ContradictionRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
        else:
            self.message_user(request, done(result), messages.SUCCESS)
        return HttpResponseRedirect(self._back(request))

    def _back(self, request):
        """Back to the page the editor came from (the list with its filters), or the list."""
        referer = request.headers.get("referer", "")
        if url_has_allowed_host_and_scheme(referer, {request.get_host()}, request.is_secure()):
            return referer
        return reverse("admin:talks_contradictionsuggestion_changelist")

    def flag_view(self, request, object_id):
        return self._decide(
            request,
            object_id,
            lambda suggestion: decisions.flag_suggestion(
                suggestion, user=request.user, reason="Flagged from a suggested contradiction"
            ),
            lambda contradiction: format_html(
                'Flagged as an open contradiction: <a href="{}">{}</a>.',
                reverse("admin:talks_contradiction_change", args=[contradiction.pk]),
                contradiction,
            ),
        )

    def dismiss_view(self, request, object_id):
        return self._decide(
            request,
            object_id,
            lambda suggestion: decisions.dismiss_suggestion(
                suggestion, user=request.user, reason="Dismissed from the suggestions"
            ),
            lambda suggestion: f"Dismissed: {suggestion}. It will not be suggested again.",
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "suggestion_runs": latest_suggestion_runs(),
            "may_run_suggestions": not rulebook.suggestion_run_refusal(request.user),
        }
        return super().changelist_view(request, extra_context)

    def run_view(self, request):
        """Queue a run of the suggestion rules; a worker performs it, the list shows it."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if rulebook.suggestion_run_refusal(request.user):
            raise PermissionDenied
        if SuggestionRun.objects.filter(status=SuggestionRun.Status.QUEUED).exists():
            self.message_user(request, "A run of the rules is already waiting for a worker.")
        else:
            request_suggestion_run(user=request.user, reason="Suggestion run from the admin")
            self.message_user(
                request,
                "The suggestion rules are running in the background; this list shows what "
                "they found when they finish.",
                messages.SUCCESS,
            )
        return HttpResponseRedirect(reverse("admin:talks_contradictionsuggestion_changelist"))
