"""The names the design contract gives keep working (docs/architecture.md, "Names the design
contract keeps"): `citations.importer.plan`/`.apply` and `evidence.grading.grade` as grade-1."""

from citations import importer, importing
from evidence import grading
from evidence.rubrics import grade1


def test_citations_importer_is_the_importing_package_under_the_design_name():
    assert importer.plan is importing.plan
    assert importer.apply is importing.apply
    assert importer.ImportPlan is importing.ImportPlan


def test_evidence_grading_grade_grades_with_rubric_grade_1():
    facts = [grading.EvidenceFacts(stance="supports", design="rct", population="humans")]
    result = grading.grade("humans", facts)
    assert grading.grade is grade1.grade
    assert isinstance(result, grading.Grade)
    assert (result.level, result.direction, result.rubric) == ("high", "supported", "grade-1")
