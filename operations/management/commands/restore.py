from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from operations.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Replace the whole database with a backup made by `manage.py backup`. "
        "Stop the app servers and workers first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The backup file to restore.")
        parser.add_argument("--yes", action="store_true", help="Do not ask; replace the database.")

    def handle(self, *args, file: Path, yes: bool, **options) -> None:
        if not yes:
            answer = input("This replaces every row of the database with the backup. Type yes: ")
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing was restored.")
        try:
            restore(source=file)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored from {file}.")
