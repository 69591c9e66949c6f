"""Walking provenance back to the origin, over steps fetched in one query.

``SourceBasis.objects.upstream_of(...)`` fetches every step behind some sources at once; a
``ProvenanceMap`` over those steps answers the page's questions (what does this rest on, what
does it reach, the tree back to the origins) without asking the database again.
"""

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
        walked; the bases left out are counted in ``hidden_bases``.
        """
        return self._tree(source, "", keep, seen={source.pk})

    def _tree(self, source, note, keep, seen):
        step = ProvenanceStep(source=source, note=note)
        for basis in self.bases[source.pk]:
            if basis.basis_id in seen:
                continue
            if keep is not None and not ({basis.basis_id} | self.reaches(basis.basis_id)) & keep:
                step.hidden_bases += 1
                continue
            seen.add(basis.basis_id)
            step.bases.append(self._tree(basis.basis, basis.note, keep, seen))
        return step
