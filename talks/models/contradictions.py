"""Contradictions: two claims that cannot both be true, and what the desk decided."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Greatest, Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sources.natural_keys import NaturalKeyManager
from sources.records import TimestampedModel, choices_constraint, tracked_history

from .. import rulebook
from .claims import Claim


class ContradictionKind(models.TextChoices):
    ROLE = "role", _("Who / role")
    DATE = "date", _("Date")
    PLACE = "place", _("Place")
    NUMBER = "number", _("Number")
    EVENT = "event", _("Event")
    VERDICT = "verdict", _("Verdict")


class ContradictionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")
    RESOLVED = "resolved", _("Resolved")


UNRESOLVED = [ContradictionStatus.OPEN, ContradictionStatus.CONFIRMED]

# The decisions an editor can take, and the statuses each can be taken from.
TRANSITIONS = {
    "confirm": (ContradictionStatus.CONFIRMED, [ContradictionStatus.OPEN]),
    "dismiss": (ContradictionStatus.DISMISSED, UNRESOLVED),
    "resolve": (ContradictionStatus.RESOLVED, UNRESOLVED),
}


class ContradictionRefused(Exception):
    """A change to contradictions that makes no sense; its message says why, for editors."""


class ContradictionQuerySet(models.QuerySet):
    def involving(self, claim):
        return self.filter(models.Q(claim_a=claim) | models.Q(claim_b=claim))

    def between(self, claim, other):
        """The contradiction flagged for this pair, in either order."""
        return self.filter(
            models.Q(claim_a=claim, claim_b=other) | models.Q(claim_a=other, claim_b=claim)
        )

    def unresolved(self):
        """Contradictions still standing: open, or confirmed and not yet resolved."""
        return self.filter(status__in=UNRESOLVED)

    def about_person(self, person):
        """Contradictions where either claim is made by ``person`` or is about them."""
        claims = Claim.objects.filter(Q(claimant=person) | Q(subjects__person=person))
        return self.filter(
            Exists(claims.filter(pk=OuterRef("claim_a")))
            | Exists(claims.filter(pk=OuterRef("claim_b")))
        )

    def at_meeting(self, meeting):
        return self.filter(Q(claim_a__meeting=meeting) | Q(claim_b__meeting=meeting))


class Contradiction(TimestampedModel):
    Kind = ContradictionKind
    Status = ContradictionStatus
    natural_key_fields = ("claim_a", "claim_b")

    claim_a = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="contradictions_as_a")
    claim_b = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="contradictions_as_b")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    note = models.TextField(blank=True, help_text="Why the two claims cannot both be true.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    prevailing_claim = models.ForeignKey(
        Claim,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="claim that holds",
        help_text="Once resolved: the claim that holds.",
    )
    resolution_note = models.TextField(blank=True)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    flagged_at = models.DateTimeField(default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = NaturalKeyManager.from_queryset(ContradictionQuerySet)()
    history = tracked_history()

    class Meta:
        permissions = [
            ("decide_contradiction", "Can confirm or dismiss contradictions"),
            ("resolve_contradiction", "Can resolve contradictions"),
        ]
        ordering = ["-flagged_at"]
        indexes = [
            models.Index(fields=["-flagged_at", "-id"], name="talks_contradiction_list_order")
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(claim_a=models.F("claim_b")),
                name="talks_contradiction_not_self",
                violation_error_message="A claim cannot contradict itself.",
            ),
            models.UniqueConstraint(
                Least("claim_a", "claim_b"),
                Greatest("claim_a", "claim_b"),
                name="talks_contradiction_unique_pair",
                violation_error_message="These two claims are already flagged as contradicting.",
            ),
            models.CheckConstraint(
                condition=models.Q(prevailing_claim__isnull=True)
                | models.Q(prevailing_claim=models.F("claim_a"))
                | models.Q(prevailing_claim=models.F("claim_b")),
                name="talks_contradiction_prevailing_in_pair",
                violation_error_message="The claim that holds must be one of the two claims.",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="resolved") | models.Q(prevailing_claim__isnull=False),
                name="talks_contradiction_resolved_names_prevailing",
                violation_error_message="A resolved contradiction names the claim that holds.",
            ),
            choices_constraint("kind", ContradictionKind),
            choices_constraint("status", ContradictionStatus),
        ]

    def __str__(self):
        return (
            f"{self.get_kind_display()}: “{self.claim_a.excerpt()}” vs “{self.claim_b.excerpt()}”"
        )

    @property
    def claims(self):
        return [self.claim_a, self.claim_b]

    @property
    def is_unresolved(self):
        return self.status in UNRESOLVED

    def allows(self, transition):
        return self.status in TRANSITIONS[transition][1]

    def check_transition(self, transition):
        """Refuse, saying why, a decision that makes no sense from the current status."""
        target, sources = TRANSITIONS[transition]
        if self.status not in sources:
            raise ContradictionRefused(
                f"This contradiction is {self.get_status_display().lower()}; "
                f"only {' or '.join(str(s.label).lower() for s in sources)} ones can be "
                f"{target.label.lower()}."
            )

    def move(self, transition):
        """Take the status to where ``transition`` leads, or refuse."""
        self.check_transition(transition)
        self.status = TRANSITIONS[transition][0]

    def other_claim(self, claim):
        return self.claim_b if claim.pk == self.claim_a_id else self.claim_a

    def editorial_refusal(self, user, changes):
        return rulebook.contradiction_change_refusal(user, self, changes)


class SuggestionRule(models.TextChoices):
    ROLE = "role", "Role conflict"
    MEETING_DATE = "meeting_date", "Meeting date conflict"
    MEETING_PLACE = "meeting_place", "Meeting place conflict"
    MEETING_PARTICIPANT = "meeting_participant", "Meeting attendance conflict"
    NEAR_DUPLICATE = "near_duplicate", "Near-duplicate with opposite verdict"


# The kind of contradiction a suggestion becomes when an editor flags it.
RULE_KINDS = {
    SuggestionRule.ROLE: ContradictionKind.ROLE,
    SuggestionRule.MEETING_DATE: ContradictionKind.DATE,
    SuggestionRule.MEETING_PLACE: ContradictionKind.PLACE,
    SuggestionRule.MEETING_PARTICIPANT: ContradictionKind.EVENT,
    SuggestionRule.NEAR_DUPLICATE: ContradictionKind.VERDICT,
}


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DISMISSED = "dismissed", "Dismissed"
    FLAGGED = "flagged", "Flagged"


class ContradictionSuggestionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=SuggestionStatus.PENDING)

    def between(self, claim, other):
        return self.filter(Q(claim_a=claim, claim_b=other) | Q(claim_a=other, claim_b=claim))


class ContradictionSuggestion(TimestampedModel):
    """A likely contradiction the database found, waiting for an editor to flag or dismiss.

    Kept, dismissed ones included, so that a dismissed suggestion never comes back: the
    suggestion run only adds pairs it has not proposed before. ``claim_a`` is the claim the
    rule finds at odds (with the record, or with the first claim on the subject).
    """

    Rule = SuggestionRule
    Status = SuggestionStatus
    natural_key_fields = ("claim_a", "claim_b", "rule")

    claim_a = models.ForeignKey(
        Claim,
        on_delete=models.CASCADE,
        related_name="suggestions_as_a",
        verbose_name="claim at odds",
    )
    claim_b = models.ForeignKey(
        Claim,
        on_delete=models.CASCADE,
        related_name="suggestions_as_b",
        verbose_name="claim it conflicts with",
    )
    rule = models.CharField(max_length=24, choices=Rule.choices)
    explanation = models.TextField(help_text="What the rule found, in the desk's words.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = NaturalKeyManager.from_queryset(ContradictionSuggestionQuerySet)()
    history = tracked_history()

    class Meta:
        verbose_name = "suggested contradiction"
        ordering = ["-created_at", "pk"]
        indexes = [models.Index(fields=["status", "-created_at"], name="talks_suggestion_status")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(claim_a=models.F("claim_b")),
                name="talks_suggestion_not_self",
                violation_error_message="A claim cannot contradict itself.",
            ),
            models.UniqueConstraint(
                Least("claim_a", "claim_b"),
                Greatest("claim_a", "claim_b"),
                "rule",
                name="talks_suggestion_unique_pair_rule",
                violation_error_message="This rule already suggested these two claims.",
            ),
            models.CheckConstraint(
                condition=(~models.Q(status="pending") | models.Q(decided_at__isnull=True))
                & (
                    ~models.Q(status__in=["dismissed", "flagged"])
                    | models.Q(decided_at__isnull=False)
                ),
                name="talks_suggestion_decided_when",
                violation_error_message="A decided suggestion has a decision time; "
                "a pending one has none.",
            ),
            choices_constraint("rule", SuggestionRule),
            choices_constraint("status", SuggestionStatus),
        ]

    def __str__(self):
        return (
            f"{self.get_rule_display()}: “{self.claim_a.excerpt()}” vs “{self.claim_b.excerpt()}”"
        )

    @property
    def contradiction_kind(self):
        return RULE_KINDS[self.rule]

    def editorial_refusal(self, user, changes):
        return rulebook.suggestion_change_refusal(user, changes)
