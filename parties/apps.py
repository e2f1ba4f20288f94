from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "parties"
    verbose_name = "Invoiced parties"
