"""The desk home: what needs this editor now, in the order their role works through it.

Each section is a short list (the newest few) with a bounded count and a link to the whole
filtered list, so the page costs the same at a thousand claims as at a million. The reads are
here, the page is ``admin/talks/desk/index.html``; ``talks.admin_site`` puts them together.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from sources.captures import QuoteCheck, SourceChange

from . import rulebook
from .models import Citation, Claim, Contradiction, ContradictionSuggestion, ImportRun
from .tasks import latest_suggestion_runs

SHOWN = 6  # rows per section
COUNTED = 100  # counts beyond this read "100+"

# The sections each role sees, most pressing first.
ROLE_SECTIONS = {
    "Chief editor": [
        "ready",
        "confirmed",
        "quotes",
        "page_changes",
        "open",
        "suggestions",
        "review",
        "corrections",
    ],
    "Editor": [
        "review",
        "quotes",
        "page_changes",
        "open",
        "suggestions",
        "confirmed",
        "corrections",
        "drafts",
    ],
    "Contributor": [
        "drafts",
        "quotes",
        "review",
        "open",
        "suggestions",
        "page_changes",
        "corrections",
    ],
}


@dataclass
class Section:
    key: str
    title: str
    hint: str
    rows: list  # (admin URL, label, detail)
    count: int
    more_url: str
    empty: str = "Nothing here now."
    extra: dict = field(default_factory=dict)

    @property
    def count_label(self):
        return f"{COUNTED}+" if self.count > COUNTED else str(self.count)


def role_of(user):
    """The editorial role whose work the user's permissions allow, the widest first."""
    if user.has_perm(rulebook.PUBLISH_CLAIM):
        return "Chief editor"
    if user.has_perm(rulebook.REVIEW_CLAIM):
        return "Editor"
    return "Contributor"


def _bounded_count(queryset):
    return len(queryset.order_by().values("pk")[: COUNTED + 1])


def _changelist(model, **filters):
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    query = "&".join(f"{name}={value}" for name, value in filters.items())
    return f"{url}?{query}" if query else url


def _claim_rows(claims):
    return [
        (
            reverse("admin:talks_claim_change", args=[claim.pk]),
            claim.text,
            " · ".join(
                part
                for part in [
                    claim.claimant_name,
                    claim.get_verdict_display() if claim.verdict else "",
                    f"changed {claim.updated_at:%-d %b %Y}",
                ]
                if part
            ),
        )
        for claim in claims
    ]


def _claims_section(key, title, hint, claims, more_url, empty):
    claims = claims.select_related("claimant")
    return Section(
        key,
        title,
        hint,
        _claim_rows(claims.order_by("-updated_at", "-pk")[:SHOWN]),
        _bounded_count(claims),
        more_url,
        empty,
    )


def _contradictions_section(key, title, hint, status):
    contradictions = Contradiction.objects.filter(status=status).select_related(
        "claim_a__claimant", "claim_b__claimant"
    )
    rows = [
        (
            reverse("admin:talks_contradiction_change", args=[contradiction.pk]),
            str(contradiction),
            f"flagged {contradiction.flagged_at:%-d %b %Y}",
        )
        for contradiction in contradictions.order_by("-flagged_at", "-pk")[:SHOWN]
    ]
    return Section(
        key,
        title,
        hint,
        rows,
        _bounded_count(contradictions),
        _changelist(Contradiction, status__exact=status),
    )


def _suggestions_section(user):
    pending = ContradictionSuggestion.objects.pending().select_related("claim_a", "claim_b")
    rows = [
        (
            reverse("admin:talks_contradictionsuggestion_change", args=[suggestion.pk]),
            str(suggestion),
            suggestion.get_rule_display(),
        )
        for suggestion in pending.order_by("-created_at", "pk")[:SHOWN]
    ]
    return Section(
        "suggestions",
        "Suggested contradictions",
        "What the rules found; flag or dismiss each."
        if not rulebook.flag_refusal(user)
        else "What the rules found.",
        rows,
        _bounded_count(pending),
        _changelist(ContradictionSuggestion),
        "No suggestion waiting.",
        dict(zip(["latest_run", "last_done_run"], latest_suggestion_runs(), strict=True)),
    )


def _quotes_section():
    """Citations of claims whose quote the archive did not find in the source's copy."""
    missing = (
        QuoteCheck.objects.current()
        .missing()
        .filter(citation_type=ContentType.objects.get_for_model(Citation))
    )
    checks = list(missing.select_related("capture").order_by("-checked_at", "-pk")[:SHOWN])
    citations = Citation.objects.select_related("claim", "source").in_bulk(
        [check.citation_id for check in checks]
    )
    rows = [
        (
            reverse("admin:talks_claim_change", args=[citation.claim_id]),
            f"“{check.quote[:120]}”",
            f"{citation.claim.excerpt()} · not in the copy of {citation.source.title[:60]}, "
            f"{check.capture.moment}",
        )
        for check in checks
        if (citation := citations.get(check.citation_id)) is not None
    ]
    return Section(
        "quotes",
        "Quotes not found in their sources",
        "The archive's copy of the page does not hold the quote: check it against the page.",
        rows,
        _bounded_count(missing),
        _changelist(Citation, quote_check=QuoteCheck.Result.MISSING),
        "Every checked quote stands in its source.",
    )


def _page_changes_section(user):
    """Cited pages changed by their outlets since the desk quoted them, waiting for a decision."""
    changes = SourceChange.objects.open().select_related("source", "after")
    rows = [
        (
            reverse("admin:sources_sourcechange_change", args=[change.pk]),
            change.source.title,
            f"{change.get_kind_display()} · seen {change.seen_on}",
        )
        for change in changes.order_by("-created_at", "-pk")[:SHOWN]
    ]
    return Section(
        "page_changes",
        "Cited pages changed by their outlets",
        "Confirm each (readers are told on the source's page) or dismiss it."
        if not rulebook.source_change_decision_refusal(user)
        else "Waiting for an editor.",
        rows,
        _bounded_count(changes),
        _changelist(SourceChange, status__exact=SourceChange.Status.OPEN),
        "No cited page changed since the desk quoted it.",
    )


def _corrections_section():
    """Saves of claims that were published before and after: the corrections readers see."""
    records = (
        Claim.history.filter(status=Claim.Status.PUBLISHED, history_type="~")
        .select_related("history_user")
        .order_by("-history_date", "-history_id")[:SHOWN]
    )
    rows = [
        (
            reverse("admin:talks_claim_history", args=[record.id]),
            record.text,
            " · ".join(
                part
                for part in [
                    f"{record.history_date:%-d %b %Y}",
                    str(record.history_user or "an import or command"),
                    record.history_change_reason,
                ]
                if part
            ),
        )
        for record in records
    ]
    return Section(
        "corrections",
        "Recent changes to published claims",
        "Each with the reason readers see in the corrections log.",
        rows,
        len(rows),
        _changelist(Claim, status__exact=Claim.Status.PUBLISHED),
        "No published claim changed lately.",
    )


def _imports_section():
    runs = ImportRun.objects.select_related("user").order_by("-started_at")[:SHOWN]
    rows = [
        (
            reverse("admin:talks_importrun_change", args=[run.pk]),
            ", ".join(file["name"] for file in run.files) or "no file",
            f"{run.started_at:%-d %b %Y %H:%M} · {run.user or 'a command'} · "
            f"{run.created} created, {run.updated} updated, {run.unchanged} unchanged",
        )
        for run in runs
    ]
    return Section(
        "imports",
        "Recent imports",
        "",
        rows,
        len(rows),
        _changelist(ImportRun),
        "No import yet.",
    )


def desk_home(request):
    """The template context of the desk home for the user of ``request``."""
    user = request.user
    role = role_of(user)
    Status = Claim.Status
    builders = {
        "ready": lambda: _claims_section(
            "ready",
            "Ready to publish",
            "In review with a verdict: publish, or send back.",
            Claim.objects.filter(status=Status.IN_REVIEW).exclude(verdict=""),
            _changelist(Claim, status__exact=Status.IN_REVIEW),
            "No claim waits for publication.",
        ),
        "review": lambda: _claims_section(
            "review",
            "Claims in review",
            "Check the sources, set the verdict and its rationale."
            if role != "Contributor"
            else "Waiting for an editor.",
            Claim.objects.filter(status=Status.IN_REVIEW),
            _changelist(Claim, status__exact=Status.IN_REVIEW),
            "No claim in review.",
        ),
        "drafts": lambda: _claims_section(
            "drafts",
            "Drafts",
            "Finish the citations and send them for review.",
            Claim.objects.filter(status=Status.DRAFT),
            _changelist(Claim, status__exact=Status.DRAFT),
            "No draft.",
        ),
        "open": lambda: _contradictions_section(
            "open",
            "Open contradictions",
            "Confirm or dismiss each." if role != "Contributor" else "Flagged, not yet decided.",
            Contradiction.Status.OPEN,
        ),
        "confirmed": lambda: _contradictions_section(
            "confirmed",
            "Confirmed contradictions",
            "Decide which claim holds."
            if role == "Chief editor"
            else "Waiting for a chief editor.",
            Contradiction.Status.CONFIRMED,
        ),
        "suggestions": lambda: _suggestions_section(user),
        "quotes": _quotes_section,
        "page_changes": lambda: _page_changes_section(user),
        "corrections": _corrections_section,
    }
    sections = [builders[key]() for key in ROLE_SECTIONS[role]]
    return {
        "desk_role": role,
        "desk_sections": sections,
        "desk_imports": _imports_section(),
        "may_record_claim": user.has_perm("talks.add_claim"),
        "may_run_suggestions": not rulebook.suggestion_run_refusal(user),
    }
