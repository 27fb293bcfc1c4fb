"""Matching a file's headings to a dataset's columns.

Headings are compared case- and punctuation-insensitively, and the spellings users already
have (``Org Code``, ``ODS code``, ``WTE``...) are accepted for the column they mean.
"""

from __future__ import annotations

from dataclasses import dataclass

from oneworkforce.data.errors import ValidationError
from oneworkforce.data.reference import normalise_token
from oneworkforce.data.schemas import Column, Dataset


@dataclass(frozen=True)
class HeadingMap:
    columns: dict[str, str]  # canonical column name -> the file's heading
    errors: tuple[ValidationError, ...]

    def heading(self, column: str) -> str | None:
        return self.columns.get(column)


def spellings(column: Column) -> tuple[str, ...]:
    return (column.name, *column.synonyms)


def match_headings(dataset: Dataset, headings: tuple[str, ...], file: str) -> HeadingMap:
    lookup: dict[str, str] = {}
    for column in dataset.columns:
        for spelling in spellings(column):
            lookup.setdefault(normalise_token(spelling), column.name)
    expected = ", ".join(dataset.column_names)
    found: dict[str, str] = {}
    errors: list[ValidationError] = []
    for heading in headings:
        name = lookup.get(normalise_token(heading))
        if name is None:
            errors.append(
                ValidationError(
                    file,
                    None,
                    heading,
                    None,
                    "unknown_column",
                    f"heading '{heading}' is not part of the {dataset.name} format; "
                    f"the expected headings are: {expected}",
                )
            )
        elif name in found:
            errors.append(
                ValidationError(
                    file,
                    None,
                    heading,
                    None,
                    "duplicate_column",
                    f"headings '{found[name]}' and '{heading}' both mean '{name}'; keep one",
                )
            )
        else:
            found[name] = heading
    for column in dataset.columns:
        if column.required and column.default is None and column.name not in found:
            accepted = ", ".join(f"'{s}'" for s in spellings(column))
            errors.append(
                ValidationError(
                    file,
                    None,
                    column.name,
                    None,
                    "missing_column",
                    f"required column '{column.name}' is missing (accepted headings: {accepted}); "
                    f"the expected headings are: {expected}",
                )
            )
    if dataset.exactly_one_of and not any(c in found for c in dataset.exactly_one_of):
        either = " or ".join(f"'{c}'" for c in dataset.exactly_one_of)
        errors.append(
            ValidationError(
                file, None, None, None, "missing_column", f"the file needs a column {either}"
            )
        )
    if dataset.at_least_one_of and not any(c in found for c in dataset.at_least_one_of):
        options = ", ".join(f"'{c}'" for c in dataset.at_least_one_of)
        errors.append(
            ValidationError(
                file,
                None,
                None,
                None,
                "missing_column",
                f"the file needs at least one of the columns {options}",
            )
        )
    return HeadingMap(found, tuple(errors))
