from . import claims, contradictions, imports, meetings, notifications, people, sources  # noqa: F401,E501  (registers the admins)
