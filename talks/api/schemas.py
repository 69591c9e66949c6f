"""The shapes of the read API's answers, as the OpenAPI schema describes them.

Records are named by their slug, as on the readers' pages; ``page`` is the reader's page of
the record, ``api`` its address in this API.
"""

import datetime
from enum import Enum

from ninja import Schema
from pydantic import Field

from ..models import Claim

VerdictValue = Enum("VerdictValue", {value: value for value in Claim.Verdict.values}, type=str)


class PersonRef(Schema):
    slug: str
    name: str
    api: str
    page: str


class MeetingRef(Schema):
    slug: str
    title: str
    start_date: datetime.date | None
    api: str
    page: str


class SourceRef(Schema):
    slug: str
    title: str
    kind: str
    outlet: str
    author: str
    published_on: datetime.date | None
    basis: str = Field(
        description="What its account rests on: original (its own reporting), relays (the "
        "sources it rests on), unknown."
    )
    url: str = Field(description="The document itself, when it is on the web; else empty.")
    api: str
    page: str


class ClaimSummary(Schema):
    slug: str
    text: str
    language: str
    verdict: VerdictValue
    verdict_label: str
    rating: int | None = Field(description="5 (accurate) to 1 (false); none if unverifiable.")
    claimant: PersonRef | None
    claimant_label: str = Field(description="How the sources name the claimant.")
    claimed_on: datetime.date | None
    published_at: datetime.datetime
    meeting: MeetingRef | None
    api: str
    page: str


class CitationOut(Schema):
    source: SourceRef
    quote: str = Field(description="The exact words as they stand in the source.")
    location: str
    relation: str = Field(description="originates (the claim starts here) or repeats.")
    attribution: str = Field(
        description="To whom the source puts the words: named_official, official_document, "
        "spokesperson, unnamed, relay, unattributed (its own words), or empty (not recorded)."
    )
    language: str = Field(description="The quote's language.")


class ChainStep(Schema):
    """A source in the chain back to the origin, and what it rests on."""

    source: SourceRef
    note: str = Field(description="How it rests on the source above it.")
    cited: bool = Field(description="Whether the claim cites this source itself.")
    is_origin: bool
    hidden_bases: int = Field(description="Bases recorded behind it that lead to no cited source.")
    circles_back_to: list[SourceRef] = Field(
        description="Sources it rests on that rest on it in turn: relaying in a circle."
    )
    bases: list["ChainStep"]


class OriginOut(Schema):
    """An independent origin: a cited source no other cited source lies behind, or a circle
    of cited sources relaying one another."""

    sources: list[SourceRef]
    attributions: list[str] = Field(description="The claim's citation of each, as attributed.")
    circular: bool = Field(description="Several sources relaying one another in a circle.")
    unnamed: bool = Field(description="Nobody readers are told the name of is behind it.")


class ContradictionOut(Schema):
    kind: str
    status: str
    note: str
    other_claim: "ClaimRef"
    holds: str | None = Field(description="Which claim holds: this, other, or none decided.")
    resolution_note: str


class ClaimRef(Schema):
    slug: str
    text: str
    verdict: VerdictValue
    api: str
    page: str


class CorrectionOut(Schema):
    made_at: datetime.datetime
    reason: str
    text: str
    previous_text: str
    verdict: str
    previous_verdict: str
    quote: str = Field(description="A citation's quote as corrected; empty when none changed.")
    previous_quote: str = Field(description="The quote before the correction; else empty.")


class ClaimDetail(ClaimSummary):
    verdict_rationale: str
    about: list[PersonRef]
    citations: list[CitationOut]
    source_chain: list[ChainStep]
    origins: list[OriginOut] = Field(
        description="The independent accounts its sources come back to; four reports of one "
        "briefing are one origin."
    )
    rests_on_one_unnamed_origin: bool
    contradictions: list[ContradictionOut]
    corrections: list[CorrectionOut]


class AliasOut(Schema):
    name: str
    kind: str
    language: str


class RoleOut(Schema):
    title: str
    organisation: str
    on_behalf_of: PersonRef | None
    start_date: datetime.date | None
    end_date: datetime.date | None


class PersonSummary(PersonRef):
    description: str
    wikidata_id: str
    same_as: str = Field(description="The person's Wikidata page, when known.")


class PersonDetail(PersonSummary):
    aliases: list[AliasOut]
    roles: list[RoleOut]


class MeetingSummary(MeetingRef):
    kind: str
    status: str
    end_date: datetime.date | None
    date_precision: str
    place: str
    country: str


class ParticipantOut(Schema):
    person: PersonRef
    side: str
    role: str


class MeetingDetail(MeetingSummary):
    description: str
    participants: list[ParticipantOut]


class SourceDetail(SourceRef):
    language: str
    archive_url: str
    rests_on: list[ChainStep]


class Problem(Schema):
    """Why the request cannot be answered."""

    detail: str | list[dict]


def page_of(item):
    """The schema of a page of ``item``s."""
    return type(
        f"{item.__name__}Page",
        (Schema,),
        {
            "__annotations__": {"next": str | None, "results": list[item]},
            "__doc__": "One page; ``next`` is the next page's address, none on the last.",
        },
    )
