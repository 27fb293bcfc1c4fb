from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "oneworkforce.web.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from oneworkforce.web.accounts import signals

        signals.connect()
