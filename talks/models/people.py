"""People, the spellings of their names, and the roles they held over time."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Coalesce, Lower
from django.urls import reverse
from django.utils.dateformat import format as format_date

from sources.models import CitationBase
from sources.natural_keys import NaturalKeyManager
from sources.records import (
    SluggedModel,
    TimestampedModel,
    choices_constraint,
    end_after_start_constraint,
    tracked_history,
)

WIKIDATA_ID_PATTERN = r"^Q[1-9][0-9]*$"


class Person(SluggedModel):
    slug_source = "name"

    name = models.CharField(max_length=200, help_text="The name as the desk writes it.")
    description = models.CharField(
        max_length=300, blank=True, help_text="One line: who this is, for editors and readers."
    )
    wikidata_id = models.CharField(
        "Wikidata ID",
        max_length=20,
        blank=True,
        validators=[RegexValidator(WIKIDATA_ID_PATTERN, "A Wikidata ID looks like Q123456.")],
        help_text="The person's Wikidata item, e.g. Q3874799.",
    )

    objects = NaturalKeyManager()
    history = tracked_history()

    class Meta:
        verbose_name_plural = "people"
        ordering = ["name"]
        # The admin's list and autocomplete order, its tie-breaker (-id) included.
        indexes = [models.Index(fields=["name", "-id"], name="talks_person_list_order")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(wikidata_id="")
                | models.Q(wikidata_id__regex=WIKIDATA_ID_PATTERN),
                name="talks_person_wikidata_id_valid",
                violation_error_message="A Wikidata ID looks like Q123456.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("public:person", args=[self.slug])

    @property
    def wikidata_url(self):
        return f"https://www.wikidata.org/wiki/{self.wikidata_id}" if self.wikidata_id else ""


class AliasKind(models.TextChoices):
    SPELLING = "spelling", "Alternative spelling"
    TRANSLITERATION = "transliteration", "Transliteration"
    NATIVE = "native", "Native script"
    SHORT = "short", "Short form or nickname"


class PersonAlias(TimestampedModel):
    """Another way the person's name is written: a spelling, a transliteration, a script."""

    Kind = AliasKind
    natural_key_fields = ("person", "name")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SPELLING)
    language = models.CharField(max_length=12, blank=True, help_text="e.g. uk, ru, en.")

    objects = NaturalKeyManager()
    history = tracked_history()

    class Meta:
        verbose_name = "other name"
        ordering = ["person", "name"]
        constraints = [
            models.UniqueConstraint(
                "person",
                Lower("name"),
                name="talks_personalias_unique",
                violation_error_message="This person already has that name.",
            ),
            choices_constraint("kind", AliasKind),
        ]

    def __str__(self):
        return self.name


class RoleQuerySet(models.QuerySet):
    def held_on(self, day):
        """Roles held on ``day``; an open start or end counts as covering it."""
        return self.filter(
            models.Q(start_date__isnull=True) | models.Q(start_date__lte=day),
            models.Q(end_date__isnull=True) | models.Q(end_date__gte=day),
        )


class Role(TimestampedModel):
    """An office or function a person held for a time, on someone's behalf where it matters."""

    natural_key_fields = ("person", "title", "start_date")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    title = models.CharField(max_length=200, help_text="e.g. Secretary of State.")
    organisation = models.CharField(
        max_length=200, blank=True, help_text="Organisation or country, e.g. United States."
    )
    on_behalf_of = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="represented_by_roles",
        help_text="Whom the person acts for in this role, e.g. an envoy's president.",
    )
    start_date = models.DateField(null=True, blank=True, help_text="Blank when not known.")
    end_date = models.DateField(null=True, blank=True, help_text="Blank while ongoing.")
    note = models.CharField(max_length=300, blank=True)

    objects = NaturalKeyManager.from_queryset(RoleQuerySet)()
    history = tracked_history()

    class Meta:
        ordering = ["person", "-start_date"]
        constraints = [
            end_after_start_constraint(),
            models.UniqueConstraint(
                "person",
                "title",
                Coalesce("start_date", models.Value("0001-01-01", models.DateField())),
                name="talks_role_unique_start",
                violation_error_message="This person already has this role from that date.",
            ),
            models.CheckConstraint(
                condition=~models.Q(on_behalf_of=models.F("person")),
                name="talks_role_not_on_own_behalf",
                violation_error_message="A person does not act on their own behalf in a role.",
            ),
        ]

    def __str__(self):
        where = f", {self.organisation}" if self.organisation else ""
        return f"{self.person}: {self.title}{where} ({self.period})"

    @property
    def period_label(self):
        """The period for readers: "20 January 2025 – today", "until 20 January 2025"."""
        start = format_date(self.start_date, "j F Y") if self.start_date else ""
        end = format_date(self.end_date, "j F Y") if self.end_date else ""
        if start:
            return f"{start} – {end or 'today'}"
        return f"until {end}" if end else "dates not known"

    @property
    def period(self):
        start = self.start_date.isoformat() if self.start_date else "?"
        end = self.end_date.isoformat() if self.end_date else "now"
        return f"{start} – {end}"


class RoleCitation(CitationBase):
    """A source that establishes a role."""

    natural_key_fields = ("role", "source")

    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="citations")

    objects = NaturalKeyManager()
    history = tracked_history()

    class Meta:
        verbose_name = "role source"
        ordering = ["role", "source"]
        constraints = [
            *CitationBase.Meta.constraints,
            models.UniqueConstraint(
                fields=["role", "source"],
                name="talks_rolecitation_unique",
                violation_error_message="The role already cites this source.",
            ),
        ]
