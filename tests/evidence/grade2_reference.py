"""A second implementation of rubric grade-2, written from docs/grading.md's text alone.

It shares no code with `evidence.rubrics.grade2` (only the duck-typed inputs: anything with
the attributes of ClaimFacts and ItemFacts) and returns just (level, direction). The tests
compare both on named and random cases; where the two disagree, one of them misreads the
spec. Written step by step in the spec's own order and words, favouring the literal reading.
"""

from itertools import combinations

LEVEL = {1: "very_low", 2: "low", 3: "moderate", 4: "high"}
MATCH = {"direct": 0, "related": 1, "remote": 2}
SECONDARY = {"narrative_review", "textbook", "expert_opinion", "popular"}
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


def reference_grade(claim, items) -> tuple[str, str]:
    # Step 0.
    if claim.question == "background":
        return "not_graded", "none"
    # Step 1.
    counted = [
        x
        for x in items
        if x.stance in ("supports", "contradicts", "no_effect", "mixed")
        and x.design not in SECONDARY
        and x.record not in ("retracted", "not_found")
        and x.source_access != "citation_only"
    ]
    if not counted:
        return "insufficient", "none"
    # Step 2.
    info = [{**_describe(claim, x), "order": n} for n, x in enumerate(counted)]
    # Step 3.
    groups = _join(info)
    # Ties the spec leaves open go to the item entered first (as the engine decides).
    studies = [_as_study(sorted(g, key=lambda e: e["order"])) for g in groups]
    # Step 4.
    l0 = max(s["level"] for s in studies)
    top = [s for s in studies if s["level"] == l0]
    smallest = min(s["rep"]["species"] for s in top)
    d = [s for s in top if s["rep"]["species"] == smallest]
    reps = [s["rep"] for s in d]
    if all(r["x"].sample_size is not None for r in reps):
        w = [r["x"].sample_size for r in reps]
    else:
        w = [1 for _ in reps]
    # Step 5.
    rob = _risk_of_bias(reps, w)
    inc = _inconsistency(d)
    imp = _imprecision(claim, reps)
    pub = _publication(d)
    up = _rating_up(reps, rob, inc, imp)
    level = max(1, min(4, l0 - rob - inc - imp - pub + up))
    if any(r["x"].record == "unverified" for r in reps):
        level = min(level, 2)
    # Step 6.
    s_weight = c_weight = 0.0
    for study, weight in zip(d, w, strict=True):
        if study["stance"] == "supports":
            s_weight += weight
        elif study["stance"] in ("contradicts", "no_effect"):
            c_weight += weight
        elif study["stance"] == "mixed":
            s_weight += weight / 2
            c_weight += weight / 2
    if s_weight >= 2 * c_weight:
        direction = "supported"
    elif c_weight >= 2 * s_weight:
        direction = "contradicted"
    else:
        direction = "contested"
    return LEVEL[level], direction


def _describe(claim, x) -> dict:
    if x.design in ("rct", "meta_analysis_rct", "animal", "in_vitro"):
        start = 4
    elif x.design in ("cohort", "meta_analysis_obs"):
        start = 4 if claim.question == "association" else 2
    elif x.design in ("case_control", "cross_sectional"):
        start = 2
    else:  # case_series
        start = 1
    species = 0
    if claim.population == "humans" and x.population == "animals":
        species = 2
    elif claim.population == "humans" and x.population == "cells":
        species = 3
    elif claim.population == "animals" and x.population == "cells":  # noqa: SIM114 - as written
        species = 1
    elif (
        claim.population == "cells"
        and x.population == "cells"
        and x.cell_species != ""
        and claim.cell_species != "any"
        and x.cell_species != claim.cell_species
    ):
        species = 1
    p = max(species, MATCH[x.population_match])
    i = MATCH[x.intervention_match]
    o = MATCH[x.outcome_match]
    c = 1 if x.comparator_match == "indirect" else 0
    indirect = min(3, p + i + o + c)
    synthesis = x.design.startswith("meta_analysis") or x.via != "direct"
    return {
        "x": x,
        "start": start,
        "species": species,
        "indirect": indirect,
        "level": max(1, start - indirect),
        "synthesis": synthesis,
    }


def _joined(a, b) -> bool:
    x, y = a["x"], b["x"]
    if x.citekey == y.citekey:
        return True
    if x.citekey in y.covers or y.citekey in x.covers:
        return True
    if set(x.covers) & set(y.covers):
        return True
    for s, o in ((a, b), (b, a)):
        if s["synthesis"] and not s["x"].covers and FAMILY[s["x"].design] == FAMILY[o["x"].design]:
            if o["synthesis"] or o["x"].year is None or s["x"].year is None:
                return True
            if o["x"].year <= s["x"].year:
                return True
    return False


def _join(info) -> list[list[dict]]:
    # Connected components of the "joined" graph, by repeated merging.
    groups = [[entry] for entry in info]
    merged = True
    while merged:
        merged = False
        for g, h in combinations(range(len(groups)), 2):
            if any(_joined(a, b) for a in groups[g] for b in groups[h]):
                groups[g] = groups[g] + groups[h]
                del groups[h]
                merged = True
                break
    return groups


def _as_study(group) -> dict:
    level = max(e["level"] for e in group)
    candidates = [e for e in group if e["level"] == level]

    def preference(e):
        size = e["x"].sample_size
        year = e["x"].year
        return (
            0 if size is not None else 1,
            -size if size is not None else 0,
            0 if e["synthesis"] else 1,
            0 if year is not None else 1,
            -year if year is not None else 0,
            e["x"].label,
        )

    rep = sorted(candidates, key=preference)[0]
    if len({e["x"].citekey for e in group}) == 1:
        stances = {e["x"].stance for e in group}
        stance = next(iter(stances)) if len(stances) == 1 else "mixed"
    else:
        stance = rep["x"].stance
    return {"level": level, "rep": rep, "stance": stance}


def _rob_of(x) -> str:
    if x.record == "expression_of_concern" and x.risk_of_bias != "critical":
        return "high"
    return x.risk_of_bias


def _risk_of_bias(reps, w) -> int:
    total = sum(w)
    low = sum(wi for r, wi in zip(reps, w, strict=True) if _rob_of(r["x"]) == "low")
    critical = sum(wi for r, wi in zip(reps, w, strict=True) if _rob_of(r["x"]) == "critical")
    if low / total >= 0.5:
        return 0
    if critical / total > 0.5:
        return 2
    return 1


def _inconsistency(d) -> int:
    has_for = any(s["stance"] == "supports" for s in d)
    has_against = any(s["stance"] in ("contradicts", "no_effect") for s in d)
    kc = 1 if has_for and has_against else 0
    kw = 0
    for s in d:
        r = s["rep"]
        if not r["synthesis"] or r["x"].i_squared is None:
            continue
        i2, same = r["x"].i_squared, r["x"].same_direction
        if i2 >= 75 and same == "no":
            k = 2
        elif i2 >= 75:  # noqa: SIM114 - the spec's cases, one by one
            k = 1
        elif 40 <= i2 < 75 and same != "yes":
            k = 1
        else:
            k = 0
        kw = max(kw, k)
    return min(2, kc + kw)


def _imprecision(claim, reps) -> int:
    with_ci = [r for r in reps if r["x"].ci_low is not None and r["x"].ci_high is not None]
    p = None
    if with_ci:
        with_ci.sort(
            key=lambda r: (
                0 if r["synthesis"] else 1,
                -(r["x"].sample_size or 0),
                r["x"].label,
            )
        )
        p = with_ci[0]["x"]
    result = 0
    if p is not None:
        ratio = p.effect_measure == "ratio"
        null = 1.0 if ratio else 0.0
        if ratio:
            lower, upper = 0.75, 1.25
        elif claim.mid is not None:
            lower, upper = -claim.mid, claim.mid
        else:
            lower = upper = None
        if p.ci_low <= null <= p.ci_high:
            if lower is not None and lower < p.ci_low and p.ci_high < upper:
                result = 0
            elif lower is not None and p.ci_low <= lower and p.ci_high >= upper:
                result = 2
            else:
                result = 1
    if result != 0:
        return result
    if all(r["x"].population == "cells" for r in reps):
        return 1 if p is None else 0
    ois = 400 if any(r["x"].population == "humans" for r in reps) else 40
    sizes = [r["x"].sample_size for r in reps]
    if None not in sizes:
        return 1 if sum(sizes) < ois else 0
    return 1 if p is None else 0


def _publication(d) -> int:
    reps = [s["rep"] for s in d]
    if any(r["synthesis"] and r["x"].small_study_effects == "detected" for r in reps):
        return 1
    if all(r["x"].via == "narrative_review" for r in reps):
        return 1
    if (
        len(d) >= 2
        and all(s["stance"] == "supports" for s in d)
        and all(r["x"].sample_size is not None and r["x"].sample_size < 100 for r in reps)
        and sum(1 for r in reps if r["x"].funding == "industry") > len(reps) / 2
    ):
        return 1
    return 0


def _rating_up(reps, rob, inc, imp) -> int:
    if not all(r["start"] == 2 for r in reps) or rob or inc:
        return 0
    if any(r["indirect"] > 0 for r in reps):
        return 0
    large = 0
    for r in reps:
        x = r["x"]
        if x.effect_measure != "ratio" or x.effect_value is None:
            continue
        if x.ci_low is None or x.ci_high is None:
            continue
        excludes_one = x.ci_low > 1 or x.ci_high < 1
        if not excludes_one:
            continue
        v = x.effect_value
        if (v >= 5 or v <= 0.2) and imp == 0:
            large = max(large, 2)
        elif v >= 2 or v <= 0.5:
            large = max(large, 1)
    up = large
    if any(r["x"].dose_response == "shown" for r in reps):
        up += 1
    if any(r["x"].confounding_reduces for r in reps):
        up += 1
    return min(2, up)
