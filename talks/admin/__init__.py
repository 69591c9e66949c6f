from . import (  # noqa: F401  (registers the admins)
    claims,
    contradictions,
    imports,
    logins,
    meetings,
    notifications,
    people,
    source_changes,
    sources,
    sourcing,
)
