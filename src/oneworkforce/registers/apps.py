from django.apps import AppConfig


class RegistersConfig(AppConfig):
    name = "oneworkforce.registers"
    label = "registers"
    verbose_name = "Assurance registers"
    default_auto_field = "django.db.models.BigAutoField"
