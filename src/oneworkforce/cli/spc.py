"""``oneworkforce spc``: Making Data Count SPC of one series from a CSV or JSON file.

Input (a file or ``-`` for stdin, UTF-8):

* CSV with a header that has a ``value`` column (e.g. ``period,value``); other columns are
  kept for the table only;
* a single column of values, with or without a header;
* a JSON list of numbers, or of objects with a ``"value"`` key.

Values keep their order. A blank cell, ``NA``, ``NaN`` or JSON ``null`` is a missing value;
an empty line counts as a missing value too, except at the end of the file. Bad input ends with
exit code 2 and a one-line reason on stderr; CSV positions are row numbers counted from 1
(a header, if present, is row 1) and JSON positions are 0-based list indices.
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from dataclasses import dataclass
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from oneworkforce.metrics.spc import IMPROVEMENT_DIRECTIONS, SpcResult, analyse

FORMATS = ("json", "table")
MISSING_TOKENS = frozenset({"", "na", "nan", "null"})


class InputError(Exception):
    """Bad input or options; the message is shown as a single line."""


@dataclass(frozen=True)
class Series:
    values: list[float | None]
    periods: list[str] | None


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


# --------------------------------------------------------------------------- reading input


def _read_text(source: str) -> str:
    try:
        if source == "-":
            data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read()
        else:
            with open(source, "rb") as handle:
                data = handle.read()
    except OSError as exc:
        raise InputError(f"cannot read {source}: {exc.strerror or exc}") from exc
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{source} is not UTF-8 text") from exc


def _parse_cell(cell: str, where: str) -> float | None:
    text = cell.strip()
    if text.lower() in MISSING_TOKENS:
        return None
    try:
        if "_" in text:
            raise ValueError(text)
        number = float(text)
    except ValueError:
        raise InputError(f"{where}: {text!r} is not a number") from None
    if not math.isfinite(number):
        raise InputError(f"{where}: {text!r} is not a finite number")
    return number


def _is_number(cell: str) -> bool:
    try:
        return _parse_cell(cell, "") is not None
    except InputError:
        return False


def _value_column(header: list[str]) -> int:
    names = [name.strip().lower() for name in header]
    if "value" in names:
        return names.index("value")
    if len(header) == 1:
        return 0
    raise InputError("row 1: expected a header with a 'value' column")


def _parse_csv(text: str) -> Series:
    rows = list(csv.reader(io.StringIO(text)))
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise InputError("no values found")
    first = rows[0]
    has_header = len(first) > 1 or (len(first) == 1 and not _is_number(first[0]))
    if has_header and not any(cell.strip() for cell in first):
        has_header = False
    column = _value_column(first) if has_header else 0
    width = max(len(first), 1)
    data_start = 1 if has_header else 0
    values: list[float | None] = []
    periods: list[str] = []
    for line, row in enumerate(rows[data_start:], start=data_start + 1):
        if not row:
            values.append(None)
            periods.append("")
            continue
        if len(row) != width:
            raise InputError(f"row {line}: expected {width} column(s), found {len(row)}")
        values.append(_parse_cell(row[column], f"row {line}"))
        periods.append(row[0].strip() if width > 1 and column != 0 else "")
    if not values:
        raise InputError("no values found")
    keep_periods = width > 1 and column != 0
    return Series(values=values, periods=periods if keep_periods else None)


def _json_item(item: Any, index: int) -> float | None:
    if isinstance(item, dict):
        if "value" not in item:
            raise InputError(f"item {index}: object has no 'value'")
        item = item["value"]
    if item is None:
        return None
    if isinstance(item, bool) or not isinstance(item, int | float):
        raise InputError(f"item {index}: {item!r} is not a number")
    if not math.isfinite(item):
        raise InputError(f"item {index}: {item!r} is not a finite number")
    return float(item)


def _parse_json(text: str) -> Series:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise InputError("invalid JSON: nested too deeply") from None
    if not isinstance(data, list):
        raise InputError("JSON input must be a list of numbers or of objects with 'value'")
    if not data:
        raise InputError("no values found")
    values = [_json_item(item, i) for i, item in enumerate(data)]
    periods: list[str] | None = None
    if all(isinstance(item, dict) and "period" in item for item in data):
        periods = [str(item["period"]) for item in data]
    return Series(values=values, periods=periods)


def read_series(source: str) -> Series:
    """Read a series from a CSV or JSON file (or ``-`` for stdin)."""
    text = _read_text(source)
    if text.lstrip().startswith(("[", "{")):
        return _parse_json(text)
    if not text.strip():
        raise InputError("no values found")
    return _parse_csv(text)


# --------------------------------------------------------------------------- options


def _parse_choice(name: str, value: str, choices: tuple[str, ...]) -> str:
    chosen = value.strip().lower()
    if chosen not in choices:
        raise InputError(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return chosen


def _parse_target(value: str | None) -> float | None:
    if value is None:
        return None
    number = _parse_cell(value, "--target")
    if number is None:
        raise InputError(f"--target: {value!r} is not a number")
    return number


def _parse_int(name: str, text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise InputError(f"{name}: {text.strip()!r} is not a whole number") from None


def _parse_rebase(value: str | None) -> list[int]:
    if value is None or not value.strip():
        return []
    return [_parse_int("--rebase-at", part) for part in value.split(",")]


# --------------------------------------------------------------------------- output


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4g}"


def _print_table(result: SpcResult, periods: list[str] | None) -> None:
    console = Console(file=sys.stdout, width=160)
    table = Table(title="Making Data Count SPC")
    table.add_column("index", justify="right")
    if periods is not None:
        table.add_column("period")
    for name in ("value", "mean", "lpl", "upl"):
        table.add_column(name, justify="right")
    table.add_column("rule")
    table.add_column("point type")
    for point in result.points:
        cells = [str(point.index)]
        if periods is not None:
            cells.append(periods[point.index])
        cells += [_number(v) for v in (point.value, point.mean, point.lpl, point.upl)]
        cells += [point.rule, point.point_type]
        table.add_row(*cells)
    console.print(table)
    console.print(f"variation icon: {result.variation_icon}")
    console.print(f"assurance: {result.assurance or 'n/a'}")


def _warn_trial_limits(result: SpcResult) -> None:
    for group in result.groups:
        if group.trial_limits:
            typer.echo(
                f"warning: group starting at index {group.start_index} has {group.n} points; "
                "its limits are trial limits",
                err=True,
            )


def register(app: typer.Typer) -> None:
    """Add the ``spc`` command to ``app``."""

    @app.command("spc")
    def spc(
        file: Annotated[str, typer.Argument(help="CSV or JSON file, or '-' for stdin.")],
        improvement: Annotated[
            str, typer.Option(help="Direction of improvement: increase, decrease or neutral.")
        ] = "increase",
        target: Annotated[
            str | None, typer.Option(help="Target value, for the assurance icon.")
        ] = None,
        rebase_at: Annotated[
            str | None,
            typer.Option(
                "--rebase-at", help="0-based indices where a new period starts, e.g. 12,24."
            ),
        ] = None,
        fix_after: Annotated[
            str | None,
            typer.Option("--fix-after", help="Fix limits after this many points (>= 12)."),
        ] = None,
        no_screen: Annotated[
            bool, typer.Option("--no-screen", help="Do not screen large moving ranges.")
        ] = False,
        output_format: Annotated[
            str, typer.Option("--format", help="Output format: json or table.")
        ] = "json",
    ) -> None:
        """Making Data Count XmR chart: limits, special causes, icons and assurance."""
        try:
            direction = _parse_choice("--improvement", improvement, IMPROVEMENT_DIRECTIONS)
            fmt = _parse_choice("--format", output_format, FORMATS)
            fixed = None if fix_after is None else _parse_int("--fix-after", fix_after)
            goal = _parse_target(target)
            rebases = _parse_rebase(rebase_at)
            series = read_series(file)
            result = analyse(
                series.values,
                improvement=direction,
                target=goal,
                rebase_at=rebases,
                fix_after=fixed,
                screen_outliers=not no_screen,
            )
        except (InputError, ValueError) as exc:
            _fail(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
        _warn_trial_limits(result)
        if fmt == "json":
            typer.echo(json.dumps(result.to_dict(), indent=2, allow_nan=False))
        else:
            _print_table(result, series.periods)
