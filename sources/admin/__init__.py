"""The desk's admin kit, shared by both apps and naming no domain, and the sources domain's
own admins.

- ``tracked``: ``TrackedAdmin`` and ``TrackedInline``, the base of every desk admin: each
  write leaves a history row with the editor and the reason, on every admin path;
- ``forms``: the change-reason form, which also refuses to overwrite a newer save, and the
  one reason field every form asks with;
- ``deleted``: the list of deleted records and the restore button beside each;
- ``filters``: list filters whose cost is bounded at any size;
- ``search``: search that the indexes answer at any size;
- ``sources``: the admins of sources and source bases, and the citation inline;
- ``captures``: the archive's copies of cited pages, read-only, and what a citation's and a
  source's pages say of them.
"""

from . import captures, sources  # noqa: F401  (registers the admins)
