from django.apps import AppConfig


class SpacesConfig(AppConfig):
    name = "spaces"
    verbose_name = "Venues and spaces"

    def ready(self) -> None:
        from allauth.account import signals

        from . import receivers

        # Managers invited by email: accepted once the invited address is confirmed.
        signals.email_confirmed.connect(receivers.email_confirmed, dispatch_uid="spaces-invites")
        signals.user_signed_up.connect(receivers.user_signed_up, dispatch_uid="spaces-invites")
