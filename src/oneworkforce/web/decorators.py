"""The one decorator views use to require a permission (see :mod:`oneworkforce.web.access`)."""

from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from oneworkforce.web.access import ORG_SCOPED, Permission, scope_for


def requires(permission: Permission):
    """Anonymous users go to sign-in; signed-in users without the permission get 403.

    For an organisation-scoped permission the user needs it for at least one organisation;
    the view then narrows to ``request.scope.organisations(permission)``.
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            scope = scope_for(request.user)
            ok = (
                scope.can_any_org(permission) if permission in ORG_SCOPED else scope.can(permission)
            )
            if not ok:
                raise PermissionDenied(permission.value)
            return view(request, *args, **kwargs)

        wrapped.required_permission = permission  # type: ignore[attr-defined]
        return wrapped

    return decorate
