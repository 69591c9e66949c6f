from .claims import Citation, Claim, ClaimSubject
from .contradictions import Contradiction
from .imports import ImportRun
from .meetings import Meeting, MeetingCitation, Participant
from .people import Person, PersonAlias, Role, RoleCitation

__all__ = [
    "Citation",
    "Claim",
    "ClaimSubject",
    "Contradiction",
    "ImportRun",
    "Meeting",
    "MeetingCitation",
    "Participant",
    "Person",
    "PersonAlias",
    "Role",
    "RoleCitation",
]
