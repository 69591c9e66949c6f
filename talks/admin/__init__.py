from . import (  # noqa: F401  (registers the admins)
    claims,
    contradictions,
    imports,
    meetings,
    notifications,
    people,
    sources,
    sourcing,
)
