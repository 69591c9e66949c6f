"""Claims whose footing a rule finds wanting: the rules behind suggested sourcing checks.

One rule for now: a published claim rated accurate (or mostly accurate) although every
source it cites comes back to one origin whose people are not named (``Claim.
rests_on_one_unnamed_origin``): however many reports repeat an unnamed briefing, it is one
account that readers cannot weigh. Storing what it finds is
``talks.services.suggestion_runs``'s job.
"""

from collections import defaultdict
from dataclasses import dataclass

from sources.models import SourceBasis
from sources.provenance import ProvenanceMap

from . import visibility
from .models import Citation
from .models.claims import UPHELD
from .models.sourcing_suggestions import SourcingRule


@dataclass(frozen=True)
class Finding:
    claim: int
    rule: str
    explanation: str

    @property
    def key(self):
        return (self.claim, self.rule)


def rated_accurate_on_one_unnamed_origin():
    """The published claims rated accurate on one unnamed origin, each with what was found,
    in four queries whatever their number."""
    claims = list(
        visibility.claims()
        .filter(verdict__in=UPHELD)
        .resting_on_one_unnamed_origin()
        .only("pk", "verdict")
    )
    citations = defaultdict(list)
    found = Citation.objects.filter(claim__in=[claim.pk for claim in claims])
    for citation in found.select_related("source"):
        citations[citation.claim_id].append(citation)
    cited = {citation.source_id for rows in citations.values() for citation in rows}
    bases = ProvenanceMap(SourceBasis.objects.upstream_of(cited))
    findings = []
    for claim in claims:
        (origin,) = bases.origins(citations[claim.pk])
        findings.append(
            Finding(
                claim.pk,
                SourcingRule.ONE_UNNAMED_ORIGIN,
                f"Rated {claim.get_verdict_display().lower()}, though all "
                f"{len(citations[claim.pk])} sources cited come back to one origin whose "
                f"people are not named: {origin.source.title}. However many reports repeat "
                "it, it is one account: check the verdict, or cite an independent origin.",
            )
        )
    return findings


def find_sourcing_gaps():
    """Every sourcing rule's findings, one per claim and rule."""
    return {finding.key: finding for finding in rated_accurate_on_one_unnamed_origin()}
