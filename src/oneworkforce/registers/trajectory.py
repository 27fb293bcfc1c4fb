"""Benefits trajectories: planned and actual by month, in the two shapes people keep in Excel.

*Long*: one row per benefit and month (``Benefit, Month, Planned, Actual``).
*Wide*: one row per benefit and one column per month (``Apr-24``, ``May 2024``, ``2024-05``).
The figures of a wide row are the plan unless something says they are actuals: a
``Planned/Actual`` column, a first cell reading "Actual", the heading itself (``Apr-24
actual``), or the row coming straight after the benefit's planned row with the benefit cell
empty or repeated (the "second row" people add under each benefit).

Both shapes are read into the same (benefit, month) rows and planned like any register
import (:class:`oneworkforce.registers.importing.Plan`): each row is created, updated or
unchanged, and a file goes in whole or not at all through the actions layer. A blank cell
says nothing: it never wipes a figure already recorded, so re-importing an older plan-only
file leaves the actuals typed on the web alone, and re-importing the same file changes
nothing. Money is read with :func:`oneworkforce.registers.parsing.parse_money` ("£1.2m").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction

from oneworkforce.registers import actions, models, parsing
from oneworkforce.registers.tabular import BENEFIT_MONTHS, map_headings, normalise, plain

LINES = ("planned", "actual")
_LINE_WORDS = {
    "planned": {"plan", "planned", "planned value", "trajectory", "target", "p"},
    "actual": {"actual", "actuals", "actual value", "delivered", "achieved", "a"},
}
_MONTH_NUMBERS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_NAMED_MONTH = re.compile(r"^([a-z]{3,9})\.?[\s\-/'’.]*(\d{4}|\d{2})$")
_YEAR_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})(?:[-/.]\d{1,2}(?:[ t].*)?)?$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_NOTHING = {"", "-", "–", "—", "n/a", "na", "tbc", "nil"}
#: rows people add under the benefits; the totals are worked out here, not read
_TOTAL_ROWS = {"total", "totals", "grand total", "sub total", "subtotal"}


def line_of(text: str | None) -> str | None:
    """``planned`` or ``actual`` when the text names a line of a trajectory."""
    norm = normalise(text or "")
    return next((line for line in LINES if norm in _LINE_WORDS[line]), None)


def month_of(text: str | None) -> dt.date | None:
    """The month a column heading or cell names (its first day), or ``None``.

    ``Apr-24``, ``April 2024``, ``Sept 24``, ``2024-04``, ``2024-04-01`` (a spreadsheet date
    heading) and ``04/2024``. A bare year or any other heading is not a month.
    """
    raw = str(text or "").strip().lower()
    if m := _NAMED_MONTH.match(raw):
        word, year = m[1], int(m[2])
        number = (
            9
            if word == "sept"
            else next((n for name, n in _MONTH_NUMBERS.items() if name.startswith(word)), None)
        )
        if number is None:
            return None
        return dt.date(year + 2000 if year < 100 else year, number, 1)
    if m := _YEAR_MONTH.match(raw):
        year, number = int(m[1]), int(m[2])
    elif m := _MONTH_YEAR.match(raw):
        number, year = int(m[1]), int(m[2])
    else:
        return None
    return dt.date(year, number, 1) if 1 <= number <= 12 else None


def _month_heading(heading: str) -> tuple[dt.date, str | None] | None:
    """A wide file's month heading, with the line it names if any (``Apr-24 actual``)."""
    words = normalise(heading).split()
    line = None
    for word in (words[:1], words[-1:]):
        if word and line_of(word[0]) and len(words) > 1:
            line = line_of(word[0])
            words = [w for w in words if w != word[0]]
    month = month_of(heading if line is None else " ".join(words))
    if month is None and line is None:
        return None
    return (month, line) if month else None


def read_amount(text: str | None) -> tuple[Decimal | None, bool]:
    """An amount and whether the text could be read: ``£1.2m``, ``1,200``, ``(500)``, ``-5``.

    A blank, a dash or "n/a" is no figure (read, but ``None``).
    """
    raw = str(text or "").strip()
    if raw.lower() in _NOTHING:
        return None, True
    sign = 1
    if raw.startswith("(") and raw.endswith(")"):
        sign, raw = -1, raw[1:-1].strip()
    if raw.startswith(("-", "−")):
        sign, raw = -1, raw[1:].strip()
    value = parsing.parse_money(raw if raw.startswith("£") else f"£{raw}")
    if value is None or not re.fullmatch(r"£?\s*[\d,.]+\s*[a-z]*", raw, re.IGNORECASE):
        return None, False
    return (sign * value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), True


# --- reading a file into (benefit, month) rows -------------------------------------------


@dataclass
class _Figure:
    benefit: str
    programme: str
    month: dt.date
    number: int  # row of the file
    values: dict[str, Decimal] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


class _Figures:
    """The figures of a file by (programme, benefit, month), with where each came from."""

    def __init__(self) -> None:
        self.by_key: dict[tuple[str, str, dt.date], _Figure] = {}
        self.problems: list[tuple[int, str]] = []

    def add(
        self, number: int, benefit: str, programme: str, month: dt.date, line: str, text: str
    ) -> None:
        value, readable = read_amount(text)
        if not readable:
            self.problems.append(
                (number, f"cannot read '{text}' as the {line} figure for {month:%b %Y}")
            )
            return
        if value is None:
            return
        key = (normalise(programme), normalise(benefit), month)
        fig = self.by_key.setdefault(key, _Figure(benefit, programme, month, number))
        if line in fig.values and fig.values[line] != value:
            fig.problems.append(
                f"{line} for {month:%b %Y} is given twice ({fig.texts[line]} and {text})"
            )
        fig.values[line] = value
        fig.texts[line] = text


def _long(
    headings: list[str], table: list[list[str]], mapping: Mapping[str, str | None]
) -> _Figures:
    figures = _Figures()
    column = {name: h for h, name in mapping.items() if name}
    if not {"planned", "actual", "value"} & set(column):
        from oneworkforce.registers.importing import ImportRefused

        raise ImportRefused(
            "a benefits trajectory needs a Planned or an Actual column, or a column per month"
        )
    for number, cells_list in enumerate(table, start=2):
        cells = dict(zip(headings, cells_list, strict=False))
        benefit = cells.get(column.get("benefit", ""), "").strip()
        programme = cells.get(column.get("programme", ""), "").strip()
        month_text = cells.get(column.get("month", ""), "").strip()
        month = month_of(month_text)
        if month is None and (day := parsing.parse_date(month_text)):
            month = day.replace(day=1)
        if normalise(benefit) in _TOTAL_ROWS:
            continue
        if not benefit:
            figures.problems.append((number, "no benefit named"))
            continue
        if month is None:
            figures.problems.append((number, f"cannot read '{month_text}' as a month"))
            continue
        line_text = cells.get(column.get("line", ""), "")
        for line in LINES:
            if line in column:
                figures.add(number, benefit, programme, month, line, cells[column[line]])
        if "value" in column:  # one figure a row, its line in a Planned/Actual column
            if (line := line_of(line_text)) is None:
                figures.problems.append(
                    (number, f"cannot tell whether '{line_text}' is planned or actual")
                )
                continue
            figures.add(number, benefit, programme, month, line, cells[column["value"]])
    return figures


def _wide(
    headings: list[str],
    table: list[list[str]],
    mapping: Mapping[str, str | None],
    months: Mapping[str, tuple[dt.date, str | None]],
) -> _Figures:
    figures = _Figures()
    column = {name: h for h, name in mapping.items() if name}
    last: tuple[str, str, str] | None = None  # benefit, programme, line of the previous row
    for number, cells_list in enumerate(table, start=2):
        cells = dict(zip(headings, cells_list, strict=False))
        benefit = cells.get(column.get("benefit", ""), "").strip()
        programme = cells.get(column.get("programme", ""), "").strip()
        stated = line_of(cells.get(column.get("line", ""), ""))
        if normalise(benefit) in _TOTAL_ROWS:
            last = None
            continue
        if line_of(benefit):  # "Actual" written under the benefit's name
            stated, benefit = stated or line_of(benefit), ""
        if not benefit and last is not None:
            benefit, programme = last[0], programme or last[1]
            line = stated or ("actual" if last[2] == "planned" else None)
        elif last is not None and normalise(benefit) == normalise(last[0]) and not stated:
            line = "actual" if last[2] == "planned" else None
        else:
            line = stated or "planned"
        if not benefit:
            figures.problems.append((number, "no benefit named"))
            continue
        if line is None:
            figures.problems.append(
                (number, f"cannot tell whether this row of '{benefit}' is planned or actual")
            )
            continue
        for heading, (month, heading_line) in months.items():
            figures.add(number, benefit, programme, month, heading_line or line, cells[heading])
        last = (benefit, programme, line)
    return figures


def read(
    headings: list[str], table: list[list[str]], overrides: Mapping[str, str] | None = None
) -> tuple[dict[str, str | None], _Figures]:
    """The heading mapping (month columns shown as ``month 2024-04``) and the figures."""
    from oneworkforce.registers.importing import ImportRefused

    months = {h: found for h in headings if (found := _month_heading(h)) is not None}
    others = [h for h in headings if h not in months]
    try:
        mapping = map_headings(BENEFIT_MONTHS, others, overrides)
    except ValueError as exc:
        raise ImportRefused(str(exc)) from exc
    if "benefit" not in mapping.values():
        raise ImportRefused("a benefits trajectory needs a Benefit column naming each benefit")
    if months and "month" not in mapping.values():
        figures = _wide(headings, table, mapping, months)
        for heading, (month, line) in months.items():
            mapping[heading] = f"month {month:%Y-%m}" + (f" ({line})" if line else "")
        mapping = {h: mapping.get(h) for h in headings}
        return mapping, figures
    return mapping, _long(headings, table, mapping)


# --- planning and applying ------------------------------------------------------------------


def _benefit_finder():
    from oneworkforce.registers.importing import _find_programme

    benefits = list(models.Benefit.objects.filter(archived=False).select_related("programme"))

    def find(name: str, programme: str) -> tuple[models.Benefit | None, str]:
        found = [b for b in benefits if normalise(b.name) == normalise(name)]
        if programme:
            prog = _find_programme(programme)
            if prog is None:
                return None, f"no programme called '{programme}'"
            found = [b for b in found if b.programme_id == prog.pk]
        if not found:
            where = f" in {programme}" if programme else ""
            return None, f"no benefit called '{name}'{where}: import or add the benefit first"
        if len(found) > 1:
            return None, f"more than one benefit called '{name}': add a Programme column"
        return found[0], ""

    return find


def plan(
    headings: list[str],
    table: list[list[str]],
    *,
    file_name: str = "",
    overrides: Mapping[str, str] | None = None,
):
    """What importing a trajectory file would do, row by (benefit, month) row."""
    from oneworkforce.registers.importing import Plan, Row

    mapping, figures = read(headings, table, overrides)
    find = _benefit_finder()
    rows: list[Row] = [
        Row(number, {}, {}, {}, {}, f"row {number}", "", outcome="error", problems=[problem])
        for number, problem in figures.problems
    ]
    existing = {
        (m.benefit_id, m.month): m
        for m in models.BenefitMonth.objects.filter(benefit__archived=False)
    }
    for fig in figures.by_key.values():
        values: dict[str, Any] = {
            "benefit": fig.benefit,
            "programme": fig.programme,
            "month": fig.month,
            **fig.values,
        }
        row = Row(
            fig.number,
            {},
            values,
            {},
            {},
            BENEFIT_MONTHS.key(values),
            "",
            problems=list(fig.problems),
        )
        benefit, problem = find(fig.benefit, fig.programme)
        if problem:
            row.problems.append(problem)
        if row.problems:
            row.outcome = "error"
        else:
            values["benefit_id"] = benefit.pk
            current = existing.get((benefit.pk, fig.month))
            if current is None:
                row.outcome = "create"
            elif all(getattr(current, k) == v for k, v in fig.values.items()):
                row.outcome, row.existing_id = "unchanged", current.pk
            else:
                row.outcome, row.existing_id = "update", current.pk
        rows.append(row)
    rows.sort(key=lambda r: (r.number, r.key))
    return Plan(BENEFIT_MONTHS, file_name, headings, mapping, rows)


def apply(import_plan, actor: str) -> dict[str, int]:
    """Write a trajectory plan through the actions layer: all of it or nothing."""
    from oneworkforce.registers.importing import ImportRefused

    if import_plan.problems:
        raise ImportRefused(
            f"{import_plan.file_name or 'the file'} was not imported: "
            f"{len(import_plan.problems)} problem(s)",
            import_plan.problems,
        )
    counts = import_plan.counts()
    note = f"import of {import_plan.file_name}"
    with transaction.atomic():
        for row in import_plan.rows:
            figures = {k: row.values[k] for k in LINES if k in row.values}
            if row.outcome == "create":
                actions.create(
                    actor,
                    models.BenefitMonth,
                    benefit_id=row.values["benefit_id"],
                    month=row.values["month"],
                    **figures,
                )
            elif row.outcome == "update":
                current = models.BenefitMonth.objects.get(pk=row.existing_id)
                actions.update(actor, current, None, figures, note=note)

        actions.record_run(actor, BENEFIT_MONTHS.kind, import_plan, counts)
    return counts


# --- the months of a benefit, with running totals -----------------------------------------


def lines(months: Iterable[models.BenefitMonth]) -> list[dict[str, Any]]:
    """Each month with cumulative planned and actual and the variances.

    A month with no planned figure adds nothing to the plan; a month with no actual adds
    nothing to the actuals, and the cumulative actual stops at the last month that has one
    (the months after it have not been reported, they did not deliver nothing).
    """
    months = sorted(months, key=lambda m: m.month)
    last_actual = max((i for i, m in enumerate(months) if m.actual is not None), default=-1)
    out = []
    cum_planned = cum_actual = Decimal(0)
    for i, m in enumerate(months):
        cum_planned += m.planned or 0
        cum_actual += m.actual or 0
        reported = i <= last_actual
        out.append(
            {
                "id": m.pk,
                "month": m.month,
                "planned": m.planned,
                "actual": m.actual,
                "variance": None if m.actual is None else m.actual - (m.planned or 0),
                "cumulative_planned": cum_planned,
                "cumulative_actual": cum_actual if reported else None,
                "cumulative_variance": cum_actual - cum_planned if reported else None,
                "version": m.version,
                "object": m,
            }
        )
    return out


def _records() -> list[tuple[models.Benefit, list[dict[str, Any]]]]:
    benefits = (
        models.Benefit.objects.filter(archived=False)
        .select_related("programme")
        .prefetch_related("months")
        .order_by("programme_id", "id")
    )
    return [(b, lines(b.months.all())) for b in benefits if b.months.all()]


def as_json() -> list[dict[str, Any]]:
    out = []
    for benefit, months in _records():
        for line in months:
            row = {
                "programme": benefit.programme.code if benefit.programme_id else "",
                "benefit": benefit.name,
            }
            row |= {f: plain(line[f]) for f in BENEFIT_MONTHS.json_fields if f in line}
            out.append(row)
    return out


HEADINGS = [
    "Programme",
    "Benefit",
    "Month",
    "Planned",
    "Actual",
    "Cumulative planned",
    "Cumulative actual",
    "Variance",
    "Cumulative variance",
]


def table() -> tuple[list[str], list[list[str]]]:
    """The long table (one row per benefit and month); it imports back unchanged."""
    rows = []
    for benefit, months in _records():
        for line in months:
            rows.append(
                [
                    benefit.programme.code if benefit.programme_id else "",
                    benefit.name,
                    f"{line['month']:%Y-%m}",
                    *(
                        "" if line[f] is None else plain(line[f])
                        for f in (
                            "planned",
                            "actual",
                            "cumulative_planned",
                            "cumulative_actual",
                            "variance",
                            "cumulative_variance",
                        )
                    ),
                ]
            )
    return list(HEADINGS), rows
