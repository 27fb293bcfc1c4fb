"""What every command shares: the data directory, output formats and failing cleanly."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import NoReturn

import typer
from rich.console import Console

from oneworkforce.config import Home

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


@dataclass
class _State:
    home_arg: str | None = None


STATE = _State()


def home() -> Home:
    try:
        return Home.resolve(STATE.home_arg)
    except OSError as exc:
        fail(f"cannot use the data directory: {exc}")


def open_stores(*, repair_results: bool = True) -> Home:
    """The data directory with its operational store set up, the lake reconciled with the
    ledger and (unless ``repair_results`` is False) the stored results brought up to date if
    an earlier refresh failed or was killed."""
    from oneworkforce import opstore
    from oneworkforce.data.importer import reconcile

    h = home()
    try:
        opstore.setup(h)
    except Exception as exc:  # database unreachable, bad DATABASE_URL, ...
        fail(f"cannot open the operational store: {str(exc).strip().splitlines()[0]}")
    reconcile(h)
    if repair_results:
        repair_results_store(h)
    return h


def repair_results_store(h: Home) -> None:
    """Refresh stored results that are behind the ledger; a failure is reported, not fatal
    (the pages say the figures are from an earlier data version until a refresh succeeds)."""
    from oneworkforce.metrics.results_writer import repair_if_stale

    try:
        report = repair_if_stale(h)
    except Exception as exc:  # the command itself may still be useful, e.g. `results status`
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        err.print(
            "oneworkforce: the stored results are behind the accepted files and could not be "
            f"brought up to date ({type(exc).__name__}: {first}); pages show the figures "
            "of an earlier data version",
            markup=False,
        )
        return
    if report is not None:
        err.print(
            "oneworkforce: brought the stored results up to date with the accepted files "
            f"(data version {report.data_version})",
            markup=False,
        )


def fail(message: str, code: int = 2) -> NoReturn:
    err.print(f"oneworkforce: {message}", markup=False, soft_wrap=True)  # one line, unwrapped
    raise typer.Exit(code)


def print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=str) + "\n")


@contextmanager
def split_progress(title: str) -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar for work done split by split (``progress(name, done, total)``)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task(title, total=None)

        def update(name: str, done: int, total: int) -> None:
            bar.update(task, total=total, completed=done, description=f"{title}: {name}")

        yield update
