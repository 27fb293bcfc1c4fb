"""Whose figures the current request may see: the :class:`~oneworkforce.metrics.group_size.Viewer`
every read of the results store by the pages, downloads and API is made for.

The middleware puts the request here for the time it is answered; :func:`viewer` then gives
the user's viewer: every organisation's figures with ``view_organisation`` system-wide, else
their own organisations' figures and figures of at least the minimum number of other
organisations. Outside a request (a worker warming its cache) nobody's own figures are seen.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from oneworkforce.metrics.group_size import Viewer, public_viewer, viewer_for
from oneworkforce.web.access import Permission

_request: ContextVar[Any] = ContextVar("oneworkforce_request", default=None)


def viewer() -> Viewer:
    request = _request.get()
    if request is None:
        return public_viewer()
    cached = getattr(request, "_oneworkforce_viewer", None)
    if cached is None:
        cached = viewer_for(request.scope.organisations(Permission.VIEW_ORGANISATION))
        request._oneworkforce_viewer = cached
    return cached


class answering:
    """``with answering(request):`` the figures read meanwhile are for the request's user."""

    def __init__(self, request: Any) -> None:
        self.request = request

    def __enter__(self) -> None:
        self.token = _request.set(self.request)

    def __exit__(self, *exc: object) -> None:
        _request.reset(self.token)
