"""Possible duplicates to review: references that are the same work by the one sameness rule
(`citations.text.sameness`: what the importer and the admin form apply too), and people with the
same family name once accents, case and punctuation are folded, and the same first initial
("Seifert-Klauss, Vanadin R." and "Seifert-Klauß, Vanadin"). Reads only; each group lists
the records, oldest first."""

from collections import defaultdict
from itertools import combinations

from citations.citekeys import ascii_fold
from citations.models import Person, Reference, sameness_record
from citations.text.sameness import FIELDS, REASONS, WORK, candidate_keys, same_work

GROUP_NAME = "{reason} ({value})"  # the value shared: DOI, PMID, ISBN, or the year of a work
SIMILAR_NAME = "similar names"


def _groups(keyed: dict) -> list[tuple[str, list]]:
    return [(why, rows) for (why, _key), rows in keyed.items() if len(rows) > 1]


def reference_duplicate_groups() -> list[tuple[str, list[Reference]]]:
    """References grouped by the key they share, each group holding the references joined
    (directly or through each other) by the rule that key stands for."""
    keyed, records = defaultdict(list), {}
    rows = Reference.objects.only("citekey", *FIELDS).with_first_author().order_by("pk")
    for ref in rows:
        records[ref.pk] = sameness_record(ref)
        for rule, key in candidate_keys(records[ref.pk]):
            keyed[(rule, key)].append(ref)
    groups = []
    for (rule, key), refs in keyed.items():
        value = key[1] if rule == WORK else key
        why = GROUP_NAME.format(reason=REASONS[rule], value=value)
        groups += [(why, group) for group in _joined(refs, rule, records)]
    return groups


def _joined(refs: list[Reference], rule: str, records: dict) -> list[list[Reference]]:
    """`refs` (sharing one key) joined in groups where `rule` is the first rule making two of
    them one work, transitively; groups of one are left out."""
    group_of = {ref.pk: [ref] for ref in refs}
    for a, b in combinations(refs, 2):
        if group_of[a.pk] is not group_of[b.pk] and same_work(records[a.pk], records[b.pk]) == rule:
            merged = sorted(group_of[a.pk] + group_of[b.pk], key=lambda ref: ref.pk)
            for ref in merged:
                group_of[ref.pk] = merged
    unique = {id(group): group for group in group_of.values() if len(group) > 1}
    return list(unique.values())


def person_key(person: Person) -> tuple[str, str]:
    family = ascii_fold(f"{person.prefix}{person.family}")
    return family, ascii_fold(person.given)[:1]


def person_duplicate_groups() -> list[tuple[str, list[Person]]]:
    keyed = defaultdict(list)
    for person in Person.objects.order_by("pk"):
        keyed[(SIMILAR_NAME, person_key(person))].append(person)
    return _groups(keyed)
