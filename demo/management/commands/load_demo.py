"""`python manage.py load_demo`: the demo neighbourhood, once; later runs only print the logins."""

from django.conf import settings

from demo.build import load_demo
from demo.people import LOGINS
from members.audit import AuditedCommand


class Command(AuditedCommand):
    help = (
        "Load two demo venues in Ladywood with their people, prices, plans, memberships, a community "
        "fund and six months of priced bookings, and print the demo logins. Safe to run again: once "
        "the demo is loaded it changes nothing."
    )

    def handle(self, *args, **options) -> None:
        result = load_demo()
        if result.created:
            summary = ", ".join(f"{count} {name}" for name, count in result.counts.items())
            self.stdout.write(self.style.SUCCESS(f"Demo loaded: {summary}."))
        else:
            self.stdout.write("The demo is already loaded; nothing changed.")
        self.stdout.write(self.logins_table())

    def logins_table(self) -> str:
        width = max(len(login.email) for login in LOGINS)
        pwidth = max(len(login.password) for login in LOGINS)
        lines = ["", f"Open {settings.SITE_URL}/ and log in as one of:", ""]
        lines += [
            f"  {login.email:<{width}}  {login.password:<{pwidth}}  {login.role}"
            for login in LOGINS
        ]
        return "\n".join(lines) + "\n"
