"""What is wrong with a submitted file, in words an NHS analyst understands."""

from __future__ import annotations

from dataclasses import asdict, dataclass

MAX_LISTED = 100


@dataclass(frozen=True)
class ValidationError:
    """One problem: where it is (file, row, column), what was there, and the rule it breaks.

    ``row`` is the row as a spreadsheet shows it (the heading row is row 1, so the first data
    row is row 2); it is None for a problem with the whole file, such as a missing column.
    """

    file: str
    row: int | None
    column: str | None
    value: str | None
    rule: str
    message: str

    def describe(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        shown = "" if self.value is None else f" (value {self.value!r})"
        return f"{', '.join(where)}: {self.message}{shown} [{self.rule}]"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class ValidationReport:
    """The first ``MAX_LISTED`` errors of a file and how many there were in all."""

    errors: tuple[ValidationError, ...]
    total: int
    counts_by_rule: dict[str, int]
    #: headings of the file that were not read: not part of the format, or direct identifiers
    ignored: tuple[str, ...] = ()
    identifiers_dropped: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.total == 0

    @property
    def not_listed(self) -> int:
        return max(0, self.total - len(self.errors))

    def summary(self) -> str:
        if self.ok:
            return "no errors"
        rules = ", ".join(f"{rule} x{n}" for rule, n in sorted(self.counts_by_rule.items()))
        return f"{self.total} error(s): {rules}"

    def with_dropped(
        self, ignored: tuple[str, ...], identifiers: tuple[str, ...]
    ) -> ValidationReport:
        """The same report, naming the columns that were dropped before anything was read."""
        return ValidationReport(
            self.errors, self.total, self.counts_by_rule, tuple(ignored), tuple(identifiers)
        )

    def dropped_lines(self) -> list[str]:
        """Plain-words lines saying which columns were not read, and why."""
        lines = []
        if self.identifiers_dropped:
            lines.append(
                "identifiers dropped (look like a person's name, NI number, date of birth, "
                "address or contact details; never read or stored): "
                + ", ".join(self.identifiers_dropped)
            )
        if self.ignored:
            lines.append(
                "ignored (not part of the format; never read or stored): " + ", ".join(self.ignored)
            )
        return lines

    def to_dict(self) -> dict[str, object]:
        return {
            "ignored": list(self.ignored),
            "identifiers_dropped": list(self.identifiers_dropped),
            "total": self.total,
            "listed": len(self.errors),
            "not_listed": self.not_listed,
            "counts_by_rule": dict(sorted(self.counts_by_rule.items())),
            "errors": [e.to_dict() for e in self.errors],
        }

    @classmethod
    def from_errors(
        cls,
        errors: list[ValidationError],
        total: int | None = None,
        counts: dict[str, int] | None = None,
    ) -> ValidationReport:
        if counts is None:
            counts = {}
            for e in errors:
                counts[e.rule] = counts.get(e.rule, 0) + 1
        return cls(tuple(errors[:MAX_LISTED]), len(errors) if total is None else total, counts)
