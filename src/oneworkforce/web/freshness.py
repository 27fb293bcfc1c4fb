"""Whether the figures shown are from the current data: the template context behind the
"figures from an earlier data version" banner of ``base.html`` (see
:meth:`oneworkforce.metrics.results_reader.ResultsReader.freshness`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from oneworkforce.metrics.results_reader import Freshness, ResultsReader


def current() -> Freshness:
    """The stored results against the ledger, now (the ledger's slice count and two ``stat``
    calls when nothing changed)."""
    from oneworkforce.data.ledger.service import generation

    return ResultsReader(settings.HOME.lake).freshness(ledger_generation=generation())


def context(request: Any) -> dict[str, Any]:
    """Template context: ``results_freshness`` for the banner in ``base.html``."""
    return {"results_freshness": current()}
