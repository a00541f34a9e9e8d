import json

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import ngettext

from billing.models import InvoiceRun
from billing.selectors import missing_data_messages, missing_invoice_data, run_preview
from billing.services import NOTHING_TO_BILL
from waw import jobs
from waw.job_commands import run_in_foreground
from waw.models import Job
from waw.money import format_euro
from waw.periods import Period, PeriodError

NBSP = "\u00a0"  # a terminal shows the amount's non-breaking space oddly


class Command(BaseCommand):
    help = "Voorvertoning (standaard) of uitgifte (--issue) van de factuurrun voor een periode."

    def add_arguments(self, parser):
        parser.add_argument("--period", required=True, help="bijvoorbeeld 2025-Q1, 2025-H1 of 2025")
        parser.add_argument("--issue", action="store_true", help="geef de facturen echt uit")
        parser.add_argument("--json", action="store_true", help="één JSON-object als uitvoer")

    def handle(self, *args, **options):
        try:
            period = Period.parse(options["period"])
        except PeriodError as error:
            self.stderr.write(str(error))
            raise SystemExit(2) from None
        today = timezone.localdate()
        if options["issue"]:
            # The same task function as the worker's, run here (waw/job_commands.py).
            job = run_in_foreground(
                kind=Job.Kind.INVOICE_RUN,
                key=jobs.job_key(Job.Kind.INVOICE_RUN, scope=str(period)),
                title=f"Factuurrun {period.in_words} uitgeven",
                params={"period": str(period), "today": today.isoformat()},
            )
            if job.status != Job.Status.DONE:
                for message in (job.outcome or {}).get("messages") or [job.error]:
                    self.stderr.write(message)
                raise SystemExit(1) from None
            run = InvoiceRun.objects.get(pk=job.outcome["run"])
            invoices = [
                {
                    "municipality": invoice.municipality.name,
                    "number": invoice.number,
                    "lines": invoice.lines.count(),
                    "total": str(invoice.total),
                }
                for invoice in run.invoices.select_related("municipality").order_by(
                    "municipality__name"
                )
            ]
            settled = run.settlements.count()
        else:
            preview = run_preview(period=period, today=today)
            invoices = [
                {
                    "municipality": draft.municipality.name,
                    "number": None,
                    "lines": len(draft.lines),
                    "total": str(draft.total),
                }
                for draft in preview.invoices
            ]
            settled = len(preview.settlements)
            missing = missing_invoice_data(
                municipalities=[draft.municipality for draft in preview.invoices],
                year=period.year,
            )
            for refusal in [*preview.refusals, *missing_data_messages(missing)]:
                self.stderr.write(refusal)
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "period": str(period),
                        "issued": options["issue"],
                        "invoices": invoices,
                        # Billing rule 9: trajectories settled at € 0, without an invoice line.
                        "settled_at_zero": settled,
                    },
                    ensure_ascii=False,
                )
            )
            return
        for invoice in invoices:
            number = invoice["number"] or "(voorvertoning)"
            lines = ngettext("%(n)s regel", "%(n)s regels", invoice["lines"]) % {
                "n": invoice["lines"]
            }
            self.stdout.write(
                f"{invoice['municipality']:<16} {number:<16} {lines:>10}  "
                f"{format_euro(invoice['total']).replace(NBSP, ' ')}"
            )
        if settled:
            self.stdout.write(
                ngettext(
                    "%(n)s traject verrekend tegen € 0 (zonder factuurregel).",
                    "%(n)s trajecten verrekend tegen € 0 (zonder factuurregel).",
                    settled,
                )
                % {"n": settled}
            )
        if not invoices and not settled:
            self.stdout.write(str(NOTHING_TO_BILL))
