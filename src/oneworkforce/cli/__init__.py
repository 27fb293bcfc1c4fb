"""The ``oneworkforce`` command line.

Every command exits 0 on success and non-zero with a one-line reason on failure; commands
whose output a machine would read take ``--format json``.
"""

from __future__ import annotations

import typer

from oneworkforce.cli import (
    audit,
    backup,
    common,
    demo,
    imports,
    jobs,
    ledger,
    metrics,
    plan,
    prune,
    registers,
    report,
    results,
    spc,
    synth,
    web,
)

app = typer.Typer(
    name="oneworkforce",
    help="See, plan and assure the whole health and care workforce of an integrated care system.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _main(
    home: str = typer.Option(
        None,
        "--home",
        help="Data directory (default: $ONEWORKFORCE_HOME "
        "or ./.oneworkforce). Created on first use.",
    ),
) -> None:
    common.STATE.home_arg = home


for module in (
    imports,
    ledger,
    metrics,
    demo,
    web,
    audit,
    backup,
    synth,
    spc,
    results,
    registers,
    report,
    plan,
    jobs,
    prune,
):
    module.register(app)


def main() -> None:
    import os
    import sys

    try:
        app()
    except Exception as exc:  # a bug: say so in one line; the traceback is there on request
        if os.environ.get("ONEWORKFORCE_DEBUG") == "1":
            raise
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        sys.stderr.write(
            f"oneworkforce: unexpected error: {type(exc).__name__}: {first} "
            "(run again with ONEWORKFORCE_DEBUG=1 for the details)\n"
        )
        sys.exit(70)
