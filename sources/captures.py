"""The desk's own copies of cited pages, and what they prove.

A ``Capture`` is the readable text of a source's page as the desk fetched it, with its time
and a SHA-256 of that text (or why it could not be fetched). A ``QuoteCheck`` says whether a
citation's quote stands in one capture: word for word, closely (with the words found), or
not at all. A ``SourceChange`` is what a later capture showed: the outlet changed the page
after the desk quoted it. An editor confirms it, and then readers are told on the source's
page. The desk writes all three itself (``sources.archive``); nobody edits them by hand.
"""

import hashlib

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from .natural_keys import NaturalKeyManager
from .records import TimestampedModel, choices_constraint, tracked_history


def text_digest(text):
    """The SHA-256 of a capture's text as UTF-8: anyone holding the copy can compute it again."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CaptureStatus(models.TextChoices):
    CAPTURED = "captured", "Captured"
    REFUSED = "refused", "Not fetched: the site's robots.txt asks not to"
    FAILED = "failed", "Could not be captured"


class CaptureQuerySet(models.QuerySet):
    def captured(self):
        return self.filter(status=CaptureStatus.CAPTURED)


class Capture(TimestampedModel):
    """One fetch of a source's page: the readable text and its hash, or why there is none."""

    Status = CaptureStatus
    natural_key_fields = ("source", "fetched_at")
    record_field = "source"

    source = models.ForeignKey("sources.Source", on_delete=models.CASCADE, related_name="captures")
    url = models.URLField("URL", max_length=1000, help_text="The address fetched.")
    fetched_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=Status.choices)
    error = models.TextField(blank=True, help_text="Why the page could not be captured.")
    http_status = models.PositiveSmallIntegerField("HTTP status", null=True, blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True, help_text="Bytes received.")
    text = models.TextField(blank=True, help_text="The page's readable text, as captured.")
    sha256 = models.CharField(
        "SHA-256",
        max_length=64,
        blank=True,
        help_text="Of the captured text in UTF-8: the same text always gives the same hash.",
    )
    same_as = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seen_again",
        help_text="The earlier capture with the same text, which keeps it: a re-check that "
        "finds the page unchanged stores no second copy.",
    )

    objects = NaturalKeyManager.from_queryset(CaptureQuerySet)()
    history = tracked_history()

    class Meta:
        ordering = ["-fetched_at", "-pk"]
        indexes = [models.Index(fields=["source", "-fetched_at"], name="sources_capture_latest")]
        constraints = [
            choices_constraint("status", CaptureStatus),
            models.CheckConstraint(
                condition=~models.Q(status=CaptureStatus.CAPTURED) | ~models.Q(sha256=""),
                name="sources_capture_hashed",
                violation_error_message="A capture keeps the SHA-256 of its text.",
            ),
        ]

    def __str__(self):
        return f"{self.source.title[:60]}, {self.get_status_display().lower()} {self.moment}"

    @property
    def moment(self):
        return f"{timezone.localtime(self.fetched_at):%-d %b %Y %H:%M}"

    @property
    def short_hash(self):
        return self.sha256[:12]

    @property
    def kept(self):
        """The capture that keeps this one's text: itself, or the earlier one it matched."""
        return self.same_as if self.same_as_id else self

    @property
    def page_text(self):
        return self.kept.text


class QuoteCheckResult(models.TextChoices):
    FOUND = "found", "Found"
    CLOSE = "close", "Found closely"
    MISSING = "missing", "Not found"
    NOT_CHECKED = "not_checked", "Not checked"


class QuoteCheckQuerySet(models.QuerySet):
    def current(self):
        """Each citation's latest check."""
        return self.filter(current=True)

    def of(self, citation):
        return self.filter(
            citation_type=ContentType.objects.get_for_model(citation), citation_id=citation.pk
        )

    def missing(self):
        return self.filter(result=QuoteCheckResult.MISSING)


class QuoteCheck(models.Model):
    """Whether a citation's quote stands in a capture, and where.

    A log: each check is a new row, never changed but for ``current``, which marks each
    citation's latest (the one the admin shows and the desk flags). Citations are rows of
    other apps' ``CitationBase`` subclasses, so the citation is a generic reference.
    """

    Result = QuoteCheckResult

    capture = models.ForeignKey(Capture, on_delete=models.CASCADE, related_name="quote_checks")
    citation_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    citation_id = models.PositiveBigIntegerField()
    citation = GenericForeignKey("citation_type", "citation_id")
    quote = models.TextField(help_text="The quote as it stood when checked.")
    result = models.CharField(max_length=16, choices=Result.choices)
    score = models.FloatField(
        null=True, blank=True, help_text="How close the words found are to the quote, 0 to 1."
    )
    offset = models.PositiveIntegerField(
        null=True, blank=True, help_text="Characters into the capture's text where it starts."
    )
    found_text = models.TextField(
        blank=True, help_text="The words found (the closest ones, when not found)."
    )
    context_before = models.TextField(blank=True)
    context_after = models.TextField(blank=True)
    note = models.CharField(max_length=300, blank=True, help_text="Why it was not checked.")
    current = models.BooleanField(default=True, help_text="The citation's latest check.")
    checked_at = models.DateTimeField(default=timezone.now)

    objects = QuoteCheckQuerySet.as_manager()

    class Meta:
        ordering = ["-checked_at", "-pk"]
        default_permissions = ["view"]
        indexes = [
            models.Index(
                fields=["citation_type", "citation_id"],
                condition=models.Q(current=True),
                name="sources_quotecheck_current",
            ),
            models.Index(
                fields=["-checked_at"],
                condition=models.Q(current=True, result="missing"),
                name="sources_quotecheck_missing",
            ),
        ]
        constraints = [choices_constraint("result", QuoteCheckResult)]

    def __str__(self):
        return f"“{self.quote[:60]}”: {self.get_result_display().lower()}"

    @property
    def is_found(self):
        return self.result in (QuoteCheckResult.FOUND, QuoteCheckResult.CLOSE)

    @property
    def score_percent(self):
        return None if self.score is None else round(self.score * 100)


class SourceChangeKind(models.TextChoices):
    QUOTE_GONE = "quote_gone", "A quote is gone"
    CHANGED = "changed", "The text changed, the quotes still stand"
    REMOVED = "removed", "The page is gone"


class SourceChangeStatus(models.TextChoices):
    OPEN = "open", "Open"
    CONFIRMED = "confirmed", "Confirmed"
    DISMISSED = "dismissed", "Dismissed"


class SourceChangeQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=SourceChangeStatus.OPEN)

    def confirmed(self):
        return self.filter(status=SourceChangeStatus.CONFIRMED)


class SourceChange(TimestampedModel):
    """A cited page changed by its outlet after the desk captured it: found by a re-check,
    opened for an editor, and once confirmed, told to readers on the source's page."""

    Kind = SourceChangeKind
    Status = SourceChangeStatus
    natural_key_fields = ("source", "after")
    record_field = "source"

    source = models.ForeignKey("sources.Source", on_delete=models.CASCADE, related_name="changes")
    before = models.ForeignKey(
        Capture,
        on_delete=models.PROTECT,
        related_name="changes_from",
        help_text="The capture the quotes were checked in.",
    )
    after = models.ForeignKey(
        Capture,
        on_delete=models.PROTECT,
        related_name="changes_to",
        help_text="The later capture that differs.",
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    quotes_gone = models.JSONField(
        default=list, blank=True, help_text="The quotes found before and not any more."
    )
    diff = models.TextField(blank=True, help_text="The text's changes, line by line.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True, help_text="The editor's words on the change.")

    objects = NaturalKeyManager.from_queryset(SourceChangeQuerySet)()
    history = tracked_history()

    class Meta:
        ordering = ["-created_at", "-pk"]
        permissions = [("decide_sourcechange", "Can confirm or dismiss a change to a cited page")]
        indexes = [models.Index(fields=["source", "status"], name="sources_change_by_source")]
        constraints = [
            choices_constraint("kind", SourceChangeKind),
            choices_constraint("status", SourceChangeStatus),
            models.UniqueConstraint(
                fields=["after"],
                name="sources_change_once",
                violation_error_message="This capture's change is recorded already.",
            ),
        ]

    def __str__(self):
        return f"{self.source.title[:60]}: {self.get_kind_display().lower()} ({self.seen_on})"

    @property
    def seen_on(self):
        return f"{timezone.localtime(self.after.fetched_at):%-d %b %Y}"

    @property
    def quoted_on(self):
        """When the desk's copy with the quotes was taken."""
        return self.before.fetched_at
