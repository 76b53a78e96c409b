from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "backoffice.demo"
    label = "demo"
    verbose_name = "Demo data"
