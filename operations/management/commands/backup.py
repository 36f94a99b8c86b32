from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from operations.backups import BackupError, back_up


class Command(BaseCommand):
    help = "Back up the whole database to a new file (SQLite online backup, or pg_dump)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The backup file to write (must not exist).")

    def handle(self, *args, file: Path, **options) -> None:
        try:
            back_up(to=file)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Backed up to {file} ({file.stat().st_size:,} bytes).")
