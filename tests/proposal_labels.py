"""The labelled set the statement proposals are measured on (``bench/proposal_bench.py``,
``tests/test_statement_proposals.py``).

Two parts. The seed's claims, with the statements written for them by hand as gold: read
from ``fixtures/seed.json`` itself, so the gold is what a person wrote, never what the
engine found. And invented claims, in English, Ukrainian and Russian, for each kind of
statement, each with the statements a reader would write for it.
"""

import json
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings

SEED_FIXTURE = settings.BASE_DIR / "fixtures" / "seed.json"


@dataclass(frozen=True)
class Gold:
    """One statement, by natural keys: claim slug, kind, person and principal slugs,
    meeting slug, ISO date, place."""

    claim: str
    kind: str
    person: str | None = None
    on_behalf_of: str | None = None
    meeting: str | None = None
    date: str | None = None
    place: str = ""


def seed_gold():
    """The seed's hand-written statements."""
    rows = json.loads(SEED_FIXTURE.read_text())
    gold = set()
    for row in rows:
        if row["model"] != "talks.statement":
            continue
        fields = row["fields"]

        def slug(name, fields=fields):
            value = fields.get(name)
            return value[0] if value else None

        gold.add(
            Gold(
                claim=fields["claim"][0],
                kind=fields["kind"],
                person=slug("person"),
                on_behalf_of=slug("on_behalf_of"),
                meeting=slug("meeting"),
                date=fields.get("date"),
                place=fields.get("place") or "",
            )
        )
    return gold


def seed_claims():
    return [
        row["fields"]["slug"]
        for row in json.loads(SEED_FIXTURE.read_text())
        if row["model"] == "talks.claim"
    ]


@dataclass
class Score:
    true: int = 0
    proposed: int = 0
    gold: int = 0

    @property
    def precision(self):
        return self.true / self.proposed if self.proposed else 1.0

    @property
    def recall(self):
        return self.true / self.gold if self.gold else 1.0


def score(found, gold):
    """{kind: Score} and the overall Score of ``found`` against ``gold`` (sets of Gold)."""
    kinds = defaultdict(Score)
    for row in found:
        kinds[row.kind].proposed += 1
        kinds[row.kind].true += row in gold
    for row in gold:
        kinds[row.kind].gold += 1
    overall = Score(
        sum(s.true for s in kinds.values()),
        sum(s.proposed for s in kinds.values()),
        sum(s.gold for s in kinds.values()),
    )
    return dict(sorted(kinds.items())), overall


@dataclass(frozen=True)
class Invented:
    """An invented claim about the seed's people and meetings, and its statements."""

    slug: str
    language: str
    meeting: str | None
    claimed_on: str
    text: str
    gold: tuple


def _g(slug, kind, **fields):
    return Gold(claim=slug, kind=kind, **fields)


MOSCOW = "moscow-putin-witkoff-2025-12-02"
MIAMI = "miami-talks-2025-11-30"
GENEVA = "geneva-talks-2025-11-23"
FOLLOW_UP = "follow-up-talks-2025-12-04"

# Other names a desk covering the Ukrainian and Russian press records; the seed has none in
# Cyrillic for these two.
CYRILLIC_NAMES = [("donald-trump", "Трамп", "uk"), ("joe-biden", "Байден", "uk")]


def _invented(slug, language, meeting, claimed_on, text, *gold):
    return Invented(
        slug, language, meeting, claimed_on, text, tuple(_g(slug, *g[:1], **g[1]) for g in gold)
    )


INVENTED = [
    _invented(
        "en-envoy-absent",
        "en",
        MIAMI,
        "2025-12-01",
        "Kirill Dmitriev, Putin’s envoy, did not attend the Miami talks.",
        (
            "acts_for",
            {"person": "kirill-dmitriev", "on_behalf_of": "vladimir-putin", "date": "2025-11-30"},
        ),
        ("absent", {"person": "kirill-dmitriev", "meeting": MIAMI}),
    ),
    _invented(
        "en-rubio-geneva",
        "en",
        GENEVA,
        "2025-11-24",
        "Marco Rubio attended the talks in Geneva on 23 November 2025.",
        ("attended", {"person": "marco-rubio", "meeting": GENEVA}),
        ("meeting_place", {"meeting": GENEVA, "place": "Geneva"}),
        ("meeting_date", {"meeting": GENEVA, "date": "2025-11-23"}),
    ),
    _invented(
        "en-title-met",
        "en",
        MIAMI,
        "2025-12-01",
        "The Secretary of State met Rustem Umerov in Miami.",
        ("attended", {"person": "marco-rubio", "meeting": MIAMI}),
        ("attended", {"person": "rustem-umerov", "meeting": MIAMI}),
        ("meeting_place", {"meeting": MIAMI, "place": "Miami"}),
    ),
    _invented(
        "en-elsewhere",
        "en",
        MOSCOW,
        "2025-12-04",
        "The Putin–Witkoff talks took place in Istanbul on 3 December.",
        ("meeting_place", {"meeting": MOSCOW, "place": "Istanbul"}),
        ("meeting_date", {"meeting": MOSCOW, "date": "2025-12-03"}),
    ),
    _invented(
        "en-son-in-law",
        "en",
        None,
        "2025-12-03",
        "Jared Kushner, Trump’s son-in-law, spoke for the White House on 3 December.",
        (
            "acts_for",
            {"person": "jared-kushner", "on_behalf_of": "donald-trump", "date": "2025-12-03"},
        ),
    ),
    _invented(
        "en-on-behalf",
        "en",
        FOLLOW_UP,
        "2025-12-05",
        "Steve Witkoff negotiated on behalf of Joe Biden on 4 December.",
        (
            "acts_for",
            {"person": "steve-witkoff", "on_behalf_of": "joe-biden", "date": "2025-12-04"},
        ),
    ),
    _invented(
        "uk-met",
        "uk",
        MOSCOW,
        "2025-12-03",
        "Стів Віткофф зустрівся з Володимиром Путіним у Москві 2 грудня 2025 року.",
        ("attended", {"person": "steve-witkoff", "meeting": MOSCOW}),
        ("attended", {"person": "vladimir-putin", "meeting": MOSCOW}),
        ("meeting_place", {"meeting": MOSCOW, "place": "Moscow"}),
        ("meeting_date", {"meeting": MOSCOW, "date": "2025-12-02"}),
    ),
    _invented(
        "uk-son-in-law",
        "uk",
        MOSCOW,
        "2025-12-03",
        "Зять Трампа Джаред Кушнер брав участь у переговорах у Москві.",
        (
            "acts_for",
            {"person": "jared-kushner", "on_behalf_of": "donald-trump", "date": "2025-12-02"},
        ),
        ("attended", {"person": "jared-kushner", "meeting": MOSCOW}),
        ("meeting_place", {"meeting": MOSCOW, "place": "Moscow"}),
    ),
    _invented(
        "uk-absent",
        "uk",
        MIAMI,
        "2025-12-01",
        "Кирило Дмитрієв не брав участі в тих переговорах.",
        ("absent", {"person": "kirill-dmitriev", "meeting": MIAMI}),
    ),
    _invented(
        "uk-negotiators",
        "uk",
        FOLLOW_UP,
        "2025-12-05",
        "Переговірники Байдена Стів Віткофф і Джаред Кушнер планували зустріч 4 грудня.",
        (
            "acts_for",
            {"person": "steve-witkoff", "on_behalf_of": "joe-biden", "date": "2025-12-04"},
        ),
        (
            "acts_for",
            {"person": "jared-kushner", "on_behalf_of": "joe-biden", "date": "2025-12-04"},
        ),
    ),
    _invented(
        "ru-aide",
        "ru",
        MOSCOW,
        "2025-12-03",
        "Помощник Путина Юрий Ушаков присутствовал на встрече в Москве 2 декабря.",
        (
            "acts_for",
            {"person": "yuri-ushakov", "on_behalf_of": "vladimir-putin", "date": "2025-12-02"},
        ),
        ("attended", {"person": "yuri-ushakov", "meeting": MOSCOW}),
        ("meeting_place", {"meeting": MOSCOW, "place": "Moscow"}),
        ("meeting_date", {"meeting": MOSCOW, "date": "2025-12-02"}),
    ),
    _invented(
        "ru-geneva",
        "ru",
        GENEVA,
        "2025-11-24",
        "Переговоры в Женеве прошли 23 ноября 2025 года.",
        ("meeting_place", {"meeting": GENEVA, "place": "Geneva"}),
        ("meeting_date", {"meeting": GENEVA, "date": "2025-11-23"}),
    ),
    _invented(
        "ru-on-behalf",
        "ru",
        None,
        "2025-12-03",
        "Стив Уиткофф действовал от имени Трампа 2 декабря.",
        (
            "acts_for",
            {"person": "steve-witkoff", "on_behalf_of": "donald-trump", "date": "2025-12-02"},
        ),
    ),
    _invented(
        "ru-absent",
        "ru",
        MOSCOW,
        "2025-12-03",
        "Рустем Умеров не участвовал во встрече с Путиным.",
        ("absent", {"person": "rustem-umerov", "meeting": MOSCOW}),
    ),
]


def add_invented_claims():
    """Write the invented claims (and the Cyrillic names they need) into a desk holding the
    seed; returns their gold."""
    from talks.models import Claim, Meeting, Person, PersonAlias

    for slug, name, language in CYRILLIC_NAMES:
        PersonAlias.objects.get_or_create(
            person=Person.objects.get(slug=slug),
            name=name,
            defaults={"kind": PersonAlias.Kind.NATIVE, "language": language},
        )
    meetings = {m.slug: m for m in Meeting.objects.all()}
    for claim in INVENTED:
        Claim.objects.create(
            slug=claim.slug,
            text=claim.text,
            language=claim.language,
            meeting=meetings.get(claim.meeting),
            claimed_on=claim.claimed_on,
        )
    return {gold for claim in INVENTED for gold in claim.gold}


def proposals_as_gold(found):
    """The engine's proposals ({claim id: [Proposal]}) as ``Gold``, its records looked up
    in three queries."""
    from talks.models import Claim, Meeting, Person

    proposals = [p for rows in found.values() for p in rows]
    claims = Claim.objects.in_bulk([p.claim_id for p in proposals])
    people = Person.objects.in_bulk(
        {p.person_id for p in proposals} | {p.on_behalf_of_id for p in proposals} - {None}
    )
    meetings = Meeting.objects.in_bulk({p.meeting_id for p in proposals} - {None})
    return {
        Gold(
            claim=claims[p.claim_id].slug,
            kind=p.kind,
            person=people[p.person_id].slug if p.person_id else None,
            on_behalf_of=people[p.on_behalf_of_id].slug if p.on_behalf_of_id else None,
            meeting=meetings[p.meeting_id].slug if p.meeting_id else None,
            date=p.date.isoformat() if p.date else None,
            place=p.place,
        )
        for p in proposals
    }
