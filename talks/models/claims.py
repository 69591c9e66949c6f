"""Claims: what someone said, as reported, tied to who said it, what about, and where."""

import bisect
import dataclasses
import datetime
import functools
from collections import defaultdict

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.manager import HistoricalQuerySet

from sources.languages import Language, language_name
from sources.models import CitationBase, Source, SourceBasis
from sources.natural_keys import NaturalKeyManager
from sources.provenance import ProvenanceMap, single_unnamed_origin
from sources.records import (
    SluggedModel,
    TimestampedModel,
    choices_constraint,
    tracked_history,
)

from .. import rulebook
from .imports import editors_words
from .meetings import Meeting
from .people import Person
from .search_documents import ClaimSearchDocument, EnglishSearchDocument, english_search_vector


class ClaimStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"
    RETRACTED = "retracted", "Retracted"


class Verdict(models.TextChoices):
    ACCURATE = "accurate", _("Accurate")
    MOSTLY_ACCURATE = "mostly_accurate", _("Mostly accurate")
    MISLEADING = "misleading", _("Misleading")
    MOSTLY_FALSE = "mostly_false", _("Mostly false")
    FALSE = "false", _("False")
    UNVERIFIABLE = "unverifiable", _("Unverifiable")


VERDICT_LABELS = dict(Verdict.choices)

# The published rating scale, 5 best and 1 worst; an unverifiable claim carries no number.
VERDICT_RATINGS = {
    Verdict.ACCURATE: 5,
    Verdict.MOSTLY_ACCURATE: 4,
    Verdict.MISLEADING: 3,
    Verdict.MOSTLY_FALSE: 2,
    Verdict.FALSE: 1,
}


# Migrations 0003 and 0012 name these: the document as it was before claims carried their
# language (0014 replaced it).
SearchDocument = EnglishSearchDocument
claim_search_vector = english_search_vector


# The two ends of the scale: a claim rated one way and its near-twin the other contradict.
UPHELD = [Verdict.ACCURATE, Verdict.MOSTLY_ACCURATE]
REFUTED = [Verdict.MOSTLY_FALSE, Verdict.FALSE]


class ClaimQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-published_at", "-pk")

    def about(self, person):
        return self.filter(subjects__person=person)

    def involving(self, person):
        """Claims the person made or that are about them, each once."""
        return self.filter(
            models.Q(claimant=person)
            | models.Q(pk__in=ClaimSubject.objects.filter(person=person).values("claim_id"))
        )

    def resting_on(self, source):
        """Claims citing ``source`` or a source that relays it, however indirectly."""
        # The sources' ids first: given a subquery, the planner cannot tell that it names a
        # handful of sources, and reads the citations of every one (100 ms at a million).
        relaying = SourceBasis.objects.downstream_of([source.pk])
        sources = [source.pk, *relaying.values_list("source_id", flat=True)]
        return self.filter(pk__in=Citation.objects.filter(source__in=sources).values("claim_id"))

    def published_between(self, first_day=None, last_day=None):
        """Published on these days (inclusive), as a time range the index can serve."""
        claims = self
        if first_day:
            claims = claims.filter(published_at__gte=_start_of(first_day))
        if last_day:
            claims = claims.filter(published_at__lt=_start_of(last_day + datetime.timedelta(1)))
        return claims

    def filtered(
        self, *, search=None, verdict="", person=None, meeting=None, first_day=None, last_day=None
    ):
        """The claims a reader's filters leave, newest first: ``search`` a ``ClaimSearch``,
        ``verdict`` a verdict's value, ``person`` and ``meeting`` records, the days inclusive.
        The readers' list and the read API filter the same way."""
        claims = self if search is None else search.filter(self)
        claims = claims.published_between(first_day, last_day)
        if verdict:
            claims = claims.filter(verdict=verdict)
        if person:
            claims = claims.involving(person)
        if meeting:
            claims = claims.filter(meeting=meeting)
        return claims.select_related("claimant", "meeting").newest_first()

    def search(self, words):
        """The claims that match every word or "quoted phrase" of ``words``, in their text or
        by a person's name in any spelling (``talks.models.claim_search``)."""
        from .claim_search import ClaimSearch  # it reads the claims' and the people's tables

        return ClaimSearch(words).filter(self)

    def resting_on_one_unnamed_origin(self):
        """The claims whose citations all come back to one origin whose people readers are not
        told (``Claim.rests_on_one_unnamed_origin``, the same rule), in three queries: the
        citations of the claims citing an unnamed source, and the steps behind their sources.
        """
        unnamed = Citation.objects.filter(
            models.Q(attribution=CitationBase.Attribution.UNNAMED)
            | models.Q(source__kind=Source.Kind.ANONYMOUS_BRIEFING)
        )
        candidates = self.filter(pk__in=unnamed.values("claim_id")).order_by().values("pk")
        citations = defaultdict(list)
        for citation in Citation.objects.filter(claim__in=candidates).select_related("source"):
            citations[citation.claim_id].append(citation)
        cited = {citation.source_id for found in citations.values() for citation in found}
        bases = ProvenanceMap(SourceBasis.objects.upstream_of(cited))
        resting = {
            claim_id
            for claim_id, found in citations.items()
            if single_unnamed_origin(bases.origins(found))
        }
        return self.filter(pk__any_of=resting)

    def with_provenance(self):
        """Everything a claim page shows about the claim itself, in a fixed number of queries."""
        return self.select_related("claimant", "meeting").prefetch_related(
            models.Prefetch(
                "citations",
                Citation.objects.select_related("source").order_by("relation", "pk"),
            ),
            models.Prefetch(
                "subjects", ClaimSubject.objects.select_related("person").order_by("person__name")
            ),
        )


def excerpt(text, limit):
    """``text`` up to ``limit`` characters, cut at a word, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return f"{cut.rstrip(',;:.')}…"


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class ClaimHistoryQuerySet(HistoricalQuerySet):
    def corrections(self):
        """Changes to the text or the verdict of claims while they were published, and to the
        quotes of their citations, as ``Correction``s, oldest first for each claim.

        Each history row is compared with the one before it in Python: one plain query of
        six columns, where pairing the rows with window functions in SQL cost more to build
        and to run than the page it serves; the citations' quotes take one more.
        """
        rows = (
            self.exclude(history_type="-")
            .order_by("id", "history_date", "history_id")
            .values_list("id", "history_date", "history_change_reason", "status", "text", "verdict")
        )
        corrections, before, versions = [], None, {}
        for claim_id, made_at, reason, status, text, verdict in rows:
            after = _Version(claim_id, status, text, verdict)
            if before and before.claim_id == claim_id and corrects(before, after):
                corrections.append(
                    Correction(
                        claim_id,
                        made_at,
                        editors_words(reason),
                        text,
                        before.text,
                        verdict,
                        before.verdict,
                    )
                )
            before = after
            versions.setdefault(claim_id, []).append((made_at, after))
        corrections += _quote_corrections(versions)
        corrections.sort(key=lambda correction: (correction.claim_id, correction.made_at))
        return corrections


def corrects(before, after):
    """Whether the version ``after`` corrects ``before``: a change to the text or the verdict
    of a claim while it was published."""
    return before.status == ClaimStatus.PUBLISHED and (before.text, before.verdict) != (
        after.text,
        after.verdict,
    )


def _quote_corrections(versions):
    """Changes to the quotes of the claims in ``versions`` (claim id to its versions, oldest
    first) while the claim was published, as ``Correction``s."""
    rows = (
        Citation.history.filter(claim_id__in=list(versions))
        .exclude(history_type="-")
        .order_by("id", "history_date", "history_id")
        .values_list("id", "claim_id", "history_date", "history_change_reason", "quote")
    )
    corrections, quotes = [], {}
    for citation_id, claim_id, made_at, reason, quote in rows:
        previous = quotes.get(citation_id)
        quotes[citation_id] = quote
        claim_versions = versions.get(claim_id, [])
        at = bisect.bisect_right([moment for moment, _ in claim_versions], made_at)
        claim = claim_versions[at - 1][1] if at else None
        if previous in (None, quote) or claim is None or claim.status != ClaimStatus.PUBLISHED:
            continue
        corrections.append(
            Correction(
                claim_id,
                made_at,
                reason or "",
                claim.text,
                claim.text,
                claim.verdict,
                claim.verdict,
                quote=quote,
                previous_quote=previous,
            )
        )
    return corrections


@dataclasses.dataclass(frozen=True, slots=True)
class _Version:
    claim_id: int
    status: str
    text: str
    verdict: str


@dataclasses.dataclass(frozen=True, slots=True)
class Correction:
    """A change to a published claim's text, verdict or a quote, with when and the editor's
    reason."""

    claim_id: int
    made_at: datetime.datetime
    reason: str
    text: str
    previous_text: str
    verdict: str
    previous_verdict: str
    quote: str = ""  # of one of its citations, when the correction changed a quote
    previous_quote: str = ""

    @property
    def verdict_label(self):
        return VERDICT_LABELS.get(self.verdict, "")

    @property
    def just_before(self):
        """The moment just before it, in UTC ISO 8601: the claim's as-of pages show the
        version it corrected."""
        moment = self.made_at - datetime.timedelta(microseconds=1)
        return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")

    @property
    def previous_verdict_label(self):
        return VERDICT_LABELS.get(self.previous_verdict, "")


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
    language = models.CharField(
        max_length=12,
        choices=Language.choices,
        default=Language.EN,
        help_text="The language the claim is written in: its words are searched by that "
        "language's rules.",
    )
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
    # Derived from the texts above, so neither kept in history nor exported.
    search_document = models.GeneratedField(
        expression=ClaimSearchDocument(),
        output_field=SearchVectorField(),
        db_persist=True,
        serialize=False,
    )

    objects = NaturalKeyManager.from_queryset(ClaimQuerySet)()
    history = tracked_history(
        historical_queryset=ClaimHistoryQuerySet, excluded_fields=["search_document"]
    )

    class Meta:
        permissions = [
            ("review_claim", "Can review claims and set their verdicts"),
            ("publish_claim", "Can publish and retract claims"),
        ]
        ordering = ["-claimed_on", "-created_at"]
        indexes = [
            models.Index(fields=["status", "-published_at"], name="talks_claim_published"),
            # The admin's list order, its tie-breaker (-id) included.
            models.Index(
                fields=["-claimed_on", "-created_at", "-id"], name="talks_claim_list_order"
            ),
        ]
        constraints = [
            choices_constraint("status", ClaimStatus),
            choices_constraint("verdict", Verdict, allow_blank=True),
            choices_constraint("language", Language),
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

    def excerpt(self, limit=60):
        """The claim's first words, cut at a word, for labels that name it among others."""
        return excerpt(self.text, limit)

    @property
    def label(self):
        """How editors tell one claim from another in a menu: its words, who, and when."""
        when = f"{self.claimed_on:%-d %b %Y}" if self.claimed_on else ""
        said = " · ".join(part for part in [self.claimant_name, when] if part)
        return f"“{self.excerpt(140)}”{f' — {said}' if said else ''}"

    def clean(self):
        self.stamp_publication()

    def save(self, *args, **kwargs):
        self.stamp_publication()
        super().save(*args, **kwargs)

    def reason_required_for(self, changed_fields):
        return rulebook.correction_explanation(self, changed_fields)

    def editorial_refusal(self, user, changes):
        """Why ``user`` may not make these changes to the claim: the rulebook's answer."""
        return rulebook.claim_change_refusal(user, self, changes)

    def stamp_publication(self):
        """Publishing records when: the first publication time is kept ever after."""
        if self.status == ClaimStatus.PUBLISHED and self.published_at is None:
            self.published_at = timezone.now()

    def get_absolute_url(self):
        return reverse("public:claim", args=[self.slug])

    @property
    def claimant_name(self):
        return self.claimant.name if self.claimant_id else self.claimant_label

    @property
    def language_name(self):
        return language_name(self.language)

    @property
    def rating(self):
        return VERDICT_RATINGS.get(self.verdict)

    def provenance(self):
        """The claim's sources as chains back to the origin, each citation where it stands.

        Each tree starts at a cited source that no other cited source relays (the article a
        reader sees) and follows what it rests on down to the other cited sources; sources
        the claim does not need are counted, not shown. Uses the prefetched citations and
        one query for the bases behind them (``source_bases``).
        """
        citations = {citation.source_id: citation for citation in self.citations.all()}
        bases = self.source_bases
        behind = {source_id: bases.reaches(source_id) for source_id in citations}
        relayed = set().union(*behind.values()) if behind else set()
        roots = [c for c in citations.values() if c.source_id not in relayed]
        trees, placed = [], set()
        for citation in [*roots, *citations.values()]:
            if citation.source_id in placed:
                continue
            tree = bases.tree(citation.source, keep=set(citations) - placed)
            for step in tree.walk():
                step.citation = citations.get(step.source.pk)
                placed.add(step.source.pk)
            trees.append(tree)
        return trees

    @functools.cached_property
    def source_bases(self):
        """Every step of provenance behind the claim's cited sources, in one query."""
        cited = [citation.source_id for citation in self.citations.all()]
        return ProvenanceMap(SourceBasis.objects.upstream_of(cited))

    def origins(self, bases=None):
        """The cited sources where the claim starts: those that rest, however indirectly, on no
        other source the claim cites; a source cited as originating it first, then the
        earliest. ``bases``: a ``ProvenanceMap`` when the caller holds one for many claims."""
        return [source for origin in self.independent_origins(bases) for source in origin.sources]

    def independent_origins(self, bases=None):
        """The claim's independent origins (``sources.provenance.Origin``): the sources its
        citations start from, a circle of sources relaying one another counted once. Uses the
        prefetched citations and ``source_bases`` unless given a ``ProvenanceMap``."""
        if bases is None:
            if "_origins" not in self.__dict__:
                self.__dict__["_origins"] = self.source_bases.origins(self.citations.all())
            return self.__dict__["_origins"]
        return bases.origins(self.citations.all())

    @property
    def rests_on_one_unnamed_origin(self):
        """Every source cited comes back to one origin whose people readers are not told."""
        return single_unnamed_origin(self.independent_origins())


class ClaimSubject(TimestampedModel):
    """A person the claim is about."""

    natural_key_fields = ("claim", "person")
    record_field = "claim"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="subjects")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="claims_about")

    objects = NaturalKeyManager()
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


class Citation(CitationBase):
    """The provenance of a claim in one source: its exact quote and where it stands."""

    natural_key_fields = ("claim", "source")
    record_field = "claim"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="citations")

    objects = NaturalKeyManager()
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

    def reason_required_for(self, changed_fields):
        return rulebook.citation_correction_explanation(self.claim, changed_fields)
