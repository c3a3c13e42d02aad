"""The number of deciding studies stored with the grade (`Claim.grade_deciding`).

List pages said "2 studies decide" by regrading each listed claim on every request (its
evidence rows, its parts, the rubric): most of a cold claim list's time. Every regrade now
stores the count with the grade (evidence.services); this migration fills it for the claims
graded before, the way the list pages computed it: by the rubric that stored each grade
(`grade_rubric`), for a level whose profile names its deciding studies (high to very low, by
grade-2 or grade-3), from the evidence as it is, in batches of `BATCH` claims (a fixed number
of queries each). It writes only the new column: no grade changes, no `graded_at`.

It grades with today's engine (evidence.facts) through the historical models, so it reads
only columns of this point of the schema. Should a later migration add a column grading
reads, the backfill skips (it cannot read it here) and `manage.py regrade` fills the counts
(a regrade writes every claim whose stored count differs). Migrating back drops the column;
nothing to undo.
"""

from django.db import migrations, models

from evidence.facts import (
    CLAIM_FIELDS,
    GRADE1_ONLY,
    ITEM_FIELDS,
    claim_values,
    evidence_values_by_claim,
    grade_values,
    parts_by_claim,
)

COUNTED_LEVELS = ("high", "moderate", "low", "very_low")  # claims.pages.COUNTED_LEVELS
PROFILED_RUBRICS = ("grade-2", "grade-3")  # claims.pages.PROFILED_RUBRICS
BATCH = 1000
STORE_SQL = (
    "UPDATE claims_claim AS claim SET grade_deciding = v.deciding"
    " FROM unnest(%s::bigint[], %s::integer[]) AS v(id, deciding) WHERE claim.id = v.id"
)


def readable(Claim, Evidence) -> bool:
    """Whether every field grading reads is a column here (see the module's docstring)."""
    claim_names = {field.name for field in Claim._meta.fields}
    item_names = {field.name for field in Evidence._meta.fields}
    return set(CLAIM_FIELDS) <= claim_names and set(ITEM_FIELDS + GRADE1_ONLY) <= item_names


def fill_deciding_counts(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    Evidence = apps.get_model("evidence", "Evidence")
    if not readable(Claim, Evidence):
        return
    graded = Claim.objects.filter(grade_level__in=COUNTED_LEVELS, grade_rubric__in=PROFILED_RUBRICS)
    graded = graded.order_by("pk").values_list("pk", "grade_rubric", *CLAIM_FIELDS, named=True)
    last = 0
    while True:
        claims = list(graded.filter(pk__gt=last)[:BATCH])
        if not claims:
            return
        keys = [claim.pk for claim in claims]
        items = evidence_values_by_claim(Evidence.objects.filter(claim_id__in=keys))
        parts = parts_by_claim(keys)
        counts = [
            grade_values(
                claim_values(claim, parts.get(claim.pk, ())),
                items.get(claim.pk, []),
                claim.grade_rubric,
                profile=False,
            ).deciding
            or None
            for claim in claims
        ]
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(STORE_SQL, [keys, counts])
        last = keys[-1]


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0016_public_counts"),
        ("evidence", "0003_evidence_grade3_inputs"),  # the item fields grade-3 reads
    ]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="grade_deciding",
            field=models.PositiveIntegerField(
                editable=False,
                help_text=(
                    "Computed: how many studies decide the grade, what list pages show (empty"
                    " when none do: grade-1, insufficient, not graded)."
                ),
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="grade_deciding",
            field=models.PositiveIntegerField(
                editable=False,
                help_text=(
                    "Computed: how many studies decide the grade, what list pages show (empty"
                    " when none do: grade-1, insufficient, not graded)."
                ),
                null=True,
            ),
        ),
        migrations.RunPython(fill_deciding_counts, migrations.RunPython.noop),
    ]
