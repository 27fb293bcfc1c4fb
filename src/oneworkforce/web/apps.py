from django.apps import AppConfig


class WebConfig(AppConfig):
    """The site itself: base templates, static files, sign-in pages and the published index."""

    name = "oneworkforce.web"
    label = "web"
    verbose_name = "OneWorkforce web app"
