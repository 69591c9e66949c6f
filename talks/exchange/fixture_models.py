"""The models a fixture carries, the fields of each that a fixture holds, and why the other
models of a whole-database dump stay out."""

from django.apps import apps

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
    SourcingSuggestion,
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
    SourcingSuggestion,
]


def fixture_fields(model):
    """The fields of ``model`` a fixture holds and the importer writes, in the table's order:
    every written field but the primary key (fixtures name rows by their natural keys)."""
    return [field for field in written_fields(model) if not field.primary_key]


# The desk's own rows that a dump of the whole database carries and an import leaves out.
NOT_CARRIED = {
    "talks.importrun": "the desk's record of its own imports, which each desk keeps",
    "talks.edition": "the public pages' clock, which each write moves on",
    "talks.personnamekey": "the readers' search keys, rebuilt from the people's names",
    "sources.capture": "the desk's own copies of cited pages, which each desk takes itself",
    "sources.quotecheck": "the quotes checked in the desk's own copies of cited pages",
    "sources.sourcechange": "changes found in the desk's own copies of cited pages",
    "talks.rejectedproposal": (
        "the desk's own decisions on the statements it proposed, named by its own row ids"
    ),
}


def why_not_carried(label):
    """Why the import skips the rows of the installed model ``label`` (a stock ``dumpdata``
    of the whole database carries them), or None when no such model is installed."""
    try:
        model = apps.get_model(label)
    except (LookupError, ValueError):
        return None
    if model in FIXTURE_MODELS:
        return None
    if hasattr(model, "instance_type"):  # simple-history's table of a model's versions
        return "history, which the import writes itself for what it creates and changes"
    return NOT_CARRIED.get(
        model._meta.label_lower,
        "not desk data: logins, permissions, sessions and logs stay with each desk",
    )
