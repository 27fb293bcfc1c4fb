"""Sessions end when what they were granted on changes: a password change, a deactivation or
a change of roles (a membership added or removed) ends every session of the user, on every
worker at once, when the change commits."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

log = logging.getLogger("oneworkforce.accounts")


def _user_saving(sender, instance, update_fields=None, **kwargs):
    if instance.pk is None:
        return
    if update_fields is not None and not {"password", "is_active"} & set(update_fields):
        return
    before = sender.objects.filter(pk=instance.pk).values("password", "is_active").first()
    if before is None:
        return
    changed = [
        what
        for what, field in (("password", "password"), ("deactivation", "is_active"))
        if before[field] != getattr(instance, field)
    ]
    if changed:
        _end_on_commit(instance.pk, " and ".join(changed) + " change")


def _membership_changed(sender, instance, **kwargs):
    if kwargs.get("created") is False:  # an unchanged role saved again
        return
    _end_on_commit(instance.user_id, "role change")


def _end_on_commit(user_id: int, reason: str) -> None:
    from oneworkforce.web.accounts.service import end_sessions

    def end() -> None:
        ended = end_sessions(user_id)
        log.info("ended %d session(s) of user %s after a %s", ended, user_id, reason)

    transaction.on_commit(end)


def _locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    """django-axes refused a password sign-in for repeated failures: on the audit trail (an
    NHS mail sign-in is audited by its own failure page, so only the password form here)."""
    if request is None or not request.path.startswith("/accounts/login"):
        return
    from oneworkforce.web.accounts.service import sign_in_refused

    sign_in_refused(
        (username or "")[:150],
        via="password",
        reason="locked",
        detail="too many refused sign-ins for this user name from this address",
        client=ip_address or "",
    )


def connect() -> None:
    from axes.signals import user_locked_out

    User = get_user_model()
    from oneworkforce.web.accounts.models import Membership

    pre_save.connect(_user_saving, sender=User, dispatch_uid="owf-user-saving")
    post_save.connect(_membership_changed, sender=Membership, dispatch_uid="owf-member-save")
    post_delete.connect(_membership_changed, sender=Membership, dispatch_uid="owf-member-del")
    user_locked_out.connect(_locked_out, dispatch_uid="owf-locked-out")
