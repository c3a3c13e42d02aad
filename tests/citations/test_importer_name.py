"""DESIGN.md's data flow names `citations.importer.apply`: that name keeps working."""

from citations import importer, importing


def test_design_name_is_the_importing_package():
    assert importer.plan is importing.plan
    assert importer.apply is importing.apply
    assert importer.ImportPlan is importing.ImportPlan
