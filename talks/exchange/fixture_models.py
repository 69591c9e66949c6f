"""The models a fixture carries, and the fields of each that a fixture holds."""

from sources.models import Source, SourceBasis
from sources.records import written_fields

from ..models import (
    Citation,
    Claim,
    ClaimSubject,
    Contradiction,
    ContradictionSuggestion,
    Meeting,
    MeetingCitation,
    Participant,
    Person,
    PersonAlias,
    Role,
    RoleCitation,
    Statement,
)

# Every model a fixture may carry, in an order where references point backwards: the order
# the importer resolves and writes them in, and the exporter writes them in.
FIXTURE_MODELS = [
    Source,
    SourceBasis,
    Person,
    PersonAlias,
    Role,
    RoleCitation,
    Meeting,
    Participant,
    MeetingCitation,
    Claim,
    ClaimSubject,
    Citation,
    Statement,
    Contradiction,
    ContradictionSuggestion,
]


def fixture_fields(model):
    """The fields of ``model`` a fixture holds and the importer writes, in the table's order:
    every written field but the primary key (fixtures name rows by their natural keys)."""
    return [field for field in written_fields(model) if not field.primary_key]
