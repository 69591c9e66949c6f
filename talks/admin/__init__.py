from . import claims, contradictions, meetings, people  # noqa: F401  (registers the admins)
