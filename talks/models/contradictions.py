"""Contradictions: two claims that cannot both be true, and what the desk decided."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Greatest, Least
from django.utils import timezone

from sources.records import TimestampedModel, choices_constraint, tracked_history

from .claims import Claim, ClaimStatus


class ContradictionKind(models.TextChoices):
    ROLE = "role", "Who / role"
    DATE = "date", "Date"
    PLACE = "place", "Place"
    NUMBER = "number", "Number"
    EVENT = "event", "Event"


class ContradictionStatus(models.TextChoices):
    OPEN = "open", "Open"
    CONFIRMED = "confirmed", "Confirmed"
    DISMISSED = "dismissed", "Dismissed"
    RESOLVED = "resolved", "Resolved"


class ContradictionQuerySet(models.QuerySet):
    def involving(self, claim):
        return self.filter(models.Q(claim_a=claim) | models.Q(claim_b=claim))

    def between(self, claim, other):
        """The contradiction flagged for this pair, in either order."""
        return self.filter(
            models.Q(claim_a=claim, claim_b=other) | models.Q(claim_a=other, claim_b=claim)
        )

    def open(self):
        return self.filter(status=ContradictionStatus.OPEN)

    def public(self):
        """What readers see: decided contradictions between two published claims."""
        return self.filter(
            status__in=[ContradictionStatus.CONFIRMED, ContradictionStatus.RESOLVED],
            claim_a__status=ClaimStatus.PUBLISHED,
            claim_b__status=ClaimStatus.PUBLISHED,
        )


class ContradictionManager(models.Manager.from_queryset(ContradictionQuerySet)):
    def get_by_natural_key(self, claim_a_slug, claim_b_slug):
        return self.get(claim_a__slug=claim_a_slug, claim_b__slug=claim_b_slug)


class Contradiction(TimestampedModel):
    Kind = ContradictionKind
    Status = ContradictionStatus

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

    objects = ContradictionManager()
    history = tracked_history()

    class Meta:
        permissions = [
            ("decide_contradiction", "Can confirm or dismiss contradictions"),
            ("resolve_contradiction", "Can resolve contradictions"),
        ]
        ordering = ["-flagged_at"]
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
        return f"{self.get_kind_display()}: {self.claim_a.slug} vs {self.claim_b.slug}"

    def natural_key(self):
        return (self.claim_a.slug, self.claim_b.slug)

    def other_claim(self, claim):
        return self.claim_b if claim.pk == self.claim_a_id else self.claim_a

    natural_key.dependencies = ["talks.claim"]
