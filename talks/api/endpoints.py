"""The read API's operations: the published claims, and the people, meetings and sources they
reach, asked of ``talks.visibility`` exactly as the readers' pages ask it.

Each operation runs a fixed number of queries, whatever the page holds.
"""

import datetime

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import NinjaAPI, Query
from ninja.errors import HttpError
from pydantic import Field

from sources.models import SourceBasis
from sources.provenance import ProvenanceMap
from sources.search_terms import search_terms

from .. import page_tags, visibility
from ..models import Claim, Role
from ..models.claim_search import WORDS_SEARCHED, ClaimSearch
from . import schemas
from .pages import DEFAULT_SIZE, LARGEST_SIZE, keyset_page

api = NinjaAPI(
    title="Fact desk",
    version="1",
    description="The desk's published fact checks, read-only: claims with their verdicts, "
    "citations, source chains, contradictions and corrections; the people, meetings and "
    "sources they reach. Pages follow `next`; answers carry an ETag for conditional requests.",
    urls_namespace="api",
)

CLAIM_ORDER = ("-published_at", "-pk")  # newest first, as the readers' list
RECORD_ORDER = ("pk",)  # in the order the desk recorded them

Size = Query(DEFAULT_SIZE, ge=1, le=LARGEST_SIZE, description="Rows a page holds.")
Cursor = Query(None, max_length=200, description="The `next` of the page before.")
ERRORS = {400: schemas.Problem, 404: schemas.Problem, 422: schemas.Problem}


class ClaimFilters(schemas.Schema):
    q: str = Field("", max_length=200, description='Words or "phrases", in any language.')
    verdict: schemas.VerdictValue | None = None
    person: str | None = Field(None, max_length=200, description="A person's slug.")
    meeting: str | None = Field(None, max_length=200, description="A meeting's slug.")
    published_from: datetime.date | None = None
    published_to: datetime.date | None = None


@api.get(
    "/claims",
    response={200: schemas.page_of(schemas.ClaimSummary), **ERRORS},
    url_name="claims",
    summary="Published claims, newest first",
)
def claims(request, filters: Query[ClaimFilters], size: int = Size, cursor: str | None = Cursor):
    if len(list(search_terms(filters.q))) > WORDS_SEARCHED:
        raise HttpError(400, f"Search for at most {WORDS_SEARCHED} words or phrases at a time.")
    first, last = filters.published_from, filters.published_to
    if first and last and last < first:
        raise HttpError(400, "published_to is before published_from.")
    found = visibility.claims().filtered(
        search=ClaimSearch(filters.q),
        verdict=filters.verdict.value if filters.verdict else "",
        person=_chosen(visibility.people(), filters.person, "person"),
        meeting=_chosen(visibility.meetings(), filters.meeting, "meeting"),
        first_day=first,
        last_day=last,
    )
    return _page(request, found, CLAIM_ORDER, size, cursor, _claim_summary)


@api.get(
    "/claims/{slug}",
    response={200: schemas.ClaimDetail, **ERRORS},
    url_name="claim",
    summary="A published claim with its citations, source chain, contradictions and corrections",
)
def claim(request, slug: str):
    claim = get_object_or_404(visibility.claims().with_provenance(), slug=slug)
    contradictions = (
        visibility.contradictions().involving(claim).select_related("claim_a", "claim_b")
    )
    provenance = claim.provenance()
    page_tags.shows(claim)
    page_tags.shows_provenance(*provenance)
    return {
        **_claim_summary(request, claim),
        "verdict_rationale": claim.verdict_rationale,
        "about": [_person_ref(request, subject.person) for subject in claim.subjects.all()],
        "citations": [
            {
                "source": _source_ref(request, citation.source),
                "quote": citation.quote,
                "location": citation.location,
                "relation": citation.relation,
                "attribution": citation.attribution,
                "language": citation.quote_language,
            }
            for citation in claim.citations.all()
        ],
        "source_chain": [_chain(request, step) for step in provenance],
        "origins": [_origin(request, origin) for origin in claim.independent_origins()],
        "rests_on_one_unnamed_origin": claim.rests_on_one_unnamed_origin,
        "contradictions": [_contradiction(request, c, claim) for c in contradictions],
        "corrections": claim.history.corrections(),
    }


@api.get(
    "/people",
    response={200: schemas.page_of(schemas.PersonSummary), **ERRORS},
    url_name="people",
    summary="People a published claim reaches",
)
def people(request, size: int = Size, cursor: str | None = Cursor):
    return _page(request, visibility.people(), RECORD_ORDER, size, cursor, _person_summary)


@api.get(
    "/people/{slug}",
    response={200: schemas.PersonDetail, **ERRORS},
    url_name="person",
    summary="A person, with their other names and roles",
)
def person(request, slug: str):
    found = visibility.people().prefetch_related(
        "aliases", Prefetch("roles", Role.objects.select_related("on_behalf_of"))
    )
    person = get_object_or_404(found, slug=slug)
    page_tags.shows(person)
    return {
        **_person_summary(request, person),
        "aliases": [
            {"name": alias.name, "kind": alias.kind, "language": alias.language}
            for alias in person.aliases.all()
        ],
        "roles": [
            {
                "title": role.title,
                "organisation": role.organisation,
                "on_behalf_of": role.on_behalf_of and _person_ref(request, role.on_behalf_of),
                "start_date": role.start_date,
                "end_date": role.end_date,
            }
            for role in person.roles.all()
        ],
    }


@api.get(
    "/meetings",
    response={200: schemas.page_of(schemas.MeetingSummary), **ERRORS},
    url_name="meetings",
    summary="Meetings a published claim is about",
)
def meetings(request, size: int = Size, cursor: str | None = Cursor):
    return _page(request, visibility.meetings(), RECORD_ORDER, size, cursor, _meeting_summary)


@api.get(
    "/meetings/{slug}",
    response={200: schemas.MeetingDetail, **ERRORS},
    url_name="meeting",
    summary="A meeting, with its participants",
)
def meeting(request, slug: str):
    meeting = get_object_or_404(visibility.meetings(), slug=slug)
    participants = meeting.participants.select_related("person").order_by("side", "person__name")
    page_tags.shows(meeting)
    return {
        **_meeting_summary(request, meeting),
        "description": meeting.description,
        "participants": [
            {"person": _person_ref(request, p.person), "side": p.side, "role": p.role}
            for p in participants
        ],
    }


@api.get(
    "/sources",
    response={200: schemas.page_of(schemas.SourceRef), **ERRORS},
    url_name="sources",
    summary="Sources a published claim rests on, back to the origins",
)
def sources(request, size: int = Size, cursor: str | None = Cursor):
    return _page(request, visibility.sources(), RECORD_ORDER, size, cursor, _source_ref)


@api.get(
    "/sources/{slug}",
    response={200: schemas.SourceDetail, **ERRORS},
    url_name="source",
    summary="A source, with what it rests on back to the origin",
)
def source(request, slug: str):
    source = get_object_or_404(visibility.sources(), slug=slug)
    tree = ProvenanceMap(SourceBasis.objects.upstream_of([source.pk])).tree(source)
    page_tags.shows(source)
    page_tags.shows_provenance(tree)
    return {
        **_source_ref(request, source),
        "language": source.language,
        "archive_url": source.archive_url,
        "rests_on": [_chain(request, step) for step in tree.bases],
    }


# --- Shapes -----------------------------------------------------------------------------------


def _page(request, rows, order, size, cursor, shape):
    def next_url(position):
        query = request.GET.copy()
        query["cursor"] = position
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    page = keyset_page(rows, order=order, cursor=cursor, size=size, next_url=next_url)
    page_tags.lists_published(Claim)  # whom and what the published claims reach changes with them
    return {**page, "results": [shape(request, row) for row in page["results"]]}


def _chosen(records, slug, name):
    if not slug:
        return None
    found = records.filter(slug=slug).first()
    if found is None:
        raise HttpError(400, f"No {name} with published claims has that slug.")
    return found


def _links(request, name, record):
    return {
        "api": request.build_absolute_uri(reverse(f"api:{name}", args=[record.slug])),
        "page": request.build_absolute_uri(reverse(f"public:{name}", args=[record.slug])),
    }


def _person_ref(request, person):
    return {"slug": person.slug, "name": person.name, **_links(request, "person", person)}


def _person_summary(request, person):
    return {
        **_person_ref(request, person),
        "description": person.description,
        "wikidata_id": person.wikidata_id,
        "same_as": person.wikidata_url,
    }


def _meeting_ref(request, meeting):
    return {
        "slug": meeting.slug,
        "title": meeting.title,
        "start_date": meeting.start_date,
        **_links(request, "meeting", meeting),
    }


def _meeting_summary(request, meeting):
    return {
        **_meeting_ref(request, meeting),
        "kind": meeting.kind,
        "status": meeting.status,
        "end_date": meeting.end_date,
        "date_precision": meeting.date_precision,
        "place": meeting.place,
        "country": meeting.country,
    }


def _source_ref(request, source):
    return {
        "slug": source.slug,
        "title": source.title,
        "kind": source.kind,
        "outlet": source.outlet,
        "author": source.author,
        "published_on": source.published_on,
        "basis": source.reporting,
        "url": source.web_url,
        **_links(request, "source", source),
    }


def _origin(request, origin):
    return {
        "sources": [_source_ref(request, source) for source in origin.sources],
        "attributions": [citation.attribution for citation in origin.citations],
        "circular": origin.circular,
        "unnamed": origin.unnamed,
    }


def _claim_ref(request, claim):
    return {
        "slug": claim.slug,
        "text": claim.text,
        "verdict": claim.verdict,
        **_links(request, "claim", claim),
    }


def _claim_summary(request, claim):
    return {
        **_claim_ref(request, claim),
        "language": claim.language,
        "verdict_label": claim.get_verdict_display(),
        "rating": claim.rating,
        "claimant": claim.claimant and _person_ref(request, claim.claimant),
        "claimant_label": claim.claimant_label,
        "claimed_on": claim.claimed_on,
        "published_at": claim.published_at,
        "meeting": claim.meeting and _meeting_ref(request, claim.meeting),
    }


def _chain(request, step):
    return {
        "source": _source_ref(request, step.source),
        "note": step.note,
        "cited": step.citation is not None,
        "is_origin": step.is_origin,
        "hidden_bases": step.hidden_bases,
        "circles_back_to": [_source_ref(request, source) for source in step.circles_back_to],
        "bases": [_chain(request, basis) for basis in step.bases],
    }


def _contradiction(request, contradiction, claim):
    holds = contradiction.prevailing_claim_id
    return {
        "kind": contradiction.kind,
        "status": contradiction.status,
        "note": contradiction.note,
        "other_claim": _claim_ref(request, contradiction.other_claim(claim)),
        "holds": None if holds is None else ("this" if holds == claim.pk else "other"),
        "resolution_note": contradiction.resolution_note,
    }
