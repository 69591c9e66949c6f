"""The desk's admin kit, shared by both apps and naming no domain, and the sources domain's
own admins (``sources.admin.sources``)."""

from . import sources  # noqa: F401  (registers the admins)
