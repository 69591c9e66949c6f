"""Read claims and propose their statements from the desk's own records.

``propose(claims)`` reads each claim's text (and, for its meeting's date and place, its
citations' quotes) and returns ``Proposal`` rows; it writes nothing
(``talks.services.proposals`` stores them). The records it reads come in a fixed number of
queries per batch of claims, whatever the number of words: the claims and their quotes, the
people under the keys of the texts' capitalised words (``PersonNameKey``) and their names,
the roles whose titles the texts use, and the meetings the texts' places and dates may be.
"""

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from ..language.dates import Precision, find_date_expressions
from ..language.spellings import name_key, word_keys
from ..models import (
    Citation,
    Claim,
    Meeting,
    Participant,
    Person,
    PersonAlias,
    PersonNameKey,
    Role,
    Statement,
)
from ..models.statements import statement_fingerprint
from . import cues, text

Kind = Statement.Kind
BATCH = 500
# Another meeting a text names by its place is the one recorded within this many days of
# the date the text gives it.
OTHER_MEETING_WINDOW = timedelta(days=31)
# A meeting's place is the first place named within this many words after a meeting word.
PLACE_WINDOW_WORDS = 7
TITLE_WORDS = 8

_ATTENDED = text.cue(cues.ATTENDED)
_ABSENT = text.cue(cues.ABSENT)
_MEETING = text.cue(cues.MEETING)
_ON_BEHALF = text.cue(cues.ON_BEHALF)
_AGENT_AFTER_POSSESSIVE = re.compile(rf"\s+(?:[a-z][\w-]*\s+){{0,2}}?{cues.AGENT_NOUN}(?!\w)", re.I)
_AGENT_BEFORE_GENITIVE = re.compile(
    rf"(?<!\w){cues.AGENT_NOUN_CYRILLIC}\s+(?:(?:{cues.HONORIFIC})\s+)?$", re.I
)
_ADMINISTRATION_AFTER = re.compile(rf"\s+{cues.ADMINISTRATION}(?!\w)", re.I)
_ADMINISTRATION_BEFORE = re.compile(
    rf"(?<!\w)(?:{cues.ADMINISTRATION_CYRILLIC})\s+(?:(?:{cues.HONORIFIC})\s+)?$", re.I
)
_HONORIFIC_BEFORE = re.compile(
    rf"(?:(?:U\.S\.|US|American|Russian|Ukrainian)\s+)?(?:{cues.HONORIFIC})\s+$", re.I
)
# Between two people of a list: a comma or an "and", and perhaps a given name the desk has
# in another spelling ("Стів" before "Віткофф").
_LIST_JOINER = re.compile(
    rf"^\s*(?:,|and|&|і|й|та|и|,\s*and)?\s*(?-i:{text.CAPITAL}[\w’'ʼ-]*\s+)?$", re.I
)
_CLAUSES = re.compile(r",\s*(?:but|while|whereas|але|а|проте|однак|но|однако)\s+|\s+but\s+")
_UKRAINIAN = re.compile(r"[ієїґ]", re.I)
_RUSSIAN = re.compile(r"[ыэъё]", re.I)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


@dataclass(frozen=True)
class Proposal:
    """A statement the engine proposes for a claim, with the sentence it was read from."""

    claim_id: int
    kind: str
    person_id: int | None = None
    on_behalf_of_id: int | None = None
    meeting_id: int | None = None
    date: datetime.date | None = None
    place: str = ""
    evidence: str = field(default="", compare=False)

    def values(self):
        """The statement's fields, as ``Statement(**values)`` takes them."""
        return {
            "claim_id": self.claim_id,
            "kind": self.kind,
            "person_id": self.person_id,
            "on_behalf_of_id": self.on_behalf_of_id,
            "meeting_id": self.meeting_id,
            "date": self.date,
            "place": self.place,
        }

    @property
    def fingerprint(self):
        return statement_fingerprint(self.values())


@dataclass
class Mention:
    """A person the text names, by a name or by a recorded title."""

    start: int
    end: int
    person_id: int
    possessive: bool = False
    by_title: bool = False


def language_of(claim_text, recorded):
    """The language to read dates in: the claim's own if it is one the desk reads, else
    what its letters say."""
    if _CYRILLIC.search(claim_text):
        if recorded in ("uk", "ru"):
            return recorded
        return "ru" if _RUSSIAN.search(claim_text) and not _UKRAINIAN.search(claim_text) else "uk"
    return "en"


def propose(claims):
    """{claim id: [Proposal, ...]} for ``claims`` (ids or a queryset), in batches."""
    ids = list(claims.values_list("pk", flat=True)) if hasattr(claims, "values_list") else claims
    found = {}
    for first in range(0, len(ids), BATCH):
        found.update(_Batch(ids[first : first + BATCH]).propose())
    return found


class _Batch:
    """One batch of claims and the records their words may name."""

    def __init__(self, claim_ids):
        self.claims = list(
            Claim.objects.filter(pk__in=claim_ids).select_related("meeting").order_by("pk")
        )
        quotes = defaultdict(list)
        published = defaultdict(list)
        for claim_id, quote, day in Citation.objects.filter(claim__in=claim_ids).values_list(
            "claim_id", "quote", "source__published_on"
        ):
            quotes[claim_id].append((quote, day))
            if day:
                published[claim_id].append(day)
        self.quotes = quotes
        self.reference = {
            claim.pk: claim.claimed_on
            or min(published[claim.pk], default=None)
            or timezone.localdate(claim.created_at)
            for claim in self.claims
        }
        self.texts = [claim.text for claim in self.claims] + [
            quote for rows in quotes.values() for quote, _ in rows
        ]
        meeting_ids = {claim.meeting_id for claim in self.claims} - {None}
        self.participants = defaultdict(set)
        for meeting_id, person_id in Participant.objects.filter(
            meeting__in=meeting_ids
        ).values_list("meeting_id", "person_id"):
            self.participants[meeting_id].add(person_id)
        self._load_people()
        self._load_titles()
        self._load_meetings()

    # --- The records the words may name ------------------------------------------------

    def _load_people(self):
        keys = set()
        for body in self.texts:
            capitalised = [w for w in text.words(body) if text.is_capitalised(w[2])]
            for index, (_, _, word) in enumerate(capitalised):
                keys |= word_keys(word)
                for length in (2, 3):
                    run = capitalised[index : index + length]
                    if len(run) == length:
                        keys.add(name_key(" ".join(text.without_possessive(w) for *_, w in run)))
        keys.discard("")
        candidates = set(
            PersonNameKey.objects.filter(key__in=keys).values_list("person_id", flat=True)
        )
        names = defaultdict(list)
        for person_id, name in PersonAlias.objects.filter(person__in=candidates).values_list(
            "person_id", "name"
        ):
            names[person_id].append(name)
        for person_id, name in Person.objects.filter(pk__in=candidates).values_list("pk", "name"):
            names[person_id].append(name)
        # Per person: the keys of their names' words, of a name alone (a one-word name, or a
        # longer name's last word: a surname), and of their whole names.
        self.word_keys = defaultdict(set)
        self.alone_keys = defaultdict(set)
        self.whole_keys = defaultdict(set)
        for person_id, spellings in names.items():
            for spelling in spellings:
                parts = [k for k in (name_key(word) for word in spelling.split()) if k]
                if not parts:
                    continue
                self.word_keys[person_id].update(parts)
                self.alone_keys[person_id].add(parts[-1])
                if len(parts) > 1:
                    self.whole_keys[person_id].add(" ".join(parts))

    def _load_titles(self):
        """The recorded titles the texts use, "Head of the X" also as "the X"."""
        ngrams = set()
        for body in self.texts:
            lowered = [text.without_possessive(w).lower() for *_, w in text.words(body)]
            for index in range(len(lowered)):
                for length in range(2, TITLE_WORDS + 1):
                    if index + length <= len(lowered):
                        ngrams.add(" ".join(lowered[index : index + length]))
        titles = {
            title
            for title in Role.objects.annotate(lowered=Lower("title"))
            .values_list("lowered", flat=True)
            .distinct()
        }
        self.title_phrases = {}
        for title in titles:
            for phrase in (title, re.sub(r"^head of (?:the )?", "", title)):
                if phrase in ngrams and len(phrase.split()) > 1:
                    self.title_phrases[phrase] = title
        self.title_roles = defaultdict(list)
        used = set(self.title_phrases.values())
        if used:
            for role in Role.objects.annotate(lowered=Lower("title")).filter(lowered__in=used):
                self.title_roles[role.lowered].append(role)

    def _load_meetings(self):
        """The meetings other than the claims' own that their texts may date: recorded in a
        place the texts name, near a date they give."""
        places = set()
        for claim in self.claims:
            bodies = [claim.text, *(quote for quote, _ in self.quotes[claim.pk])]
            for body in bodies:
                for match in text.PLACE.finditer(body):
                    places.add(text.clean_place(match["place"]).split(",")[0])
        condition = Q()
        for place in places:
            condition |= Q(place__iexact=place) | Q(place__istartswith=f"{place},")
        # Every meeting recorded in a place the texts name: a place of another meeting is
        # no place of the claim's own.
        self.meetings = list(Meeting.objects.filter(condition)) if places else []

    # --- Reading -----------------------------------------------------------------------

    def propose(self):
        return {claim.pk: self._claim(claim) for claim in self.claims}

    def _claim(self, claim):
        reference = self.reference[claim.pk]
        found = self._read(claim, claim.text, reference, from_quote=False)
        kinds = {proposal.kind for proposal in found}
        # The quotes give the claim's meeting a date or a place the text leaves out.
        for quote, day in self.quotes[claim.pk]:
            for proposal in self._read(claim, quote, day or reference, from_quote=True):
                if proposal.kind not in kinds:
                    found.append(proposal)
        unique = {}
        for proposal in found:
            unique.setdefault(proposal, proposal)
        return list(unique.values())

    def _read(self, claim, body, reference, *, from_quote):
        language = language_of(body, claim.language)
        expressions = find_date_expressions(body, language, reference=reference)
        meeting = claim.meeting
        held = meeting is not None and meeting.status == Meeting.Status.HELD
        claim_day = (meeting.start_date if meeting else None) or reference
        found = []
        for start, end in text.sentences(body):
            sentence = body[start:end]
            dates = [
                (e.start - start, e.end - start, e.when)
                for e in expressions
                if start <= e.start < end
            ]
            day = next((when.start for *_, when in dates if when.precision == Precision.DAY), None)
            evidence = sentence.strip()[:300]

            def make(kind, evidence=evidence, **values):
                return Proposal(claim_id=claim.pk, kind=kind, evidence=evidence, **values)

            meetings = self._meeting_statements(sentence, dates, meeting, make)
            if from_quote:
                found.extend(p for p in meetings if p.meeting_id == claim.meeting_id)
                continue
            found.extend(meetings)
            mentions = self._mentions(sentence, claim, day or claim_day)
            pairs = _acts_for(sentence, mentions)
            principals = {principal for _, principal in pairs}
            acting_day = day or claim_day
            for agent, principal in pairs:
                if agent != principal:
                    found.append(
                        make(
                            Kind.ACTS_FOR,
                            person_id=agent,
                            on_behalf_of_id=principal,
                            date=acting_day,
                        )
                    )
            if held:
                found.extend(_attendance(sentence, mentions, principals, meeting, make))
        return found

    def _mentions(self, sentence, claim, day):
        """The people a sentence names: by a name or another spelling of it, else by a
        title recorded for one person on ``day``."""
        capitalised = [w for w in text.words(sentence) if text.is_capitalised(w[2])]
        mentions = []
        index = 0
        while index < len(capitalised):
            for length in (4, 3, 2, 1):
                run = capitalised[index : index + length]
                if len(run) < length or not _adjacent(sentence, run):
                    continue
                person = self._person(run, claim)
                if person is not None:
                    last = run[-1][2]
                    mentions.append(Mention(run[0][0], run[-1][1], person, text.possessive(last)))
                    index += length
                    break
            else:
                index += 1
        mentions.extend(self._title_mentions(sentence, mentions, day))
        return sorted(mentions, key=lambda mention: mention.start)

    def _person(self, run, claim):
        spellings = [text.without_possessive(word) for *_, word in run]
        keys = [word_keys(word) for word in spellings]
        if len(run) == 1:
            found = {p for p, alone in self.alone_keys.items() if keys[0] & alone}
        else:
            found = {p for p, known in self.word_keys.items() if all(k & known for k in keys)}
            whole = name_key(" ".join(spellings))
            exact = {p for p in found if whole in self.whole_keys[p]}
            found = exact or {p for p in found if keys[-1] & self.alone_keys[p]}
        if len(found) > 1:
            found &= self.participants.get(claim.meeting_id, set()) or found
        return next(iter(found)) if len(found) == 1 else None

    def _title_mentions(self, sentence, named, day):
        lowered = [(s, e, text.without_possessive(w).lower()) for s, e, w in text.words(sentence)]
        mentions = []
        taken = [(m.start, m.end) for m in named]
        for index in range(len(lowered)):
            for length in range(TITLE_WORDS, 1, -1):
                run = lowered[index : index + length]
                if len(run) < length:
                    continue
                phrase = " ".join(word for *_, word in run)
                title = self.title_phrases.get(phrase)
                if title is None:
                    continue
                start, end = run[0][0], run[-1][1]
                if any(s < end and start < e for s, e in taken) or _beside_a_name(
                    sentence, start, end, named
                ):
                    break
                holders = {
                    role.person_id
                    for role in self.title_roles[title]
                    if (role.start_date is None or role.start_date <= day)
                    and (role.end_date is None or role.end_date >= day)
                }
                if len(holders) == 1:
                    end_word = sentence[run[-1][0] : run[-1][1]]
                    mentions.append(
                        Mention(start, end, holders.pop(), text.possessive(end_word), True)
                    )
                    taken.append((start, end))
                break
        return mentions

    def _meeting_statements(self, sentence, dates, meeting, make):
        """The dates and places a sentence about a meeting gives it: the claim's own
        meeting, or another recorded meeting in a place it names with a date near the
        recorded one."""
        if meeting is None or not _MEETING.search(sentence):
            return []
        cue_ends = [_word_index(sentence, m.end()) for m in _MEETING.finditer(sentence)]
        own = meeting.status == Meeting.Status.HELD
        found = []
        attached = set()
        place_used = set()
        for match in text.PLACE.finditer(sentence):
            place = text.clean_place(match["place"])
            start = match.start("place")
            position = _word_index(sentence, start)
            near_cue = any(0 <= position - end <= PLACE_WINDOW_WORDS for end in cue_ends)
            if not near_cue or any(s <= start < e for s, e, _ in dates):
                continue
            region = match["region"]
            if region and not any(s <= match.start("region") + 2 < e for s, e, _ in dates):
                place = f"{place}{region}"
            after = (
                match.end() if region and place.endswith(region.strip(", ")) else match.end("place")
            )
            date_after = next(
                (
                    (index, when)
                    for index, (s, _, when) in enumerate(dates)
                    if s >= after
                    and re.fullmatch(r"[\s,]*(?:(?:on|у|в|во)\s+)?", sentence[after:s])
                ),
                None,
            )
            other = self._other_meeting(place, date_after[1] if date_after else None, meeting)
            if other is not None:
                if date_after is not None:
                    index, when = date_after
                    attached.add(index)
                    if when.precision == Precision.DAY:
                        found.append(make(Kind.MEETING_DATE, meeting_id=other.pk, date=when.start))
                    found.append(make(Kind.MEETING_PLACE, meeting_id=other.pk, place=place))
                continue
            if _recorded_place_of(place, meeting) is None and self._is_recorded_place(place):
                continue  # another meeting's place, without a date to tell which
            if not own or meeting.pk in place_used:
                continue
            written = _place_as_written(place, meeting)
            if written:
                found.append(make(Kind.MEETING_PLACE, meeting_id=meeting.pk, place=written))
                place_used.add(meeting.pk)
        if own:
            for index, (_, _, when) in enumerate(dates):
                if index not in attached and when.precision == Precision.DAY:
                    found.append(make(Kind.MEETING_DATE, meeting_id=meeting.pk, date=when.start))
        return found

    def _other_meeting(self, place, when, meeting):
        """The other meeting recorded in ``place`` nearest the date the text gives it."""
        if when is None:
            return None
        candidates = [
            m
            for m in self.meetings
            if m.pk != meeting.pk
            and _same_place(place, m.place)
            and m.start_date
            and when.start - OTHER_MEETING_WINDOW
            <= m.start_date
            <= (when.end or when.start) + OTHER_MEETING_WINDOW
        ]
        return min(candidates, key=lambda m: abs((m.start_date - when.start).days), default=None)

    def _is_recorded_place(self, place):
        return any(_same_place(place, m.place) for m in self.meetings)


# --- Relations between the people a sentence names ---------------------------------------


def _acts_for(sentence, mentions):
    """(agent, principal) person ids the sentence's cues join."""
    pairs = []
    for index, mention in enumerate(mentions):
        principal = mention.person_id
        before = sentence[: mention.start]
        after = sentence[mention.end :]
        honorific = _HONORIFIC_BEFORE.search(before)
        phrase_start = honorific.start() if honorific else mention.start
        noun = None
        if mention.possessive:
            noun = _AGENT_AFTER_POSSESSIVE.match(after)
            if noun:
                pairs += [
                    (a, principal)
                    for a in _list_after(sentence, mention.end + noun.end(), mentions)
                ]
                pairs += [
                    (a, principal) for a in _apposition_before(sentence, phrase_start, mentions)
                ]
        if _AGENT_BEFORE_GENITIVE.search(before):
            genitive = _AGENT_BEFORE_GENITIVE.search(before)
            pairs += [(a, principal) for a in _list_after(sentence, mention.end, mentions)]
            pairs += [
                (a, principal) for a in _apposition_before(sentence, genitive.start(), mentions)
            ]
        if _ADMINISTRATION_AFTER.match(after) or _ADMINISTRATION_BEFORE.search(before):
            earlier = [m for m in mentions[:index] if m.person_id != principal]
            if earlier:
                pairs.append((earlier[-1].person_id, principal))
    for cue in _ON_BEHALF.finditer(sentence):
        following = [m for m in mentions if m.start >= cue.end()]
        if not following:
            continue
        principal = following[0]
        gap = sentence[cue.end() : principal.start]
        if len(gap) > 30:
            continue
        pairs += [
            (m.person_id, principal.person_id)
            for m in mentions
            if m.end <= cue.start() and m.person_id != principal.person_id
        ]
    return list(dict.fromkeys(pairs))


def _list_after(sentence, position, mentions):
    """The people named one after another from ``position`` on ("Witkoff and Kushner")."""
    agents = []
    for mention in mentions:
        if mention.start < position:
            continue
        if not _LIST_JOINER.match(sentence[position : mention.start]):
            break
        agents.append(mention.person_id)
        position = mention.end
    return agents


def _apposition_before(sentence, position, mentions):
    """The person named just before a phrase set off by a comma ("Kushner, Trump's ...")."""
    earlier = [m for m in mentions if m.end <= position]
    if earlier and re.fullmatch(
        r",\s*(?:the\s+|a\s+|an\s+)?", sentence[earlier[-1].end : position]
    ):
        return [earlier[-1].person_id]
    return []


def _attendance(sentence, mentions, principals, meeting, make):
    """Attended or absent, for the people of each clause with such a cue."""
    found = []
    start = 0
    bounds = [(m.start(), m.end()) for m in _CLAUSES.finditer(sentence)] + [
        (len(sentence), len(sentence))
    ]
    for clause_end, next_start in bounds:
        clause = sentence[start:clause_end]
        people = [
            m.person_id
            for m in mentions
            if start <= m.start < clause_end
            and not (m.possessive and m.person_id in principals)
            and m.person_id not in principals
        ]
        absent = _ABSENT.search(clause)
        if absent:
            # "X did not attend the meeting with Y": X is absent; of Y it says nothing.
            said_before = [
                m.person_id for m in mentions if start <= m.start < start + absent.start()
            ]
            people = [person for person in people if person in said_before]
            kind = Kind.ABSENT
        else:
            kind = Kind.ATTENDED if _ATTENDED.search(clause) else None
        if kind:
            found += [
                make(kind, person_id=person, meeting_id=meeting.pk)
                for person in dict.fromkeys(people)
            ]
        start = next_start
    return found


# --- Places ---------------------------------------------------------------------------------


def _place_keys(place):
    first = place.split(",")[0].strip()
    lowered = first.lower()
    keys = {name_key(cues.COUNTRY_NAMES.get(lowered, first))}
    if len(first.split()) == 1:
        keys |= word_keys(first)
    return keys - {""}


def _same_place(said, recorded):
    """Whether the text's place is the recorded one, by key; a Cyrillic spelling may differ
    from the recorded Latin one's key by a letter (Маямі, Miami)."""
    if not recorded:
        return False
    wanted = name_key(recorded.split(",")[0])
    keys = _place_keys(said)
    if wanted in keys:
        return True
    return (
        bool(_CYRILLIC.search(said))
        and len(wanted) >= 5
        and any(_one_letter_apart(key, wanted) for key in keys)
    )


def _one_letter_apart(one, other):
    if abs(len(one) - len(other)) > 1 or one == other:
        return one == other
    if len(one) == len(other):
        return sum(a != b for a, b in zip(one, other, strict=True)) == 1
    shorter, longer = sorted((one, other), key=len)
    return any(longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer)))


def _recorded_place_of(place, meeting):
    """ "place" or "country" when ``place`` names the meeting's recorded place or country."""
    if _same_place(place, meeting.place):
        return "place"
    if meeting.country and _same_place(place, meeting.country):
        return "country"
    return None


def _place_as_written(place, meeting):
    """The place to propose: the text's words, or the record's spelling where the text
    writes it in another script; "" for the meeting's country when a city is recorded."""
    recorded = _recorded_place_of(place, meeting)
    if recorded == "country" and meeting.place:
        return ""
    if recorded and _CYRILLIC.search(place):
        return meeting.place if recorded == "place" else meeting.country
    return place


def _adjacent(sentence, run):
    return all(
        re.fullmatch(r"\.?\s+", sentence[left[1] : right[0]])
        for left, right in zip(run, run[1:], strict=False)
    )


def _beside_a_name(sentence, start, end, named):
    """A title written beside a name ("Secretary of State Marco Rubio", "Rubio, the
    Secretary of ...") says who that person is, not that another person is meant."""
    for mention in named:
        gap = (
            sentence[end : mention.start] if mention.start >= end else sentence[mention.end : start]
        )
        if mention.start >= end and re.fullmatch(r"\s*", gap):
            return True
        if mention.end <= start and re.fullmatch(r",?\s*(?:the\s+|a\s+)?", gap, re.I):
            return True
    return False


def _word_index(sentence, position):
    return len(text.words(sentence[:position]))
