"""Form widgets in the NHS design system's patterns.

A date is asked for as three fields, day, month and year (the NHS design system's date
input), so it reads the same whatever the browser's language: a browser's own date picker
follows its locale (mm/dd/yyyy in the United States, dd/mm/yyyy in the United Kingdom).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

#: (part, label, width class) in the order the fields are shown
PARTS = (
    ("day", "Day", "nhsuk-input--width-2"),
    ("month", "Month", "nhsuk-input--width-2"),
    ("year", "Year", "nhsuk-input--width-4"),
)


class DayMonthYear(forms.MultiWidget):
    """Day, month and year text fields; their values reach the form as ``YYYY-MM-DD`` (the
    date field then refuses a day that does not exist), nothing when all three are empty. A
    post that carries the date as one ISO value under the field's own name is read as that."""

    template_name = "widgets/day_month_year.html"
    #: the field template shows this widget in a fieldset with its label as the legend
    day_month_year = True

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        widgets = {
            part: forms.TextInput(
                attrs={"inputmode": "numeric", "class": f"nhsuk-input nhsuk-date-input__input {w}"}
            )
            for part, _, w in PARTS
        }
        super().__init__(widgets, attrs)

    def decompress(self, value: Any) -> list[str | None]:
        if isinstance(value, str):
            try:
                value = dt.date.fromisoformat(value)
            except ValueError:
                return [None, None, None]
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [None, None, None]

    def value_from_datadict(self, data, files, name) -> str | None:
        day, month, year = ((data.get(f"{name}_{part}") or "").strip() for part, _, _ in PARTS)
        if not (day or month or year):  # a client posting one ISO date (2026-11-29) as before
            return (data.get(name) or "").strip() or None
        if day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4:
            return f"{year}-{int(month):02d}-{int(day):02d}"
        return f"{year}-{month}-{day}"  # refused by the date field as not a date

    def value_omitted_from_data(self, data, files, name) -> bool:
        return name not in data and all(f"{name}_{part}" not in data for part, _, _ in PARTS)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict:
        # each field keeps its own width class, whatever class a form gives the whole input
        self.attrs.pop("class", None)
        attrs = {k: v for k, v in (attrs or {}).items() if k != "class"}
        context = super().get_context(name, value, attrs)
        for sub, (_, label, _) in zip(context["widget"]["subwidgets"], PARTS, strict=True):
            sub["label"] = label
        return context

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_0" if id_ else id_
