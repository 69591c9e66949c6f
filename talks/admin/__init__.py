from . import claims, contradictions, imports, meetings, people  # noqa: F401  (registers the admins)
