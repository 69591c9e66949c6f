"""Claims: what someone said, as reported, tied to who said it, what about, and where."""

from django.db import models
from django.utils import timezone

from sources.models import CitationBase
from sources.records import (
    SluggedModel,
    SlugManager,
    TimestampedModel,
    choices_constraint,
    tracked_history,
)

from .meetings import Meeting
from .people import Person


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    RETRACTED = "retracted", "Retracted"


class Verdict(models.TextChoices):
    ACCURATE = "accurate", "Accurate"
    MOSTLY_ACCURATE = "mostly_accurate", "Mostly accurate"
    MISLEADING = "misleading", "Misleading"
    MOSTLY_FALSE = "mostly_false", "Mostly false"
    FALSE = "false", "False"
    UNVERIFIABLE = "unverifiable", "Unverifiable"


# The published rating scale, 5 best and 1 worst; an unverifiable claim carries no number.
VERDICT_RATINGS = {
    Verdict.ACCURATE: 5,
    Verdict.MOSTLY_ACCURATE: 4,
    Verdict.MISLEADING: 3,
    Verdict.MOSTLY_FALSE: 2,
    Verdict.FALSE: 1,
}


# The two ends of the scale: a claim rated one way and its near-twin the other contradict.
UPHELD = [Verdict.ACCURATE, Verdict.MOSTLY_ACCURATE]
REFUTED = [Verdict.MOSTLY_FALSE, Verdict.FALSE]


class ClaimQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ClaimStatus.PUBLISHED)

    def about(self, person):
        return self.filter(subjects__person=person)

    def with_provenance(self):
        """Everything a claim page shows, fetched in a fixed number of queries."""
        return self.select_related("claimant", "meeting").prefetch_related(
            models.Prefetch("citations", Citation.objects.select_related("source")),
            models.Prefetch("subjects", ClaimSubject.objects.select_related("person")),
        )


class ClaimManager(SlugManager.from_queryset(ClaimQuerySet)):
    pass


class Claim(SluggedModel):
    Status = ClaimStatus
    Verdict = Verdict

    slug_source = "text"
    slug_max_length = 60

    text = models.TextField(
        "claim", help_text="The statement as reported, in one or two sentences."
    )
    claimant = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims_made",
        help_text="Who made the claim, when it is a known person.",
    )
    claimant_label = models.CharField(
        "claimant as reported",
        max_length=200,
        blank=True,
        help_text="How the source names the claimant, e.g. 'sources within the delegation'.",
    )
    claimed_on = models.DateField("claimed on", null=True, blank=True)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        help_text="The meeting or event the claim is about.",
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    verdict = models.CharField(max_length=20, choices=Verdict.choices, blank=True)
    verdict_rationale = models.TextField(
        blank=True, help_text="Why the verdict: what the desk checked and found."
    )
    published_at = models.DateTimeField(
        null=True, blank=True, help_text="When the claim was first published."
    )

    objects = ClaimManager()
    history = tracked_history()

    class Meta:
        ordering = ["-claimed_on", "-created_at"]
        indexes = [models.Index(fields=["status", "-published_at"], name="talks_claim_published")]
        constraints = [
            choices_constraint("status", ClaimStatus),
            choices_constraint("verdict", Verdict, allow_blank=True),
            models.CheckConstraint(
                condition=~models.Q(status="published")
                | (~models.Q(verdict="") & models.Q(published_at__isnull=False)),
                name="talks_claim_published_has_verdict",
                violation_error_message="A published claim needs a verdict and a publication time.",
            ),
        ]

    def __str__(self):
        text = self.text if len(self.text) <= 90 else f"{self.text[:89]}…"
        return f"{self.claimant_name}: {text}" if self.claimant_name else text

    def clean(self):
        self.stamp_publication()

    def save(self, *args, **kwargs):
        self.stamp_publication()
        super().save(*args, **kwargs)

    def stamp_publication(self):
        """Publishing records when: the first publication time is kept ever after."""
        if self.status == ClaimStatus.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    @property
    def claimant_name(self):
        return self.claimant.name if self.claimant_id else self.claimant_label

    @property
    def rating(self):
        return VERDICT_RATINGS.get(self.verdict)


class ClaimSubjectManager(models.Manager):
    def get_by_natural_key(self, claim_slug, person_slug):
        return self.get(claim__slug=claim_slug, person__slug=person_slug)


class ClaimSubject(TimestampedModel):
    """A person the claim is about."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="subjects")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="claims_about")

    objects = ClaimSubjectManager()
    history = tracked_history()

    class Meta:
        verbose_name = "person the claim is about"
        verbose_name_plural = "people the claim is about"
        ordering = ["claim", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["claim", "person"],
                name="talks_claimsubject_unique",
                violation_error_message="The claim is already about this person.",
            ),
        ]

    def __str__(self):
        return str(self.person)

    def natural_key(self):
        return (self.claim.slug, self.person.slug)

    natural_key.dependencies = ["talks.claim", "talks.person"]


class CitationManager(models.Manager):
    def get_by_natural_key(self, claim_slug, source_slug):
        return self.get(claim__slug=claim_slug, source__slug=source_slug)


class Citation(CitationBase):
    """The provenance of a claim in one source: its exact quote and where it stands."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="citations")

    objects = CitationManager()
    history = tracked_history()

    class Meta:
        ordering = ["claim", "relation", "source"]
        constraints = [
            *CitationBase.Meta.constraints,
            models.UniqueConstraint(
                fields=["claim", "source"],
                name="talks_citation_unique",
                violation_error_message="The claim already cites this source.",
            ),
        ]

    def natural_key(self):
        return (self.claim.slug, self.source.slug)

    natural_key.dependencies = ["talks.claim", "sources.source"]
