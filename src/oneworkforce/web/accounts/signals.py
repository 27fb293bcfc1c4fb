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


def connect() -> None:
    User = get_user_model()
    from oneworkforce.web.accounts.models import Membership

    pre_save.connect(_user_saving, sender=User, dispatch_uid="owf-user-saving")
    post_save.connect(_membership_changed, sender=Membership, dispatch_uid="owf-member-save")
    post_delete.connect(_membership_changed, sender=Membership, dispatch_uid="owf-member-del")
