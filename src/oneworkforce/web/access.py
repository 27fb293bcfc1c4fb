"""Who may do what: the roles and the permission matrix, in code, checked in one place.

Roles are stable string keys. A user holds roles through memberships; a membership with no
organisation is system-wide, one with an organisation scopes the role to it (an organisation
data lead is a member of the organisations whose data they submit).

Every view, API endpoint and command that needs a permission asks :func:`scope_for` for the
user's :class:`Scope` and calls ``scope.require(PERMISSION, org=...)``. Nothing else in the
code decides access; the URL-sweeping metatest checks every page against :data:`MATRIX`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from django.core.exceptions import PermissionDenied


class Role(StrEnum):
    ADMIN = "admin"  # runs the installation: users, roles, everything an analyst can do
    ANALYST = "analyst"  # whole system, all data: submissions, coverage, registers, packs
    PROGRAMME_LEAD = "programme_lead"  # runs programmes: edits the registers, reads aggregates
    ORG_DATA_LEAD = "org_data_lead"  # submits for their organisations; sees them in full
    BOARD = "board"  # reads everything in aggregate
    VIEWER = "viewer"  # published views only


class Permission(StrEnum):
    VIEW_PUBLISHED = "view_published"  # published register of interests, public board packs
    VIEW_AGGREGATES = "view_aggregates"  # dashboard, drill-down, agency, coverage, API metrics
    VIEW_ORGANISATION = "view_organisation"  # figures for one organisation (org-scoped)
    VIEW_SUBMISSIONS = "view_submissions"  # the ledger and validation reports (org-scoped)
    SUBMIT_DATA = "submit_data"  # upload files (org-scoped)
    EDIT_COVERAGE = "edit_coverage"  # the data coverage map
    VIEW_REGISTERS = "view_registers"  # programmes, risks, actions, benefits, meetings
    EDIT_REGISTERS = "edit_registers"
    VIEW_DECLARATIONS = "view_declarations"  # the full conflicts-of-interest register
    EDIT_DECLARATIONS = "edit_declarations"
    VIEW_PACKS = "view_packs"  # board packs, full version (every organisation's figures)
    MAKE_PACKS = "make_packs"
    VIEW_PLANS = "view_plans"  # workforce planning scenarios and results
    RUN_PLANS = "run_plans"
    MANAGE_USERS = "manage_users"
    VIEW_JOBS = "view_jobs"  # every background job: state, duration, error (the jobs page)
    VIEW_AUDIT = "view_audit"  # the audit trail (who changed what, when)
    SET_TARGETS = "set_targets"  # the ICS's targets and limits (targets.toml)


P = Permission
_EVERYONE_SIGNED_IN = {P.VIEW_PUBLISHED}
_READ = _EVERYONE_SIGNED_IN | {
    P.VIEW_AGGREGATES,
    P.VIEW_REGISTERS,
    P.VIEW_PACKS,
    P.VIEW_PLANS,
}
_ANALYST = _READ | {
    P.VIEW_ORGANISATION,
    P.VIEW_SUBMISSIONS,
    P.SUBMIT_DATA,
    P.EDIT_COVERAGE,
    P.EDIT_REGISTERS,
    P.VIEW_DECLARATIONS,
    P.EDIT_DECLARATIONS,
    P.MAKE_PACKS,
    P.RUN_PLANS,
}

#: role -> the permissions it grants. Organisation-scoped permissions (ORG_SCOPED) are granted
#: for every organisation by a system-wide membership, and only for the member organisations
#: by an organisation membership.
MATRIX: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(_ANALYST | {P.MANAGE_USERS, P.VIEW_AUDIT, P.VIEW_JOBS, P.SET_TARGETS}),
    Role.ANALYST: frozenset(_ANALYST),
    # a full board pack shows every organisation's figures (agency and bank by organisation),
    # so it is for the roles that may see them all; the others read the public packs
    Role.PROGRAMME_LEAD: frozenset(
        (_READ - {P.VIEW_PACKS}) | {P.EDIT_REGISTERS, P.VIEW_DECLARATIONS}
    ),
    Role.ORG_DATA_LEAD: frozenset(
        (_READ - {P.VIEW_PACKS}) | {P.VIEW_ORGANISATION, P.VIEW_SUBMISSIONS, P.SUBMIT_DATA}
    ),
    Role.BOARD: frozenset(_READ | {P.VIEW_ORGANISATION, P.VIEW_DECLARATIONS}),
    Role.VIEWER: frozenset(_EVERYONE_SIGNED_IN),
}

#: permissions that concern one organisation's data; checked with ``org=``.
ORG_SCOPED = frozenset({P.VIEW_ORGANISATION, P.VIEW_SUBMISSIONS, P.SUBMIT_DATA})

#: roles that only make sense scoped to organisations, and those that are system-wide only.
ORG_ROLES = frozenset({Role.ORG_DATA_LEAD})


@dataclass(frozen=True)
class Scope:
    """What one user may do: system-wide permissions, and per-organisation ones."""

    username: str | None
    roles: frozenset[Role] = frozenset()
    system: frozenset[Permission] = frozenset()
    by_org: dict[str, frozenset[Permission]] = field(default_factory=dict)

    @property
    def authenticated(self) -> bool:
        return self.username is not None

    def can(self, permission: Permission | str, org: str | None = None) -> bool:
        permission = Permission(permission)
        if permission in self.system:
            return True
        if permission in ORG_SCOPED:
            if org is None:
                return False
            return permission in self.by_org.get(org, frozenset())
        return False

    def can_any_org(self, permission: Permission | str) -> bool:
        """True if the permission is held system-wide or for at least one organisation."""
        permission = Permission(permission)
        return permission in self.system or any(
            permission in perms for perms in self.by_org.values()
        )

    def require(self, permission: Permission | str, org: str | None = None) -> None:
        if not self.can(permission, org):
            raise PermissionDenied(f"{permission} not granted" + (f" for {org}" if org else ""))

    def require_any_org(self, permission: Permission | str) -> None:
        if not self.can_any_org(permission):
            raise PermissionDenied(f"{permission} not granted")

    def organisations(self, permission: Permission | str) -> set[str] | None:
        """The organisations the permission is held for; ``None`` means every organisation."""
        permission = Permission(permission)
        if permission in self.system:
            return None
        return {org for org, perms in self.by_org.items() if permission in perms}

    def filter_orgs(self, permission: Permission | str, orgs: Iterable[str]) -> list[str]:
        allowed = self.organisations(permission)
        return [o for o in orgs if allowed is None or o in allowed]


ANONYMOUS = Scope(username=None)


def scope_from_memberships(username: str, memberships: Iterable[tuple[str, str | None]]) -> Scope:
    """Build a scope from ``(role, organisation or None)`` pairs."""
    roles: set[Role] = set()
    system: set[Permission] = set()
    by_org: dict[str, set[Permission]] = {}
    for role_key, org in memberships:
        role = Role(role_key)
        roles.add(role)
        granted = MATRIX[role]
        if org is None:
            system |= granted
        else:
            system |= granted - ORG_SCOPED
            by_org.setdefault(org, set()).update(granted & ORG_SCOPED)
    return Scope(
        username=username,
        roles=frozenset(roles),
        system=frozenset(system),
        by_org={org: frozenset(p) for org, p in by_org.items()},
    )


def scope_for(user) -> Scope:
    """The scope of a Django user (cached on the user object for the request)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_oneworkforce_scope", None)
    if cached is not None:
        return cached
    pairs = [(m.role, m.organisation or None) for m in user.memberships.all()]
    if user.is_superuser:
        pairs.append((Role.ADMIN, None))
    scope = scope_from_memberships(user.get_username(), pairs)
    user._oneworkforce_scope = scope
    return scope


def scope_for_username(username: str) -> Scope:
    """The scope of the user named ``username`` now (a job worker acting for them)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    return scope_for(user) if user is not None else Scope(username=username)


#: what a user needs to follow a job of each kind they did not start themselves
JOB_PERMISSIONS = {
    "upload": P.VIEW_SUBMISSIONS,
    "refresh": P.VIEW_JOBS,
    "scenario": P.VIEW_PLANS,
    "pack": P.VIEW_PACKS,
}


def may_see_job(scope: Scope, job) -> bool:
    """Whether the user may follow ``job`` (its progress, outcome and error).

    Their own jobs, and every job with VIEW_JOBS (admins). An upload job otherwise needs
    VIEW_SUBMISSIONS for every organisation the job is about: a data lead sees the upload jobs
    of their own organisations, and no job whose organisations are not yet known (a file
    being checked) unless they sent it. Other kinds need the permission to see what they make.
    """
    if not scope.authenticated:
        return False
    if job.actor == scope.username or scope.can(P.VIEW_JOBS):
        return True
    needed = JOB_PERMISSIONS.get(job.kind, P.VIEW_JOBS)
    if needed in ORG_SCOPED:
        allowed = scope.organisations(needed)
        if allowed is None:
            return True
        accepted = job.result.get("status") == "accepted"  # a rejected file: the sender's
        return accepted and bool(job.organisations) and set(job.organisations) <= allowed
    return scope.can(needed)
