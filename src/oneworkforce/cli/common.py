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


def open_stores() -> Home:
    """The data directory with its operational store set up and the lake reconciled."""
    from oneworkforce import opstore
    from oneworkforce.data.importer import reconcile

    h = home()
    try:
        opstore.setup(h)
    except Exception as exc:  # database unreachable, bad DATABASE_URL, ...
        fail(f"cannot open the operational store: {str(exc).strip().splitlines()[0]}")
    reconcile(h)
    return h


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
