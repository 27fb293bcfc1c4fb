from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "oneworkforce.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
    default_auto_field = "django.db.models.BigAutoField"
