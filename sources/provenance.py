"""Walking provenance back to the origin, over steps fetched in one query.

``SourceBasis.objects.upstream_of(...)`` fetches every step behind some sources at once; a
``ProvenanceMap`` over those steps answers the page's questions (what does this rest on, what
does it reach, the tree back to the origins) without asking the database again.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field


@dataclass
class ProvenanceStep:
    """A source in a provenance tree: how it rests on its parent, and what it rests on."""

    source: object
    note: str = ""
    bases: list["ProvenanceStep"] = field(default_factory=list)
    hidden_bases: int = 0
    citation: object = None
    # Sources further down this branch that it rests on in turn: relaying in a circle.
    circles_back_to: list = field(default_factory=list)

    def walk(self):
        """This step and every step behind it, parents first."""
        yield self
        for basis in self.bases:
            yield from basis.walk()

    @property
    def is_origin(self):
        """Nothing further back is recorded: as far as the desk knows, it starts here."""
        return not self.bases and not self.hidden_bases


class ProvenanceMap:
    def __init__(self, steps):
        self.bases = defaultdict(list)
        for step in steps:
            self.bases[step.source_id].append(step)

    def reaches(self, source_id):
        """The ids of every source behind ``source_id``, however indirectly."""
        found, frontier = set(), [source_id]
        while frontier:
            current = frontier.pop()
            for step in self.bases[current]:
                if step.basis_id not in found:
                    found.add(step.basis_id)
                    frontier.append(step.basis_id)
        found.discard(source_id)
        return found

    def tree(self, source, keep=None):
        """``source`` and what it rests on, back to the origins, each source once.

        With ``keep`` (a set of source ids), only the branches that lead to a kept source are
        walked; the bases left out are counted in ``hidden_bases``. A basis that is one of the
        step's own relays (a circle) is named in ``circles_back_to``.
        """
        return self._tree(source, "", keep, seen={source.pk}, path=(source.pk,))

    def _tree(self, source, note, keep, seen, path):
        step = ProvenanceStep(source=source, note=note)
        for basis in self.bases[source.pk]:
            if basis.basis_id in path:
                step.circles_back_to.append(basis.basis)
                continue
            if basis.basis_id in seen:
                continue
            if keep is not None and not ({basis.basis_id} | self.reaches(basis.basis_id)) & keep:
                step.hidden_bases += 1
                continue
            seen.add(basis.basis_id)
            step.bases.append(
                self._tree(basis.basis, basis.note, keep, seen, (*path, basis.basis_id))
            )
        return step

    def origins(self, citations):
        """Where ``citations`` (of one record, their sources loaded) start, as ``Origin``s.

        A cited source is an origin when no other cited source lies behind it, unless that
        one rests on it in turn: sources relaying one another in a circle are one origin,
        since none of them is independent of the others. A source cited as originating the
        record comes first, then the earliest.
        """
        by_source = {}
        for citation in citations:
            by_source.setdefault(citation.source_id, citation)
        behind = {source_id: self.reaches(source_id) & set(by_source) for source_id in by_source}
        found, placed = [], set()
        for source_id in by_source:
            circle = {other for other in behind[source_id] if source_id in behind[other]}
            if source_id in placed or behind[source_id] - circle:
                continue
            members = sorted({source_id} | circle)
            placed.update(members)
            found.append(Origin([by_source[member] for member in members]))
        found.sort(key=Origin.order)
        return found


ORIGINATES = "originates"  # CitationBase.Relation.ORIGINATES, without importing the models


@dataclass
class Origin:
    """One independent origin of a record: a cited source that rests on no other cited one,
    or a circle of cited sources relaying one another, with the record's citations of it."""

    citations: list

    @property
    def sources(self):
        return [citation.source for citation in self.citations]

    @property
    def source(self):
        return self.citations[0].source

    @property
    def citation(self):
        return self.citations[0]

    @property
    def circular(self):
        """Several sources relaying one another: on record, none of them stands on its own."""
        return len(self.citations) > 1

    @property
    def unnamed(self):
        """Nobody readers can name is behind it: every source in it speaks for unnamed people."""
        return all(citation.is_unnamed for citation in self.citations)

    def order(self):
        return (
            not any(citation.relation == ORIGINATES for citation in self.citations),
            min((c.source.published_on or datetime.date.max) for c in self.citations),
            self.citations[0].source_id,
        )


def single_unnamed_origin(origins):
    """Whether everything rests on one origin, and nobody readers can name is behind it."""
    return len(origins) == 1 and origins[0].unnamed
