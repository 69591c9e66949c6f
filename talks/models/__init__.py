from .claims import Citation, Claim, ClaimSubject
from .contradictions import Contradiction, ContradictionSuggestion
from .editions import Edition  # noqa: F401  (the pages' clock, not desk data)
from .imports import ImportRun
from .meetings import Meeting, MeetingCitation, Participant
from .notifications import Delivery, Subscription  # noqa: F401  (Delivery: a log, not desk data)
from .people import Person, PersonAlias, PersonNameKey, Role, RoleCitation  # noqa: F401
from .sourcing_suggestions import SourcingSuggestion
from .statements import RejectedProposal, Statement
from .suggestion_runs import SuggestionRun  # noqa: F401  (a log of runs, not desk data)

__all__ = [
    "Citation",
    "Claim",
    "ClaimSubject",
    "Contradiction",
    "ContradictionSuggestion",
    "ImportRun",
    "Meeting",
    "MeetingCitation",
    "Participant",
    "Person",
    "PersonAlias",
    "Role",
    "RejectedProposal",
    "RoleCitation",
    "SourcingSuggestion",
    "Statement",
    "Subscription",
]
