from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running a Commonshare site: backups and restores (later: retention, periodic jobs)."""

    name = "operations"
    verbose_name = "Operations"
