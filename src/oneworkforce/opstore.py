"""Opening the operational store (Django ORM) from the command line or the tests."""

from __future__ import annotations

import io
import os

from oneworkforce.config import HOME_ENV, Home

SETTINGS = "oneworkforce.web.settings"
_ready_for: str | None = None


def setup(home: Home, *, migrate: bool = True) -> None:
    """Configure Django for ``home`` and bring the schema up to date. Idempotent."""
    global _ready_for
    import django
    from django.conf import settings

    os.environ[HOME_ENV] = str(home.root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    if not settings.configured or _ready_for is None:
        django.setup()
    if migrate and _ready_for != str(home.root):
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0, stdout=io.StringIO())
    _ready_for = str(home.root)
