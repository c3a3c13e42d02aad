"""BibTeX and biblatex dates as CSL-JSON dates and RIS dates.

biblatex writes `date = {2021-03-15}` (ISO 8601 / EDTF level 1: `2021-03`, `2021`, seasons as
months 21-24, `2021-21` = spring 2021, ranges `2021-03/2021-05`, open `2021/`); BibTeX writes
`year` and `month` (`mar`, `3`, `March`, `spring`). CSL-JSON dates are
`{"date-parts": [[year, month, day]]}`, a range two parts. A season is written as pandoc's
BibTeX reader writes it, month 21-24 in `date-parts` (`[[2021, 21]]`): pandoc's citeproc and
citeproc-js both read months 21-24 as seasons, so BibTeX and CSL-JSON of one entry render alike
(the CSL-JSON schema's separate `season` key is not read by pandoc from a date with parts).
"""

import re

MONTHS = {
    name: index
    for index, name in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
# Seasons as EDTF (and biblatex, pandoc, citeproc-js) number them.
SEASONS = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}
ISO_DATE = re.compile(r"(-?\d{1,4})(?:-(\d{2}))?(?:-(\d{2}))?(?:T[\d:]+Z?)?")


def month_number(month: str) -> int | None:
    """`mar`, `March`, `3`, `spring` -> 3, 3, 3, 21; None when it names no month or season."""
    month = month.strip().lower().rstrip(".")
    if month.isdigit():
        number = int(month)
        return number if 1 <= number <= 12 or 21 <= number <= 24 else None
    return SEASONS.get(month) or MONTHS.get(month[:3])


def date_parts(value: str) -> list[int] | None:
    """`2021-03-15` -> [2021, 3, 15]; `2021-21` -> [2021, 21]; None if not an ISO date."""
    match = ISO_DATE.fullmatch(value.strip())
    if match is None:
        return None
    parts = [int(match[1])]
    if match[2] is not None:
        month = int(match[2])
        if not (1 <= month <= 12 or 21 <= month <= 24):
            return None
        parts.append(month)
        if match[3] is not None and month <= 12:
            parts.append(int(match[3]))
    return parts


def csl_date(value: str) -> dict:
    """A biblatex date (or range) as a CSL-JSON date; text that is no ISO date as `literal`."""
    ends = value.strip().split("/")
    if len(ends) <= 2:
        parts = [date_parts(end) for end in ends if end.strip() not in ("", "..")]
        if parts and all(part is not None for part in parts):
            return {"date-parts": parts}
    return {"literal": value.strip()}


def csl_year_date(year: str, month: str = "", day: str = "") -> dict:
    """BibTeX's `year`, `month` and `day` as a CSL-JSON date."""
    if not year.strip().isdigit():
        return {"literal": year}
    parts = [int(year)]
    if (number := month_number(month)) is not None:
        parts.append(number)
        if day.strip().isdigit() and number <= 12:
            parts.append(int(day))
    return {"date-parts": [parts]}


def ris_date(parts: list[int]) -> str:
    """CSL date parts as a RIS date, `YYYY/MM/DD/` (empty where unknown), as Zotero's RIS.js
    reads `DA` and `Y2`; a season has no RIS month, so only its year is written."""
    year = f"{parts[0]:04d}"
    month = f"{parts[1]:02d}" if len(parts) > 1 and parts[1] <= 12 else ""
    day = f"{parts[2]:02d}" if len(parts) > 2 and month else ""
    return f"{year}/{month}/{day}/"
