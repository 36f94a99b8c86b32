from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"

    def ready(self) -> None:
        from bookings.events import booking_event

        from . import checks  # noqa: F401  (registers the deployment check)
        from .receivers import on_booking_event

        booking_event.connect(on_booking_event, dispatch_uid="webhooks.on_booking_event")
