from . import claims, contradictions, imports, meetings, people, sources  # noqa: F401  (registers the admins)
