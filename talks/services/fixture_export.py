"""The desk as fixture JSON with natural keys: sorted and stable, so a round trip is identical.

The format is what ``dumpdata --natural-foreign --natural-primary --indent 2`` writes (no
database ids, references by natural key), with the objects in ``FIXTURE_MODELS`` order and,
within a model, sorted by natural key. Exporting, importing into an empty database and
exporting again gives the same bytes.
"""

import json
from collections import Counter

from django.core.serializers.json import DjangoJSONEncoder

from sources.models import Source, SourceBasis

from ..models import (
    Citation,
    Claim,
    ClaimSubject,
    Contradiction,
    Meeting,
    MeetingCitation,
    Participant,
    Person,
    PersonAlias,
    Role,
    RoleCitation,
)
from .fixture_import import FIXTURE_MODELS
from .fixture_rules import NATURAL_KEY_FIELDS, canonical


def export_fixtures(stream, *, published_only=False):
    """Write the fixture JSON to ``stream``; returns the number of objects per model label."""
    scope = published_scope() if published_only else None
    keys = {}  # model -> primary key -> natural key
    counts = Counter()
    stream.write("[")
    written = 0
    for model in FIXTURE_MODELS:
        label = model._meta.label_lower
        fields = [field for field in model._meta.local_fields if field.serialize]
        key_fields = NATURAL_KEY_FIELDS[label]
        rows = model._base_manager.order_by().values_list("pk", *(f.attname for f in fields))
        if scope is not None:
            rows = [row for row in rows if row[0] in scope[model]]
        objects, keys[model] = [], {}
        for pk, *values in rows:
            data = {}
            for field, value in zip(fields, values, strict=True):
                if field.is_relation and value is not None:
                    value = list(_key_of(field.related_model, value, keys))
                data[field.name] = value
            key = ()
            for name in key_fields:
                value = data[name]
                key += tuple(value) if isinstance(value, list) else (canonical(value),)
            keys[model][pk] = key
            objects.append((_sortable(key), {"model": label, "fields": data}))
        objects.sort(key=lambda pair: pair[0])
        for _, data in objects:
            text = json.dumps(
                data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2, separators=(",", ": ")
            )
            stream.write(("," if written else "") + "\n" + text)
            written += 1
        counts[label] = len(objects)
    stream.write("\n]\n")
    return counts


def _key_of(model, pk, keys):
    """The natural key of a referenced object: exported earlier, or a user."""
    if model in keys:
        return keys[model][pk]
    others = keys.setdefault(model, {})
    if pk not in others:
        others[pk] = model._default_manager.get(pk=pk).natural_key()
    return others[pk]


def _sortable(key):
    return tuple((part is not None, part if part is not None else "") for part in key)


def published_scope():
    """The primary keys of what the public may see, per model.

    Published claims, their citations and the people they are about; their claimants and
    meetings, with the meetings' participants and sources; those people's other names and
    roles (and the people the roles act for); and every source all of these cite, with the
    sources those rest on. Contradictions are the desk's working notes and stay out.
    """

    def pairs(model, *fields):
        return list(model._base_manager.order_by().values_list("pk", *fields))

    claims = {pk for pk, status in pairs(Claim, "status") if status == Claim.Status.PUBLISHED}
    claim_rows = [row for row in pairs(Claim, "claimant_id", "meeting_id") if row[0] in claims]
    citations = [row for row in pairs(Citation, "claim_id", "source_id") if row[1] in claims]
    subjects = [row for row in pairs(ClaimSubject, "claim_id", "person_id") if row[1] in claims]
    meetings = {meeting for _, _, meeting in claim_rows if meeting}
    participants = [
        row for row in pairs(Participant, "meeting_id", "person_id") if row[1] in meetings
    ]
    meeting_citations = [
        row for row in pairs(MeetingCitation, "meeting_id", "source_id") if row[1] in meetings
    ]
    people = {claimant for _, claimant, _ in claim_rows if claimant}
    people |= {person for _, _, person in subjects} | {person for _, _, person in participants}
    all_roles = pairs(Role, "person_id", "on_behalf_of_id")
    while True:  # a role acts for someone, whose own roles come along
        roles = [row for row in all_roles if row[1] in people]
        more = {behalf for _, _, behalf in roles if behalf and behalf not in people}
        if not more:
            break
        people |= more
    role_ids = {pk for pk, _, _ in roles}
    role_citations = [
        row for row in pairs(RoleCitation, "role_id", "source_id") if row[1] in role_ids
    ]
    sources = {source for *_, source in citations + meeting_citations + role_citations}
    all_bases = pairs(SourceBasis, "source_id", "basis_id")
    while True:  # the sources these rest on, back to the origin
        bases = [row for row in all_bases if row[1] in sources]
        more = {basis for _, _, basis in bases if basis not in sources}
        if not more:
            break
        sources |= more
    aliases = {pk for pk, person in pairs(PersonAlias, "person_id") if person in people}
    return {
        Source: sources,
        SourceBasis: {pk for pk, _, _ in bases},
        Person: people,
        PersonAlias: aliases,
        Role: role_ids,
        RoleCitation: {pk for pk, _, _ in role_citations},
        Meeting: meetings,
        Participant: {pk for pk, _, _ in participants},
        MeetingCitation: {pk for pk, _, _ in meeting_citations},
        Claim: claims,
        ClaimSubject: {pk for pk, _, _ in subjects},
        Citation: {pk for pk, _, _ in citations},
        Contradiction: set(),
    }
