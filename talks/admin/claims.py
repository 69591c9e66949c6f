from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from sources.admin.captures import QuoteCheckFilter
from sources.admin.filters import RecentlyUsedRelatedFilter, RecentlyUsedValuesFilter, YearsFilter
from sources.admin.forms import ChangeReasonForm
from sources.admin.sources import CitationBaseInline, QuoteCheckShown
from sources.admin.tracked import (
    NewestFirstAdmin,
    TrackedAdmin,
    TrackedInline,
    WrittenByTheDeskMixin,
)
from sources.captures import QuoteCheck
from sources.records import RowCount

from .. import rulebook, visibility
from ..claim_versions import AsOfForm, claim_as_of
from ..models import Citation, Claim, ClaimSubject, Contradiction, RejectedProposal, Statement
from ..models.contradictions import ContradictionRefused
from ..services.claims import RecordRefused, record_claim
from ..services.contradictions import check_can_flag, flag_contradiction
from ..services.proposals import (
    ProposalRefused,
    accept_proposal,
    correct_proposal,
    reject_proposal,
)
from ..tasks import queue_proposals
from .badges import badge
from .contradiction_forms import FlagAgainstClaimForm, FlagContradictionForm
from .contradictions import claims_compared
from .public_links import PublicPageLink
from .record_forms import RecordClaimForm, StatementFormSet

PROPOSAL_DECISIONS = {"accept": accept_proposal, "reject": reject_proposal}


def quotes_not_found(claim):
    """The claim's citations whose quote the archive did not find in the source's copy."""
    citations = {c.pk: c for c in claim.citations.select_related("source")}
    checks = (
        QuoteCheck.objects.current()
        .missing()
        .filter(citation_type=ContentType.objects.get_for_model(Citation))
        .filter(citation_id__in=list(citations))
        .select_related("capture")
    )
    return [(citations[check.citation_id], check) for check in checks]


class CitationInline(CitationBaseInline):
    model = Citation
    verbose_name_plural = "Citations: where the claim stands in its sources"


class ClaimSubjectInline(TrackedInline):
    model = ClaimSubject
    fields = ["person"]
    autocomplete_fields = ["person"]


class StatementInline(TrackedInline):
    """The claim's accepted statements; proposed ones wait above, under "Proposed
    statements", to be accepted, corrected or rejected."""

    model = Statement
    fields = ["kind", "person", "on_behalf_of", "meeting", "date", "place"]
    autocomplete_fields = ["person", "on_behalf_of", "meeting"]
    verbose_name_plural = (
        "Statements: what the claim asserts, for the database to check "
        "(who acts for whom on a date, who attended, when and where a meeting took place)"
    )

    def get_queryset(self, request):
        return super().get_queryset(request).accepted()


class OriginsFilter(admin.SimpleListFilter):
    """Published claims whose every source comes back to one origin readers cannot name:
    four reports of one unnamed briefing are one unnamed source, not four."""

    title = "origins"
    parameter_name = "origins"

    def lookups(self, request, model_admin):
        return [("one_unnamed", "Published, resting on one unnamed origin")]

    def queryset(self, request, queryset):
        if self.value() == "one_unnamed":
            return (queryset & visibility.claims()).resting_on_one_unnamed_origin()
        return queryset


class ClaimForm(ChangeReasonForm):
    """The claim form; publishing over an unresolved contradiction needs a tick to confirm.

    ``ClaimAdmin`` shows the tick box only while the claim has an unresolved contradiction,
    the only time it is asked for.
    """

    publish_despite_contradiction = forms.BooleanField(
        label="Publish despite the unresolved contradiction",
        required=False,
        help_text="The claim is one of a pair flagged as contradicting, not yet resolved.",
    )

    def clean(self):
        cleaned = super().clean()
        publishing = (
            cleaned.get("status") == Claim.Status.PUBLISHED
            and self.instance.status != Claim.Status.PUBLISHED
        )
        if (
            publishing
            and not cleaned.get("publish_despite_contradiction")
            and self.instance.pk is not None
            and Contradiction.objects.involving(self.instance).unresolved().exists()
        ):
            self.add_error(
                "publish_despite_contradiction",
                "This claim has an unresolved contradiction. Tick the box to publish it "
                "anyway, or resolve the contradiction first.",
            )
        return cleaned


@admin.register(Claim)
class ClaimAdmin(PublicPageLink, TrackedAdmin):
    public = staticmethod(visibility.claims)
    list_display = [
        "short_text",
        "claimant_display",
        "claimed_on",
        "status_badge",
        "verdict_badge",
        "citation_count",
        "has_unresolved_contradiction",
    ]
    list_filter = [
        "status",
        "verdict",
        OriginsFilter,
        ("language", RecentlyUsedValuesFilter),
        ("meeting", RecentlyUsedRelatedFilter),
        ("claimed_on", YearsFilter),
    ]
    search_fields = ["text", "slug", "claimant__name", "claimant_label"]
    autocomplete_fields = ["claimant", "meeting"]
    # Meta.ordering does not apply to the counting queryset below; autocomplete pages need one.
    ordering = Claim._meta.ordering
    readonly_fields = ["published_at"]
    fieldsets = [
        (None, {"fields": ["text", "language", "slug"]}),
        ("Who and when", {"fields": [("claimant", "claimant_label"), "claimed_on", "meeting"]}),
        ("Verdict", {"fields": ["status", "verdict", "verdict_rationale", "published_at"]}),
    ]
    inlines = [CitationInline, ClaimSubjectInline, StatementInline]
    form = ClaimForm
    actions = ["flag_as_contradiction"]

    def get_queryset(self, request):
        unresolved = Contradiction.objects.unresolved().filter(
            Q(claim_a=OuterRef("pk")) | Q(claim_b=OuterRef("pk"))
        )
        return (
            super()
            .get_queryset(request)
            # Lists and autocomplete alike show the claimant (Django's list_select_related
            # would be ignored once the queryset selects anything related).
            .select_related("claimant", "meeting")
            .annotate(
                citation_total=RowCount(Citation.objects.filter(claim=OuterRef("pk"))),
                contradicted=Exists(unresolved),
            )
        )

    @admin.display(description="claim", ordering="text")
    def short_text(self, claim):
        return claim.text if len(claim.text) <= 100 else f"{claim.text[:99]}…"

    @admin.display(description="claimant", ordering="claimant__name")
    def claimant_display(self, claim):
        return claim.claimant_name

    @admin.display(description="status", ordering="status")
    def status_badge(self, claim):
        return badge(claim.status, claim.get_status_display())

    @admin.display(description="verdict", ordering="verdict")
    def verdict_badge(self, claim):
        return badge(claim.verdict or "none", claim.get_verdict_display() or "none yet")

    def autocomplete_label(self, claim):
        return claim.label

    @admin.display(description="citations", ordering="citation_total")
    def citation_count(self, claim):
        return claim.citation_total

    @admin.display(description="contradiction", ordering="contradicted")
    def has_unresolved_contradiction(self, claim):
        """A badge where a contradiction is open or confirmed; nothing where none is."""
        return badge("open", "unresolved") if claim.contradicted else ""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not Contradiction.objects.involving(obj).unresolved().exists():
            return fieldsets
        return [
            (name, {**options, "fields": [*options["fields"], "publish_despite_contradiction"]})
            if name == "Verdict"
            else (name, options)
            for name, options in fieldsets
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        claim = self.get_object(request, object_id)
        if claim is not None:
            contradictions = Contradiction.objects.involving(claim).select_related(
                "claim_a__claimant", "claim_b__claimant"
            )
            proposals = claim.statements.proposed().select_related(
                "person", "on_behalf_of", "meeting"
            )
            extra_context = {
                **(extra_context or {}),
                "proposals": proposals,
                "proposal_refusal": rulebook.proposal_decision_refusal(request.user, claim),
                "rejected_proposals": claim.rejected_proposals.count(),
                "contradictions": [
                    (contradiction, contradiction.other_claim(claim))
                    for contradiction in contradictions
                ],
                "unresolved": [c for c in contradictions if c.is_unresolved],
                "quotes_not_found": quotes_not_found(claim),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def save_related(self, request, form, formsets, change):
        """Saved with its citations and statements: the desk reads its words again, in the
        background (``talks.tasks.queue_proposals``)."""
        super().save_related(request, form, formsets, change)
        queue_proposals([form.instance.pk])

    @method_decorator(require_POST)
    def decide_proposal_view(self, request, object_id, statement_id):
        """Accept or reject one proposed statement of the claim, from the claim's page."""
        claim = self.get_object(request, object_id)
        if claim is None:
            raise Http404("No such claim.")
        statement = claim.statements.filter(pk=statement_id).first()
        decision = request.POST.get("decision")
        back = reverse("admin:talks_claim_change", args=[claim.pk]) + "#proposed-statements"
        if decision not in PROPOSAL_DECISIONS:
            self.message_user(request, "Choose Accept or Reject.", messages.ERROR)
            return HttpResponseRedirect(back)
        if statement is None:
            self.message_user(
                request, "That proposal is gone: decided or withdrawn meanwhile.", messages.ERROR
            )
            return HttpResponseRedirect(back)
        reason = request.POST.get("reason", "").strip()[:300]
        try:
            PROPOSAL_DECISIONS[decision](statement, user=request.user, reason=reason)
        except ProposalRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
        else:
            done = (
                "Accepted" if decision == "accept" else "Rejected (it will not be proposed again)"
            )
            self.message_user(request, f"{done}: {statement}.", messages.SUCCESS)
        return HttpResponseRedirect(back)

    def history_related(self, object_id):
        """The claim's timeline has its citations, people and statements, and the
        contradictions it is part of."""
        contradictions = Contradiction.history.filter(
            Q(claim_a_id=object_id) | Q(claim_b_id=object_id)
        )
        return [*super().history_related(object_id), ("contradiction", contradictions, ())]

    def has_flag_permission(self, request):
        """Flagging creates a contradiction: for editors who may add one."""
        return not rulebook.flag_refusal(request.user)

    @admin.action(description="Flag as contradiction", permissions=["flag"])
    def flag_as_contradiction(self, request, queryset):
        """Two selected claims, compared side by side, then flagged with a kind and a note."""
        claims = list(queryset.order_by("pk")[:3])
        try:
            if len(claims) != 2:
                raise ContradictionRefused(
                    "Select exactly two claims to flag a contradiction; "
                    f"you selected {queryset.count()}."
                )
            check_can_flag(*claims)
        except ContradictionRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
            return None

        form = FlagContradictionForm(request.POST if "confirm" in request.POST else None)
        if form.is_valid():
            try:
                contradiction = flag_contradiction(
                    claim_a=claims[0],
                    claim_b=claims[1],
                    kind=form.cleaned_data["kind"],
                    note=form.cleaned_data["note"],
                    user=request.user,
                    reason=form.reason("Flagged as a contradiction from the claim list"),
                )
            except ContradictionRefused as refused:
                self.message_user(request, str(refused), messages.ERROR)
                return None
            self.message_user(request, self._flagged_message(contradiction), messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Flag as contradiction",
            "claims": claims_compared(*claims),
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/talks/claim/flag_contradiction.html", context)

    def _flagged_message(self, contradiction):
        return format_html(
            'Flagged as an open contradiction: <a href="{}">{}</a>.',
            reverse("admin:talks_contradiction_change", args=[contradiction.pk]),
            contradiction,
        )

    def get_urls(self):
        return [
            path(
                "record/",
                self.admin_site.admin_view(self.record_view),
                name="talks_claim_record",
            ),
            path(
                "<path:object_id>/proposals/<int:statement_id>/",
                self.admin_site.admin_view(self.decide_proposal_view),
                name="talks_claim_decide_proposal",
            ),
            path(
                "<path:object_id>/flag-contradiction/",
                self.admin_site.admin_view(self.flag_against_view),
                name="talks_claim_flag_contradiction",
            ),
            path(
                "<path:object_id>/as-of/",
                self.admin_site.admin_view(self.as_of_view),
                name="talks_claim_as_of",
            ),
        ] + super().get_urls()

    def as_of_view(self, request, object_id):
        """The claim as it stood at a moment, whatever its state then (drafts included),
        from its history: text, status, verdict, citations and contradictions."""
        claim = self.get_object(request, object_id)
        if claim is None:
            raise Http404
        if not self.has_view_or_change_permission(request, claim):
            raise PermissionDenied
        form = AsOfForm(request.GET if "at" in request.GET else None)
        version = None
        if form.is_valid():
            version = claim_as_of(claim.pk, form.cleaned_data["at"])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": claim,
            "form": form,
            "version": version,
            "then": version and version.claim,
            "title": f"As it stood: {claim.excerpt()}",
        }
        status = 400 if form.is_bound and not form.is_valid() else 200
        return TemplateResponse(request, "admin/talks/claim/as_of.html", context, status=status)

    def flag_against_view(self, request, object_id):
        """From a claim's page: flag it against another claim found by autocomplete."""
        claim = self.get_object(request, object_id)
        if claim is None:
            raise Http404
        if not self.has_flag_permission(request):
            raise PermissionDenied
        form = FlagAgainstClaimForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                contradiction = flag_contradiction(
                    claim_a=claim,
                    claim_b=form.cleaned_data["other_claim"],
                    kind=form.cleaned_data["kind"],
                    note=form.cleaned_data["note"],
                    user=request.user,
                    reason=form.reason("Flagged as a contradiction from the claim's page"),
                )
            except ContradictionRefused as refused:
                form.add_error("other_claim", str(refused))
            else:
                self.message_user(request, self._flagged_message(contradiction), messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:talks_contradiction_change", args=[contradiction.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": claim,
            "title": "Flag a contradiction",
            "claims": claims_compared(claim),
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/talks/claim/flag_against.html", context)

    def record_view(self, request):
        """Record a claim from an article: source, claimant, quote, people and statements on
        one page, written by ``talks.services.claims.record_claim`` in one transaction."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else None
        form = RecordClaimForm(data, initial=request.GET.dict() or None)
        statements = StatementFormSet(data, prefix="statements")
        if data is not None and form.is_valid() and statements.is_valid():
            values = form.cleaned_data
            try:
                recorded = record_claim(
                    text=values["text"],
                    source=values["source"],
                    new_source=form.new_source(),
                    quote=values["quote"],
                    location=values["location"],
                    relation=values["relation"],
                    claimant=values["claimant"],
                    new_claimant_name=values["new_claimant_name"],
                    claimant_label=values["claimant_label"],
                    claimed_on=values["claimed_on"],
                    meeting=values["meeting"],
                    status=values["status"],
                    subjects=values["subjects"],
                    statements=[
                        row.save(commit=False) for row in statements.forms if row.has_changed()
                    ],
                    user=request.user,
                    reason=values["change_reason"].strip(),
                )
            except RecordRefused as refused:
                form.add_error(None, str(refused))
            else:
                claim = recorded.claim
                queue_proposals([claim.pk])
                added = [f"{len(recorded.rows)} rows recorded"]
                if recorded.source_created:
                    added.append(f"new source “{recorded.source}”")
                if recorded.claimant_created:
                    added.append(f"new person “{claim.claimant}”")
                self.message_user(
                    request,
                    format_html(
                        'Recorded <a href="{}">{}</a> ({}).',
                        reverse("admin:talks_claim_change", args=[claim.pk]),
                        claim.excerpt(),
                        ", ".join(added),
                    ),
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:talks_claim_change", args=[claim.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Record a claim from an article",
            "form": form,
            "statements": statements,
            "media": self.media + form.media + statements.media,
        }
        return TemplateResponse(request, "admin/talks/claim/record.html", context)


@admin.register(ClaimSubject)
class ClaimSubjectAdmin(NewestFirstAdmin):
    list_display = ["person", "claim"]
    search_fields = ["person__name", "claim__text"]
    autocomplete_fields = ["claim", "person"]
    list_select_related = ["person", "claim__claimant"]


@admin.register(Statement)
class StatementAdmin(NewestFirstAdmin):
    """Statements; saving a proposed one accepts it, as corrected (the correction on the
    claim's page)."""

    list_display = ["__str__", "kind", "status", "claim"]
    list_filter = ["kind", "status"]
    search_fields = ["claim__text", "person__name", "on_behalf_of__name", "meeting__title", "place"]
    autocomplete_fields = ["claim", "person", "on_behalf_of", "meeting"]
    list_select_related = ["claim__claimant", "person", "on_behalf_of", "meeting"]
    readonly_fields = ["status", "evidence"]
    CORRECTED = ["kind", "person", "on_behalf_of", "meeting", "date", "place"]

    def save_model(self, request, obj, form, change):
        stored = Statement.objects.filter(pk=obj.pk).first() if change else None
        if stored is None or not stored.is_proposed:
            return super().save_model(request, obj, form, change)
        reason = form.cleaned_data.get("change_reason", "").strip()
        changes = {
            name: form.cleaned_data[name] for name in self.CORRECTED if name in form.changed_data
        }
        try:
            if changes:
                correct_proposal(stored, user=request.user, changes=changes, reason=reason)
            else:
                accept_proposal(stored, user=request.user, reason=reason)
        except ProposalRefused as refused:
            self.message_user(request, str(refused), messages.ERROR)
        request._decided_proposal = stored.claim_id
        obj.refresh_from_db()

    def response_change(self, request, obj):
        """A proposal corrected from the claim's page goes back to the claim's page."""
        claim_id = getattr(request, "_decided_proposal", None)
        if claim_id is None:
            return super().response_change(request, obj)
        self.message_user(request, f"Accepted as corrected: {obj}.", messages.SUCCESS)
        url = reverse("admin:talks_claim_change", args=[claim_id]) + "#proposed-statements"
        return HttpResponseRedirect(url)


@admin.register(Citation)
class CitationAdmin(QuoteCheckShown, NewestFirstAdmin):
    readonly_fields = ["quote_check"]
    list_display = ["claim", "source", "location", "relation", "attribution"]
    list_filter = ["relation", "attribution", QuoteCheckFilter]
    search_fields = ["quote", "claim__text", "source__title"]
    autocomplete_fields = ["claim", "source"]
    list_select_related = ["claim__claimant", "source"]


@admin.register(RejectedProposal)
class RejectedProposalAdmin(WrittenByTheDeskMixin, NewestFirstAdmin):
    """What editors rejected of the statements the desk proposed: a record, written only by
    rejecting (or correcting) a proposal on the claim's page."""

    list_display = ["statement", "claim", "reason", "rejected_by", "created_at"]
    search_fields = ["statement", "reason", "claim__text"]
    list_select_related = ["claim__claimant", "rejected_by"]
    fields = ["claim", "statement", "reason", "rejected_by", "fingerprint"]
