"""Matching a file's headings to a dataset's columns.

Headings are compared case- and punctuation-insensitively, and the spellings users already
have (``Org Code``, ``ODS code``, ``WTE``...) are accepted for the column they mean.
"""

from __future__ import annotations

from dataclasses import dataclass

from oneworkforce.data.errors import ValidationError
from oneworkforce.data.reference import normalise_token
from oneworkforce.data.schemas import Column, Dataset

#: Headings that look like direct identifiers of a person (normalised tokens). A column with
#: such a heading is never read, whatever the dataset, and is named in the report.
IDENTIFIER_WORDS = (
    "name",
    "forename",
    "forenames",
    "surname",
    "first_name",
    "last_name",
    "full_name",
    "given_name",
    "family_name",
    "middle_name",
    "employee_name",
    "staff_name",
    "person_name",
    "worker_name",
    "ni_number",
    "ni_no",
    "nino",
    "national_insurance",
    "national_insurance_number",
    "national_insurance_no",
    "nhs_number",
    "nhs_no",
    "date_of_birth",
    "dob",
    "birth_date",
    "birthdate",
    "address",
    "postcode",
    "post_code",
    "email",
    "email_address",
    "telephone",
    "phone",
    "mobile",
)
_IDENTIFIER_PARTS = ("address", "postcode", "post_code", "surname", "forename", "birth")


def looks_like_identifier(heading: str) -> bool:
    """True for headings such as 'Surname', 'NI Number', 'Date of birth', 'Home address'."""
    token = normalise_token(heading)
    if token in IDENTIFIER_WORDS:
        return True
    if any(part in token for part in _IDENTIFIER_PARTS):
        return True
    words = token.split("_")
    return words[-1] == "name" and words[0] in ("employee", "staff", "person", "worker", "full")


@dataclass(frozen=True)
class HeadingMap:
    columns: dict[str, str]  # canonical column name -> the file's heading
    errors: tuple[ValidationError, ...]
    ignored: tuple[str, ...] = ()  # headings no column of the format needs: never read
    identifiers: tuple[str, ...] = ()  # headings that look like direct identifiers: never read

    def heading(self, column: str) -> str | None:
        return self.columns.get(column)


def spellings(column: Column) -> tuple[str, ...]:
    return (column.name, *column.synonyms)


def match_headings(
    dataset: Dataset, headings: tuple[str, ...], file: str, *, strict: bool = False
) -> HeadingMap:
    """Map a file's headings to the dataset's columns.

    A heading that is not part of the format is ignored (listed in the report, never read);
    one that looks like a direct identifier is listed as an identifier dropped. ``strict``
    makes both an error instead, for pipelines that want exactly the format's columns.
    """
    lookup: dict[str, str] = {}
    for column in dataset.columns:
        for spelling in spellings(column):
            lookup.setdefault(normalise_token(spelling), column.name)
    expected = ", ".join(dataset.column_names)
    found: dict[str, str] = {}
    errors: list[ValidationError] = []
    ignored: list[str] = []
    identifiers: list[str] = []
    for heading in headings:
        name = lookup.get(normalise_token(heading))
        if name is None and not strict:
            (identifiers if looks_like_identifier(heading) else ignored).append(heading)
        elif name is None:
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
    return HeadingMap(found, tuple(errors), tuple(ignored), tuple(identifiers))
