"""Sources and the provenance they carry.

A source is any document that carries claims. Sources may rest on other sources (an
article relaying an agency report, which relays an anonymous briefing); that chain is what
a reader follows back to the origin.
"""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.db import models
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from .history_chain import HistoryLink  # noqa: F401  (the history's chain, a model of this app)
from .languages import Language, language_name
from .natural_keys import NaturalKeyManager
from .records import (
    SluggedModel,
    TimestampedModel,
    choices_constraint,
    tracked_history,
)

TRACKING_PARAMETERS = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "ocid")


def normalise_url(url):
    """The canonical form of a URL, so one document is never stored twice.

    Lower-cases scheme and host, drops default ports, fragments, tracking parameters and a
    trailing slash; keeps the rest of the query in its order.
    """
    url = (url or "").strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # e.g. a port out of range: left as given, for URLValidator to refuse
        return url
    host = (parts.hostname or "").lower()
    if port and (parts.scheme, port) not in {("http", 80), ("https", 443)}:
        host = f"{host}:{port}"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if not key.lower().startswith(TRACKING_PARAMETERS)
    ]
    path = parts.path.rstrip("/") if parts.path != "/" else ""
    return urlunsplit((parts.scheme.lower(), host, path, urlencode(query), ""))


class NormalisedURLField(models.URLField):
    """A URL stored in its canonical form on every path: forms, imports and plain saves."""

    def to_python(self, value):
        return normalise_url(super().to_python(value))

    def pre_save(self, model_instance, add):
        value = normalise_url(getattr(model_instance, self.attname))
        setattr(model_instance, self.attname, value)
        return value


def _web_link(url):
    return url if url.lower().startswith(("https://", "http://")) else ""


class SourceKind(models.TextChoices):
    NEWS_ARTICLE = "news_article", _("News article")
    OFFICIAL_STATEMENT = "official_statement", _("Official statement")
    PRESS_CONFERENCE = "press_conference", _("Press conference")
    INTERVIEW = "interview", _("Interview")
    TRANSCRIPT = "transcript", _("Transcript")
    VIDEO = "video", _("Video")
    SOCIAL_POST = "social_post", _("Social media post")
    REPORT = "report", _("Report")
    ANONYMOUS_BRIEFING = "anonymous_briefing", _("Anonymous briefing")


class SourceReporting(models.TextChoices):
    """What a source's account rests on: its own reporting, sources it relays, or nothing known."""

    ORIGINAL = "original", _("Original reporting")
    RELAYS = "relays", _("Relays known sources")
    UNKNOWN = "unknown", _("Basis unknown")


class CitationAttribution(models.TextChoices):
    """To whom the source puts the words it is cited for."""

    NAMED_OFFICIAL = "named_official", _("Named official on record")
    OFFICIAL_DOCUMENT = "official_document", _("Official document")
    SPOKESPERSON = "spokesperson", _("Spokesperson")
    UNNAMED = "unnamed", _("Unnamed source")
    RELAY = "relay", _("Relays another source")
    UNATTRIBUTED = "unattributed", _("Unattributed: the source's own words")


def _closure(direction, source_ids):
    """SQL for the ids of the source bases reachable from ``source_ids``, in one query.

    A recursive CTE, which PostgreSQL and SQLite both run; its ``UNION`` drops rows it has
    already produced, so a cycle of bases ends the walk instead of looping.
    """
    table = SourceBasis._meta.db_table
    start, step = ("source_id", "basis_id") if direction == "up" else ("basis_id", "source_id")
    seeds = ", ".join(["%s"] * len(source_ids))
    sql = (
        f"WITH RECURSIVE walk(id, next_id) AS ("
        f" SELECT id, {step} FROM {table} WHERE {start} IN ({seeds})"
        f" UNION"
        f" SELECT b.id, b.{step} FROM {table} b JOIN walk ON b.{start} = walk.next_id"
        f") SELECT id FROM walk"
    )
    return RawSQL(sql, list(source_ids))


class Source(SluggedModel):
    Kind = SourceKind
    Reporting = SourceReporting

    kind = models.CharField(max_length=32, choices=Kind.choices)
    title = models.CharField(max_length=300)
    url = NormalisedURLField(
        "URL",
        max_length=1000,
        blank=True,
        help_text="Stored normalised (no tracking parameters or fragment); unique when given.",
    )
    outlet = models.CharField(
        max_length=200, blank=True, help_text="Publisher, broadcaster or account."
    )
    author = models.CharField(max_length=200, blank=True)
    language = models.CharField(
        max_length=12, choices=Language.choices, blank=True, help_text="The original's language."
    )
    published_on = models.DateField(null=True, blank=True)
    retrieved_on = models.DateField(
        null=True, blank=True, help_text="When the desk read or saved it."
    )
    archive_url = models.URLField(
        "archived copy", max_length=1000, blank=True, help_text="A snapshot, e.g. on archive.org."
    )
    reporting = models.CharField(
        "basis",
        max_length=16,
        choices=Reporting.choices,
        default=Reporting.UNKNOWN,
        help_text="What its account rests on: its own reporting (a witness, the speaker's own "
        "statement, its own documents), the sources it relays (recorded under “Rests on”), "
        "or nothing the desk knows.",
    )
    notes = models.TextField(blank=True)

    objects = NaturalKeyManager()
    history = tracked_history()

    class Meta:
        ordering = ["-published_on", "title"]
        indexes = [
            models.Index(fields=["-published_on", "title", "-id"], name="sources_list_order")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["url"],
                condition=~models.Q(url=""),
                name="sources_source_url_unique",
                violation_error_message="A source with this URL already exists.",
            ),
            choices_constraint("kind", SourceKind),
            choices_constraint("language", Language, allow_blank=True),
            choices_constraint("reporting", SourceReporting),
        ]

    def __str__(self):
        label = f"{self.outlet}: {self.title}" if self.outlet else self.title
        return f"{label} ({self.published_on:%d %b %Y})" if self.published_on else label

    @property
    def language_name(self):
        return language_name(self.language)

    @property
    def web_url(self):
        """The URL as a link target: only http(s), so no stored value can run a script."""
        return _web_link(self.url)

    @property
    def links(self):
        """Where a reader can read it: the document itself and its archived copy."""
        links = [
            (_("Read it at the source"), self.web_url),
            (_("Archived copy"), _web_link(self.archive_url)),
        ]
        return [(label, url) for label, url in links if url]

    @property
    def is_unnamed(self):
        """An anonymous briefing: whoever speaks in it is not named to readers."""
        return self.kind == SourceKind.ANONYMOUS_BRIEFING


class SourceBasisQuerySet(models.QuerySet):
    def downstream_of(self, source_ids):
        """Every step of provenance that rests on these sources, however indirectly."""
        source_ids = list(source_ids)
        if not source_ids:
            return self.none()
        return self.filter(pk__in=_closure("down", source_ids))

    def upstream_of(self, source_ids):
        """Every step of provenance behind these sources, back to the origins, in one query."""
        source_ids = list(source_ids)
        if not source_ids:
            return self.none()
        return (
            self.filter(pk__in=_closure("up", source_ids))
            .select_related("basis")
            .order_by("source_id", "basis__published_on", "basis__title")
        )


class SourceBasis(TimestampedModel):
    """One step of provenance: ``source`` relays or rests on ``basis``."""

    natural_key_fields = ("source", "basis")
    record_field = "source"

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="bases")
    basis = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="relayed_by",
        help_text="The source this one relays or rests on.",
    )
    note = models.CharField(max_length=300, blank=True, help_text="How it rests on it.")

    objects = NaturalKeyManager.from_queryset(SourceBasisQuerySet)()
    history = tracked_history()

    class Meta:
        verbose_name = "source basis"
        verbose_name_plural = "source bases"
        ordering = ["source", "basis"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "basis"],
                name="sources_basis_unique",
                violation_error_message="This source already rests on that one.",
            ),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("basis")),
                name="sources_basis_not_self",
                violation_error_message="A source cannot rest on itself.",
            ),
        ]

    def __str__(self):
        return f"{self.source} rests on {self.basis}"


class CitationRelation(models.TextChoices):
    ORIGINATES = "originates", "Originates it"
    REPEATS = "repeats", "Repeats it"


class CitationBase(TimestampedModel):
    """Where a record stands in a source: the exact quote and its place there.

    The records of other apps cite sources through a concrete subclass each, whose Meta
    extends ``CitationBase.Meta.constraints``.
    """

    Relation = CitationRelation
    Attribution = CitationAttribution

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="%(class)ss")
    quote = models.TextField(
        blank=True, help_text="The exact words as they stand in the source, unedited."
    )
    location = models.CharField(
        max_length=100,
        blank=True,
        help_text="Where the quote stands: paragraph 4, 00:12:30, page 2...",
    )
    relation = models.CharField(
        max_length=16,
        choices=Relation.choices,
        default=Relation.REPEATS,
        help_text="Whether this source is where the statement starts, or passes it on.",
    )
    attribution = models.CharField(
        max_length=20,
        choices=Attribution.choices,
        blank=True,
        help_text="To whom the source puts these words: a named official on record, an "
        "official document, a spokesperson, an unnamed source, another source it relays, or "
        "nobody (its own words).",
    )
    language = models.CharField(
        "quote's language",
        max_length=12,
        choices=Language.choices,
        blank=True,
        help_text="Blank when the quote is in the source's language.",
    )

    class Meta:
        abstract = True
        constraints = [
            choices_constraint("relation", CitationRelation),
            choices_constraint("language", Language, allow_blank=True),
            choices_constraint("attribution", CitationAttribution, allow_blank=True),
        ]

    @property
    def quote_language(self):
        """The language the quote is in: its own when recorded, else the source's."""
        return self.language or self.source.language

    @property
    def is_unnamed(self):
        """The words come from someone readers are not told the name of."""
        return self.attribution == CitationAttribution.UNNAMED or self.source.is_unnamed

    def __str__(self):
        return f"{self.source}: “{self.quote[:80]}”" if self.quote else str(self.source)


# The desk's copies of cited pages (``sources.captures``), registered with the app's models.
from .captures import Capture, QuoteCheck, SourceChange  # noqa: E402,F401
