"""Suggested sourcing checks: a published claim whose verdict rests on less than it seems,
found by the suggestion run, for an editor to check again or set aside.

A claim on its own, not a pair: where a suggested contradiction says two claims cannot both
be true, this says one claim's sources all come back to a single origin nobody can name,
though it is rated accurate. The run adds what it finds and withdraws what it no longer
finds (a second origin cited, the verdict changed); a dismissed one stays dismissed.
"""

from django.conf import settings
from django.db import models

from sources.natural_keys import NaturalKeyManager
from sources.records import TimestampedModel, choices_constraint, tracked_history

from .. import rulebook
from .claims import Claim


class SourcingRule(models.TextChoices):
    ONE_UNNAMED_ORIGIN = "one_unnamed_origin", "Rated accurate on one unnamed origin"


class SourcingSuggestionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DISMISSED = "dismissed", "Dismissed: the verdict stands"


class SourcingSuggestionQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=SourcingSuggestionStatus.PENDING)


class SourcingSuggestion(TimestampedModel):
    """A published claim a sourcing rule finds wanting, waiting for an editor's check."""

    Rule = SourcingRule
    Status = SourcingSuggestionStatus
    natural_key_fields = ("claim", "rule")

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="sourcing_suggestions")
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

    objects = NaturalKeyManager.from_queryset(SourcingSuggestionQuerySet)()
    history = tracked_history()

    class Meta:
        verbose_name = "suggested sourcing check"
        ordering = ["-created_at", "pk"]
        indexes = [models.Index(fields=["status", "-created_at"], name="talks_sourcing_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "rule"],
                name="talks_sourcing_unique_claim_rule",
                violation_error_message="This rule already suggested checking this claim.",
            ),
            models.CheckConstraint(
                condition=(~models.Q(status="pending") | models.Q(decided_at__isnull=True))
                & (~models.Q(status="dismissed") | models.Q(decided_at__isnull=False)),
                name="talks_sourcing_decided_when",
                violation_error_message="A dismissed suggestion has a decision time; "
                "a pending one has none.",
            ),
            choices_constraint("rule", SourcingRule),
            choices_constraint("status", SourcingSuggestionStatus),
        ]

    def __str__(self):
        return f"{self.get_rule_display()}: “{self.claim.excerpt()}”"

    def editorial_refusal(self, user, changes):
        return rulebook.suggestion_change_refusal(user, changes)
