"""Django app for the planning pages (its templates live in planning/templates)."""

from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "oneworkforce.planning"
    label = "planning"
    verbose_name = "Workforce planning"
