from django.apps import AppConfig


class OfficesConfig(AppConfig):
    name = "offices"
    verbose_name = "Offices and agents"
