from django.core.management.base import BaseCommand

from feeds.imports import import_calendar
from spaces.models import CalendarImport


class Command(BaseCommand):
    help = (
        "Fetch every imported calendar with an https address and re-expand uploaded ones over the "
        "moving window (run from cron, e.g. hourly). A failing source keeps its last good copy."
    )

    def handle(self, *args, **options) -> None:
        failures = 0
        for source in CalendarImport.objects.select_related("venue").order_by("pk"):
            result = import_calendar(source, refetch=bool(source.url))
            if result.ok:
                clashes = f", {result.clashes} new clashes emailed" if result.clashes else ""
                self.stdout.write(f"{source.pk} {source.name}: {result.blocks} busy times{clashes}")
            else:
                failures += 1
                self.stderr.write(f"{source.pk} {source.name}: {result.error}")
        self.stdout.write(f"Done; {failures} failed.")
