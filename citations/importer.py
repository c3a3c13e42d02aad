"""The importer under the name DESIGN.md gives it (`citations.importer.plan`, `.apply`).

The code lives in `citations.importing`, one module per concern (its docstring gives the
flow); this module only keeps the design's name working for tools and scripts that use it.
New code imports `citations.importing`.
"""

from citations.importing import (  # noqa: F401 - re-exported under the design's name
    DUPLICATE,
    INVALID,
    NEW,
    ImportPlan,
    PlanItem,
    apply,
    plan,
    serialised,
)
