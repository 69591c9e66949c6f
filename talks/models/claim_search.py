"""The readers' search of claims, in the languages the story is told in.

Every word, or "quoted phrase", of a search must match a claim, in one of two ways:

- **in its words**: the claim's stored document (``search_documents``) holds it. The word is
  read in each language's configuration and the forms are ORed, so "plans" finds an English
  claim by its stem and "переговори" a Ukrainian one, whose words PostgreSQL cannot stem, by
  their common prefix ("переговор…");
- **by a name**: the word is a name, or a form of one ("Зеленського"), of a person
  (``PersonNameKey``, in any script and spelling): the claims that person made or is the
  subject of match, and so does any claim whose words name them in another of their
  spellings (a search for "Зеленський" finds "Zelenskyy's 20-point plan").

Matches are found through indexes at any size: a word's rare matches are taken from the
indexes by id (the full-text index, and the claimant's and the subjects' indexes on the
people), a common word's by walking the published list newest first and testing each claim.
``explain()`` says, for the claims of one page, why each matched: its texts with the matched
words marked, and the people it matched by.

On SQLite a word or phrase matches as a substring of the claim's texts (letters outside
ASCII as typed), and names match as on PostgreSQL.
"""

import dataclasses
import operator
import re
from functools import cached_property, reduce

from django.contrib.postgres.search import SearchHeadline, SearchQuery
from django.db import connection, models
from django.db.models.lookups import IsNull

from sources.planner import planned_rows
from sources.search_terms import WORDS_SEARCHED, search_terms  # noqa: F401 (the readers' forms)

from ..language.spellings import name_key, word_keys
from ..language.stems import prefix_stem
from .claims import Claim, ClaimSubject
from .people import PersonNameKey
from .search_documents import QUERY_CONFIGS, SIMPLE_CONFIG, language_config

SEARCH_IDS = 10_000  # matches taken by id; beyond, at least 1% of a million claims match
COMMON_MATCHES = 10 * SEARCH_IDS  # so many expected that no match is read ahead by id
KEYS_READ = 500  # rows of people's keys one search reads; beyond, the people by subquery
# People one word may name and still be sent as a list; beyond, by subquery: PostgreSQL plans
# a list of ids value by value, which for thousands costs more than the query.
PEOPLE_LISTED = 100
SPELLINGS_SEARCHED = 12  # of the people a word names, the spellings looked for in the texts
# What ts_headline puts around a matched word: characters of Unicode's private use area,
# taken out of the text first, so the marks are placed, and escaped, by the page.
START, STOP = "\ue000", "\ue001"
MARKS = START + STOP
_WORD_CHARACTER = re.compile(r"\w")


@dataclasses.dataclass
class Term:
    """One word or quoted phrase of a search, and the people it names."""

    text: str
    phrase: bool
    keys: set
    people: set | None = dataclasses.field(default_factory=set)  # None: too many to list
    spellings: dict = dataclasses.field(default_factory=dict)  # the people's, as keys

    @property
    def forms(self):
        """(text, phrase) of what to look for in the claims' words: the term itself, and the
        people's other spellings it stands for."""
        found = {self.text.casefold(): (self.text, self.phrase)}
        for spelling in list(self.spellings)[:SPELLINGS_SEARCHED]:
            found.setdefault(spelling.casefold(), (spelling, " " in spelling))
        return list(found.values())

    def text_query(self):
        """The term as a PostgreSQL full-text query: each form in each configuration, ORed."""
        queries = {}
        for text, phrase in self.forms:
            for config in QUERY_CONFIGS:
                search_type = "phrase" if phrase else "plain"
                queries[(text, config)] = SearchQuery(text, config=config, search_type=search_type)
            stem = None if phrase else prefix_stem(text)
            if stem:
                queries[(stem, "prefix")] = SearchQuery(
                    f"{stem}:*", config=SIMPLE_CONFIG, search_type="raw"
                )
        return reduce(operator.or_, queries.values())

    def substrings(self):
        """What to look for on SQLite: the forms, or a Cyrillic word's stem as written
        ("Зеленськ" for Зеленський)."""
        found = {}
        for text, phrase in self.forms:
            stem = None if phrase else prefix_stem(text)
            found[text[: len(stem)] if stem else text] = None
        return list(found)

    def named(self, field):
        """A filter on ``field`` to the term's people: their ids when they are few, else a
        subquery of the keys."""
        if self.people is not None and len(self.people) <= PEOPLE_LISTED:
            return {f"{field}__any_of": self.people}
        named = PersonNameKey.objects.filter(key__any_of=self.keys).values("person_id")
        return {f"{field}__in": named}

    def by_name(self):
        """The claims the term's people made or are the subject of, as a condition tested
        claim by claim; None when the term names nobody."""
        if self.people == set():
            return None
        # A scalar subquery, tested per claim: PostgreSQL would turn an EXISTS or an IN into
        # a hash of every claim about these people, which for a common name is most of the
        # work.
        subject = ClaimSubject.objects.filter(claim=models.OuterRef("pk"), **self.named("person"))
        one_subject = models.Subquery(subject.order_by().values("pk")[:1])
        return models.Q(**self.named("claimant")) | models.Q(IsNull(one_subject, False))


def _term(text):
    text = text.translate(dict.fromkeys(map(ord, MARKS))).strip(" \"'")
    if not _WORD_CHARACTER.search(text):
        return None
    phrase = len(text.split()) > 1
    keys = {name_key(text)} if phrase else word_keys(text)
    return Term(text, phrase, {key for key in keys if key})


class ClaimSearch:
    """A search of claims as a reader types it: ``filter()`` a queryset by it, ``explain()``
    the claims of a page."""

    def __init__(self, words):
        terms = (_term(text) for text in search_terms(words.strip()))
        self.terms = [term for term in terms if term is not None]
        self._find_people()

    def _find_people(self):
        """The people each term names, by key, and their spellings: one query, two when they
        are more than a search lists (then the people are found again by subquery)."""
        keys = set().union(*(term.keys for term in self.terms))
        if not keys:
            return
        found = PersonNameKey.objects.filter(key__any_of=keys).order_by()
        rows = list(found.values_list("person_id", "key", "spelling")[: KEYS_READ + 1])
        if len(rows) > KEYS_READ:
            spellings = found.values_list("key", "spelling").distinct()[:KEYS_READ]
            rows = [(None, key, spelling) for key, spelling in spellings]
        for person_id, key, spelling in rows:
            for term in self.terms:
                if key in term.keys:
                    term.spellings.setdefault(spelling, None)
                    if person_id is None:
                        term.people = None
                    elif term.people is not None:
                        term.people.add(person_id)

    def __bool__(self):
        return bool(self.terms)

    # --- Which claims match ------------------------------------------------------------------

    def filter(self, claims):
        """The claims of ``claims`` that match every term."""
        if not self.terms:
            return claims
        if connection.vendor != "postgresql":
            return self._filter_by_substrings(claims)
        ids = None
        for condition, matching in self._parts():
            found = _ids_unless_common(matching)
            if found is None:
                claims = claims.filter(condition)
            else:
                ids = found if ids is None else ids & found
        return claims if ids is None else claims.filter(pk__any_of=ids)

    def _parts(self):
        """(condition, the ids matching it) for each part of the search: the terms that name
        nobody together, as one full-text query, and each term that names someone alone."""
        unnamed = [term.text_query() for term in self.terms if term.people == set()]
        if unnamed:
            query = reduce(operator.and_, unnamed)
            matching = Claim.objects.filter(search_document=query).order_by().values_list("pk")
            yield models.Q(search_document=query), matching
        for term in self.terms:
            if term.people == set():
                continue
            query = term.text_query()
            everything = Claim.objects.order_by().values_list("pk")
            subjects = ClaimSubject.objects.filter(**term.named("person")).order_by()
            matching = everything.filter(search_document=query).union(
                everything.filter(**term.named("claimant")),
                subjects.values_list("claim_id"),
                all=True,
            )
            # The union would be sorted by the claims' default order.
            yield models.Q(search_document=query) | term.by_name(), matching.order_by()

    def _filter_by_substrings(self, claims):
        for term in self.terms:
            condition = reduce(
                operator.or_,
                (models.Q(search_document__icontains=text) for text in term.substrings()),
            )
            named = term.by_name()
            claims = claims.filter(condition | named if named else condition)
        return claims

    # --- Why they matched ----------------------------------------------------------------------

    @cached_property
    def _text_query(self):
        return reduce(operator.or_, (term.text_query() for term in self.terms))

    def explain(self, claims):
        """For each claim of a page (with its claimant), why it matched: ``claim.marked``, the
        claim's text, its claimant as reported and a snippet of the verdict's reasons, each as
        ``Marked`` text (the rationale only where it matched); and ``claim.matched_names``,
        the people it matched by as (``"by"`` or ``"about"``, person, spelling or ""). At
        most three queries, whatever the page holds."""
        claims = list(claims)
        if not self.terms or not claims:
            return claims
        if connection.vendor == "postgresql":
            marked = self._headlines([claim.pk for claim in claims])
        else:
            marked = {claim.pk: self._marked_in_python(claim) for claim in claims}
        subjects = {}
        if any(term.people != set() for term in self.terms):
            rows = ClaimSubject.objects.filter(claim__any_of={claim.pk for claim in claims})
            for subject in rows.select_related("person").order_by("person__name"):
                subjects.setdefault(subject.claim_id, []).append(subject.person)
        named = self._named_among(
            {claim.claimant_id for claim in claims if claim.claimant_id}
            | {person.pk for people in subjects.values() for person in people}
        )
        for claim in claims:
            claim.marked = marked[claim.pk]
            people = [("by", claim.claimant)] if claim.claimant_id in named else []
            people += [("about", p) for p in subjects.get(claim.pk, []) if p.pk in named]
            claim.matched_names = [
                (relation, person, _spelling_shown(person, named[person.pk]))
                for relation, person in people
            ]
        return claims

    def _named_among(self, person_ids):
        """Person id -> [(the term typed, a spelling it found them by)], for these people (a
        page's) that the terms name."""
        typed = {key: term.text for term in self.terms if term.people != set() for key in term.keys}
        if not typed or not person_ids:
            return {}
        rows = PersonNameKey.objects.filter(person__any_of=person_ids, key__any_of=set(typed))
        named = {}
        for person_id, key, spelling in rows.values_list("person_id", "key", "spelling"):
            named.setdefault(person_id, []).append((typed[key], spelling))
        return named

    def _headlines(self, ids):
        query, config = self._text_query, language_config()

        def headline(field, **options):
            text = models.Func(
                models.F(field),
                models.Value(MARKS),
                models.Value(""),
                function="translate",
                output_field=models.TextField(),
            )
            return SearchHeadline(
                text, query, config=config, start_sel=START, stop_sel=STOP, **options
            )

        rows = Claim.objects.filter(pk__any_of=set(ids)).values_list(
            "pk",
            headline("text", highlight_all=True),
            headline("claimant_label", highlight_all=True),
            headline("verdict_rationale", max_fragments=2, max_words=30, min_words=12),
        )
        return {pk: ClaimMarks(*map(Marked.from_headline, texts)) for pk, *texts in rows}

    def _marked_in_python(self, claim):
        pattern = re.compile(
            "|".join(
                re.escape(text)
                for term in self.terms
                for text in sorted(term.substrings(), key=len, reverse=True)
            ),
            re.IGNORECASE,
        )
        return ClaimMarks(
            Marked.find(claim.text, pattern),
            Marked.find(claim.claimant_label, pattern),
            Marked.find(claim.verdict_rationale, pattern, snippet=True),
        )


def _spelling_shown(person, found):
    """The spelling a person was found by, where their name does not show it: the one typed,
    else one in the script typed ("Зеленського" shows Зеленський), else none."""
    in_name = {word.casefold() for word in person.name.split()} | {person.name.casefold()}
    for typed, spelling in found:
        if spelling.casefold() == typed.casefold():
            return "" if spelling.casefold() in in_name else spelling
    for typed, spelling in found:
        if _script(spelling) == _script(typed) and spelling.casefold() not in in_name:
            return spelling
    return ""


def _script(text):
    return "cyrillic" if re.search(r"[\u0400-\u04ff]", text) else "latin"


def _ids_unless_common(matching):
    """The ids ``matching`` gives, as a set, unless they are too many to list (None): the
    planner's statistics answer for a word they know to be common, which is then not read."""
    if matching is None or (planned_rows(matching) or 0) >= COMMON_MATCHES:
        return None
    found = {pk for (pk,) in matching[: SEARCH_IDS + 1]}
    return found if len(found) <= SEARCH_IDS else None


@dataclasses.dataclass(frozen=True, slots=True)
class ClaimMarks:
    text: "Marked"
    claimant_label: "Marked"
    rationale: "Marked"


@dataclasses.dataclass(frozen=True, slots=True)
class Marked:
    """A text as (part, matched) pairs, for a page to escape and mark: ``parts`` is empty
    when no word of it matched."""

    parts: tuple = ()

    def __bool__(self):
        return any(matched for _, matched in self.parts)

    @classmethod
    def from_headline(cls, headline):
        """From ts_headline's output, whose marks are ``START`` and ``STOP``."""
        parts = []
        for piece in re.split(f"({START}.*?{STOP})", headline or ""):
            if piece.startswith(START):
                parts.append((piece.strip(MARKS), True))
            elif piece:
                parts.append((piece, False))
        return cls(tuple(parts)) if any(m for _, m in parts) else cls()

    @classmethod
    def find(cls, text, pattern, *, snippet=False, around=12):
        """Mark ``pattern``'s matches in ``text``; a snippet keeps ``around`` words either
        side of the first."""
        text = (text or "").translate(dict.fromkeys(map(ord, MARKS)))
        matches = list(pattern.finditer(text))
        if not matches:
            return cls()
        start, end = 0, len(text)
        if snippet:
            words = list(re.finditer(r"\S+", text))
            first = next(i for i, word in enumerate(words) if word.end() > matches[0].start())
            start = words[max(0, first - around)].start()
            end = words[min(len(words) - 1, first + around)].end()
        parts, at = [("… ", False)] if start else [], start
        for match in matches:
            if match.start() < at or match.end() > end:
                continue
            parts += [(text[at : match.start()], False), (match.group(), True)]
            at = match.end()
        parts.append((text[at:end] + (" …" if end < len(text) else ""), False))
        return cls(tuple(part for part in parts if part[0]))
