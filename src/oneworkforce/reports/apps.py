from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "oneworkforce.reports"
    label = "reports"
    verbose_name = "Board packs"
    default_auto_field = "django.db.models.BigAutoField"
