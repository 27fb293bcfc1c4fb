from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "oneworkforce.data.ledger"
    label = "ledger"
    verbose_name = "Submissions ledger"
    default_auto_field = "django.db.models.BigAutoField"
