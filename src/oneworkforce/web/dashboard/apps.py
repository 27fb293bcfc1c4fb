from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "oneworkforce.web.dashboard"
    label = "dashboard"
    verbose_name = "People Story dashboard"
    default_auto_field = "django.db.models.BigAutoField"
