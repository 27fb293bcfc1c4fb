from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    """Installed for its templates only; the ledger's tables belong to ``data.ledger``."""

    name = "oneworkforce.web.submissions"
    label = "submissions"
    verbose_name = "Submissions"
