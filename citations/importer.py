"""Contract alias: the design names the importer `citations.importer` (`plan`, `apply`).

The team's design contract (docs/architecture.md, "Names the design contract keeps") calls
the import step `citations.importer.apply`; tools and scripts may use that name, so it stays
(tests/test_contract_names.py). The code lives in `citations.importing`; new code imports that.
"""

from citations.importing import DUPLICATE, INVALID, NEW, ImportPlan, PlanItem, apply, plan

__all__ = ["DUPLICATE", "INVALID", "NEW", "ImportPlan", "PlanItem", "apply", "plan"]
