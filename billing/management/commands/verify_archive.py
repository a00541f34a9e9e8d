"""``manage.py verify_archive``: every archived invoice, credit note and published monitor
edition against its SHA-256.

Exit code 0 when the archive is intact, 1 on any missing, changed or orphan file (cron mails
the output). Each run is recorded for the health page (/beheer/status/)."""

from django.core.management.base import BaseCommand, CommandError

from billing import archive

LABELS = {
    "missing": "ONTBREEKT",
    "changed": "GEWIJZIGD",
    "orphan": "ZONDER DOCUMENT",
}


class Command(BaseCommand):
    help = (
        "Controleert elk gearchiveerd factuur-, creditnota- en monitorbestand tegen zijn SHA-256 "
        "en meldt ontbrekende, gewijzigde en verweesde bestanden (exitcode 1 bij een bevinding)."
    )

    def handle(self, *args, **options):
        def report(finding):
            document = f" ({finding.document})" if finding.document else ""
            self.stdout.write(f"{LABELS[finding.kind]}: {finding.name}{document}")

        result, check = archive.verify_and_record(on_finding=report)
        seconds = (check.finished_at - check.started_at).total_seconds()
        summary = (
            f"{result.documents} documenten, {result.files} bestanden gecontroleerd in "
            f"{seconds:.1f} s: {result.missing} ontbrekend, {result.changed} gewijzigd, "
            f"{result.orphans} zonder document."
        )
        if result.findings:
            raise CommandError(f"Archief niet in orde. {summary}")
        self.stdout.write(self.style.SUCCESS(f"Archief in orde. {summary}"))
