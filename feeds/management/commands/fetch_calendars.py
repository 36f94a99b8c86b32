from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from feeds.imports import import_calendar
from spaces.models import CalendarImport


class Command(BaseCommand):
    help = (
        "Fetch every imported calendar with an https address and re-expand uploaded ones over the "
        "moving window (run from cron, e.g. hourly). A failing source keeps its last good copy. "
        "Safe on several machines at once: each source is claimed (its last_fetched_at set) by "
        "one run, and a source fetched within --every minutes is left alone."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--every",
            type=int,
            default=10,
            help="Skip a source fetched less than this many minutes ago (default: 10).",
        )

    def handle(self, *args, **options) -> None:
        failures = 0
        for source in CalendarImport.objects.select_related("venue").order_by("pk"):
            now = timezone.now()
            recent = now - timedelta(minutes=max(options["every"], 0))
            # One UPDATE decides which machine takes the source: the other runs match no row.
            claimed = (
                CalendarImport.objects.filter(pk=source.pk)
                .filter(Q(last_fetched_at__isnull=True) | Q(last_fetched_at__lte=recent))
                .update(last_fetched_at=now)
            )
            if not claimed:
                self.stdout.write(f"{source.pk} {source.name}: fetched recently, skipped")
                continue
            result = import_calendar(source, refetch=bool(source.url), now=now)
            if result.ok:
                clashes = f", {result.clashes} new clashes emailed" if result.clashes else ""
                self.stdout.write(f"{source.pk} {source.name}: {result.blocks} busy times{clashes}")
            else:
                failures += 1
                self.stderr.write(f"{source.pk} {source.name}: {result.error}")
        self.stdout.write(f"Done; {failures} failed.")
