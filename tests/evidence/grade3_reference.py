"""An independent implementation of rubric grade-3, written from docs/grading.md's text (section
"Grading, rubric grade-3", with grade-2's field meanings) and the decisions listed in the
docstring of `evidence.rubrics.grade3`, without the package's code. It computes only
(level, direction, provisional); tests compare it with the package on many random cases.

Written plainly on purpose: pairwise joins by search, lists of dicts, no shared helpers.
"""

from __future__ import annotations

LEVEL = {1: "very_low", 2: "low", 3: "moderate", 4: "high"}
SECONDARY = {"narrative_review", "textbook", "expert_opinion", "popular"}
MATCH = {"direct": 0, "related": 1, "remote": 2}
FAMILY = {
    "rct": "R",
    "meta_analysis_rct": "R",
    "cohort": "O",
    "case_control": "O",
    "cross_sectional": "O",
    "meta_analysis_obs": "O",
    "case_series": "O",
    "animal": "A",
    "in_vitro": "C",
}


def counts(item) -> bool:
    return (
        item.stance in ("supports", "contradicts", "no_effect", "mixed")
        and item.design not in SECONDARY
        and item.record not in ("retracted", "not_found")
        and item.source_access != "citation_only"
    )


def raw_species(claim, item) -> int:
    c, p = claim.population, item.population
    if c == "humans" and p == "animals":
        return 2
    if c == "humans" and p == "cells":
        return 3
    if c == "animals" and p == "cells":
        return 1
    if (
        c == "cells"
        and p == "cells"
        and claim.cell_species != "any"
        and item.cell_species not in ("", claim.cell_species)
    ):
        return 1
    return 0


def start_of(claim, item) -> int:
    d = item.design
    if d in ("rct", "meta_analysis_rct"):
        return 4
    if d == "animal":
        return 4 if item.randomised == "yes" else 2
    if d in ("cohort", "meta_analysis_obs"):
        return 4 if claim.question == "prognostic" else 2
    if d == "case_series":
        return 1
    return 2  # in_vitro, case_control, cross_sectional


def indirect_of(claim, item) -> int:
    p = max(min(2, raw_species(claim, item)), MATCH[item.population_match])
    c = 1 if item.comparator_match == "indirect" else 0
    return min(2, p + MATCH[item.intervention_match] + MATCH[item.outcome_match] + c)


def level_of(claim, item) -> int:
    level = max(1, start_of(claim, item) - indirect_of(claim, item))
    if item.source_access == "secondary":
        level = min(level, 1)
    if item.via == "narrative_review":
        level = min(level, 2)
    return level


def synthesis(item) -> bool:
    return item.design.startswith("meta_analysis") or item.via != "direct"


def bounds_for(claim, measure):
    if claim.mid is not None and claim.mid_scale == measure:
        if measure == "ratio":
            return (1 / claim.mid, claim.mid)
        return (-claim.mid, claim.mid)
    if measure == "ratio":
        return (0.75, 1.25)
    return None


def finding_of_ci(claim, measure, lo, hi) -> str:
    zero = 1.0 if measure == "ratio" else 0.0
    if lo <= zero and zero <= hi:
        return "null"
    b = bounds_for(claim, measure)
    if b and lo > b[0] and hi < b[1]:
        return "null"
    want = claim.claimed_direction
    if want == "either":
        return "for"
    if want == "none":
        return "against"
    if want == "increase":
        return "for" if lo > zero else "against"
    return "for" if hi < zero else "against"  # decrease


def finding(claim, item) -> str:
    if has_ci(item) and claim.claimed_direction != "unspecified":
        return finding_of_ci(claim, item.effect_measure, item.ci_low, item.ci_high)
    if item.stance == "supports":
        return "null" if claim.claimed_direction == "none" else "for"
    return {"contradicts": "against", "no_effect": "null", "mixed": "mixed"}[item.stance]


def joined(a, b) -> bool:
    if a["comparison"] != b["comparison"]:
        return False
    ka, kb = a["key"], b["key"]
    ca, cb = set(a["item"].covers), set(b["item"].covers)
    return ka == kb or ka in cb or kb in ca or bool(ca & cb)


def group(rows: list) -> list[list]:
    """Connected components of the `joined` graph (breadth-first), members in input order."""
    seen = [False] * len(rows)
    groups = []
    for start in range(len(rows)):
        if seen[start]:
            continue
        seen[start] = True
        queue, members = [start], []
        while queue:
            here = queue.pop()
            members.append(here)
            for other in range(len(rows)):
                if not seen[other] and joined(rows[here], rows[other]):
                    seen[other] = True
                    queue.append(other)
        groups.append([rows[i] for i in sorted(members)])
    return groups


def representative(members: list) -> dict:
    top = max(m["level"] for m in members)
    best = None
    for m in members:
        if m["level"] != top:
            continue
        if best is None or rank(m) < rank(best):
            best = m
    return best


def rank(m):
    it = m["item"]
    size = it.sample_size
    year = it.year
    return (
        0 if size is not None else 1,
        -size if size is not None else 0,
        0 if synthesis(it) else 1,
        0 if year is not None else 1,
        -year if year is not None else 0,
        it.label,
        m["order"],
    )


def rob(item) -> str:
    if item.record == "expression_of_concern" and item.risk_of_bias != "critical":
        return "high"
    return item.risk_of_bias


def has_ci(item) -> bool:
    return item.ci_low is not None and item.ci_high is not None


def reference_grade(claim, items) -> tuple[str, str, bool]:
    if claim.question == "background" or len(claim.parts) > 0:
        return "not_graded", "none", False
    rows = []
    for item in items:
        if not counts(item):
            continue
        rows.append(
            {
                "item": item,
                "order": len(rows),
                "key": item.citekey if item.citekey else item.label,
                "comparison": item.comparison.strip().casefold(),
                "level": level_of(claim, item),
                "finding": finding(claim, item),
            }
        )
    if not rows:
        return "insufficient", "none", False

    studies = []
    for members in group(rows):
        rep = representative(members)
        f = rep["finding"]
        same_paper = {m["finding"] for m in members if m["key"] == rep["key"]}
        if "mixed" in same_paper or ("for" in same_paper and "against" in same_paper):
            f = "mixed"
        studies.append({"level": rep["level"], "rep": rep["item"], "row": rep, "finding": f})

    l0 = max(s["level"] for s in studies)
    top = [s for s in studies if s["level"] == l0]
    least = min(raw_species(claim, s["rep"]) for s in top)
    D = [s for s in top if raw_species(claim, s["rep"]) == least]
    reps = [s["rep"] for s in D]
    sizes_known = all(r.sample_size is not None for r in reps)
    w = [r.sample_size if sizes_known else 1 for r in reps]
    total_w = sum(w)
    total_n = sum(r.sample_size for r in reps) if sizes_known else None
    humans = any(r.population == "humans" for r in reps)

    # Direction (step 7), needed by imprecision.
    pooled = claim.pooled_ci_low is not None and claim.pooled_ci_high is not None
    if pooled and claim.claimed_direction != "unspecified":
        f = finding_of_ci(claim, claim.pooled_measure, claim.pooled_ci_low, claim.pooled_ci_high)
        direction = {"for": "supported", "against": "contradicted", "null": "no_difference"}[f]
    else:
        S2 = C2 = N2 = 0
        for s, weight in zip(D, w, strict=True):
            if s["finding"] == "for":
                S2 += 2 * weight
            elif s["finding"] == "against":
                C2 += 2 * weight
            elif s["finding"] == "null":
                N2 += 2 * weight
            else:
                S2 += weight
                C2 += weight
        T2 = S2 + C2 + N2
        if 3 * S2 >= 2 * T2:
            direction = "supported"
        elif 3 * C2 >= 2 * T2:
            direction = "contradicted"
        elif 3 * N2 >= 2 * T2:
            direction = "no_difference"
        else:
            direction = "contested"

    # Risk of bias.
    crit = sum(wt for r, wt in zip(reps, w, strict=True) if rob(r) == "critical")
    bad = sum(wt for r, wt in zip(reps, w, strict=True) if rob(r) in ("high", "critical"))
    if crit * 2 >= total_w and crit > 0:
        d_rob = 2
    elif bad * 3 >= total_w and bad > 0:
        d_rob = 1
    else:
        d_rob = 0
    provisional = any(rob(r) == "not_assessed" for r in reps)

    # Inconsistency.
    values = [0]
    for r in reps:
        if not synthesis(r):
            continue
        wide = r.i_squared is not None and r.i_squared >= 75
        if r.same_direction == "no":
            values.append(2 if wide else 1)
        elif r.same_direction == "unknown" and wide:
            values.append(1)
    if len(D) >= 2:
        fs = [s["finding"] for s in D]
        if "for" in fs and "against" in fs:
            values.append(1)
        elif "null" in fs and ("for" in fs or "against" in fs):
            all_ci = all(has_ci(r) for r in reps)
            one_measure = len({r.effect_measure for r in reps}) == 1
            overlap = all_ci and max(r.ci_low for r in reps) <= min(r.ci_high for r in reps)
            if not (all_ci and one_measure and overlap):
                values.append(1)
    d_inc = min(2, max(values))

    # Imprecision.
    lab_cap = False
    if pooled:
        measure, lo, hi = claim.pooled_measure, claim.pooled_ci_low, claim.pooled_ci_high
        E = True
    else:
        cands = [(s, i) for i, s in enumerate(D) if has_ci(s["rep"])]
        E = bool(cands)
        if E:
            cands.sort(
                key=lambda c: (
                    0 if synthesis(c[0]["rep"]) else 1,
                    -(c[0]["rep"].sample_size or 0),
                    c[0]["rep"].label,
                    c[0]["row"]["order"],
                )
            )
            e = cands[0][0]["rep"]
            measure, lo, hi = e.effect_measure, e.ci_low, e.ci_high
    if E:
        b = bounds_for(claim, measure)
        if b is not None:
            touched = int(lo <= b[0]) + int(lo < b[1] and hi > b[0]) + int(hi >= b[1])
            if touched == 1:
                d_imp = 0
            elif touched == 2:
                d_imp = 1
            else:
                if measure == "ratio":
                    twice = lo <= b[0] ** 2 and hi >= b[1] ** 2
                else:
                    twice = lo <= 2 * b[0] and hi >= 2 * b[1]
                d_imp = 3 if twice else 2
        else:
            zero = 1.0 if measure == "ratio" else 0.0
            d_imp = 1 if lo <= zero <= hi else 0
        if d_imp == 0 and humans and total_n is not None and total_n < 400:
            d_imp = 1
    elif direction == "no_difference":
        d_imp = 1 if (humans and total_n is not None and total_n >= 400) else 2
    elif all(r.population in ("animals", "cells") for r in reps):
        d_imp = 0
        lab_cap = True
    else:
        d_imp = 0 if (total_n is not None and total_n >= 400) else 1

    # Publication bias.
    d_pub = 0
    if any(synthesis(r) and r.small_study_effects == "detected" for r in reps) or (
        len(D) >= 2
        and all(s["finding"] == "for" for s in D)
        and sizes_known
        and all(r.sample_size < 100 for r in reps)
        and 2 * sum(r.funding == "industry" for r in reps) > len(D)
    ):
        d_pub = 1

    # Rating up.
    up = 0
    eligible = all(
        r.population == "humans"
        and r.design in ("cohort", "case_control", "cross_sectional", "meta_analysis_obs")
        and start_of(claim, r) == 2
        and indirect_of(claim, r) == 0
        and r.via != "narrative_review"
        and r.source_access != "secondary"
        and level_of(claim, r) == 2
        for r in reps
    )
    if eligible and not provisional and d_rob == d_inc == d_imp == d_pub == 0:
        if pooled:
            big = bigness(claim.pooled_measure, claim.pooled_value, lo, hi)
        elif len(D) == 1 and has_ci(reps[0]):
            r = reps[0]
            big = bigness(r.effect_measure, r.effect_value, r.ci_low, r.ci_high)
        else:
            big = 0
        up = big
        up += 1 if any(r.dose_response == "shown" for r in reps) else 0
        up += 1 if any(r.confounding_reduces for r in reps) else 0
        up = min(up, 2)

    level = l0 - d_rob - d_inc - d_imp - d_pub + up
    level = max(1, min(4, level))
    if len(D) == 1 and not synthesis(reps[0]):
        level = min(level, 3)
    if lab_cap:
        level = min(level, 2)
    if any(r.record == "unverified" for r in reps):
        level = min(level, 2)
    return LEVEL[level], direction, provisional


def bigness(measure, value, lo, hi) -> int:
    if measure != "ratio" or value is None:
        return 0
    if not (lo > 1 or hi < 1):
        return 0
    if value >= 5 or value <= 0.2:
        return 2
    if value >= 2 or value <= 0.5:
        return 1
    return 0
