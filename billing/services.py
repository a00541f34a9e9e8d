"""Issuing invoices: numbers without gaps, PDFs archived once, all or nothing."""

import contextlib
import datetime as dt
import hashlib
import logging
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone
from django.utils.translation import gettext_lazy

from billing import archive
from billing.constants import DocumentKind
from billing.models import (
    BilledShare,
    BilledShortfall,
    BilledTrajectory,
    Invoice,
    InvoiceLine,
    InvoiceRun,
    NumberSeries,
    ParticipationBudget,
    SettledTrajectory,
)
from billing.selectors import (
    DraftInvoice,
    missing_data_messages,
    missing_invoice_data,
    run_preview,
    vat_summary,
)
from billing.ubl import DEMO_NOTE, render_ubl, sender_party
from projects.models import PriceStep, TariffOption, TariffPrice
from waw.identifiers import format_iban
from waw.pdf import render_to_pdf
from waw.periods import Period

logger = logging.getLogger(__name__)

NOTHING_TO_BILL = gettext_lazy("Er valt voor deze periode niets (meer) te factureren.")
ALREADY_BILLED_BY_ANOTHER_RUN = gettext_lazy(
    "Een andere factuurrun heeft intussen trajecten, een minimale afname of een aandeel "
    "projectkosten uit deze run gefactureerd; er is niets uitgegeven. Bekijk de voorvertoning "
    "opnieuw."
)


class RunRefused(ValidationError):
    """The run cannot be issued; the messages say why (and the preview lists what to fix)."""


def _ensure_series(year: int) -> None:
    # Created outside the issuing transaction: two first issues of a year may race here, and
    # the loser simply finds the row the winner made.
    with contextlib.suppress(IntegrityError):
        NumberSeries.objects.get_or_create(year=year)


def _next_number(series: NumberSeries) -> tuple[int, str]:
    series.last_number += 1
    return series.last_number, f"{series.year}-{series.last_number:04d}"


def _buyer_reference(*, municipality, period) -> str:
    """The municipality's own kenmerk for the period's year, as it asked to see it."""
    return (
        ParticipationBudget.objects.filter(municipality=municipality, year=int(str(period)[:4]))
        .values_list("reference", flat=True)
        .first()
    ) or ""


def _render_document(
    *,
    kind,
    number,
    municipality,
    period,
    issue_date,
    due_date,
    lines,
    reference,
    credited=None,
    reason="",
) -> bytes:
    """The PDF of an invoice or credit note, from the lines it will hold (not yet saved)."""
    net = sum((line.amount for line in lines), Decimal("0.00"))
    vat = sum((line.vat_amount for line in lines), Decimal("0.00"))
    sender = settings.INVOICE_SENDER
    context = {
        "sender": sender,
        "sender_address": sender_party(sender).address,
        "sender_iban": format_iban(sender.get("iban", "")),
        "demo_note": DEMO_NOTE if sender.get("demo") else "",
        "period_described": Period.parse(str(period)).described,
        "kind": kind,
        "number": number,
        "municipality": municipality,
        "reference": reference,
        "period": period,
        "issue_date": issue_date,
        "due_date": due_date,
        "lines": lines,
        "subtotals": DraftInvoice.subtotals_of(lines),
        "kind_subtotals": DraftInvoice.kind_subtotals_of(lines),
        "vat_summary": vat_summary(lines),
        "net_total": net,
        "vat_total": vat,
        "total": net + vat,
        "credited_number": credited.number if credited else "",
        "reason": reason,
    }
    pdf, _html = render_to_pdf("billing/invoice_pdf.html", context)
    return pdf


def _issue_document(
    *,
    series: NumberSeries,
    written: list[str],
    kind: str,
    municipality,
    period,
    issue_date: dt.date,
    due_date: dt.date,
    lines: list[InvoiceLine],
    run: InvoiceRun | None = None,
    credited: Invoice | None = None,
    reason: str = "",
) -> tuple[Invoice, list[InvoiceLine]]:
    """Number, render, archive and store one invoice or credit note with its (unsaved) lines:
    its PDF and its e-invoice (UBL XML with that PDF embedded), side by side.
    Must run inside the transaction that holds the lock on ``series``."""
    sequence, number = _next_number(series)
    reference = _buyer_reference(municipality=municipality, period=period)
    pdf = _render_document(
        kind=kind,
        number=number,
        municipality=municipality,
        period=period,
        issue_date=issue_date,
        due_date=due_date,
        lines=lines,
        reference=reference,
        credited=credited,
        reason=reason,
    )
    xml = render_ubl(
        kind=kind,
        number=number,
        sender=settings.INVOICE_SENDER,
        municipality=municipality,
        period=period,
        issue_date=issue_date,
        due_date=due_date,
        lines=lines,
        pdf=pdf,
        reference=reference,
        credited_number=credited.number if credited else "",
        reason=reason,
    )
    base = f"{archive.folder(issue_date.year)}/{number}"
    pdf_path = archive.store(name=f"{base}.pdf", content=pdf, written=written)
    xml_path = archive.store(name=f"{base}.xml", content=xml, written=written)
    vat_total = sum((line.vat_amount for line in lines), Decimal("0.00"))
    invoice = Invoice.objects.create(
        kind=kind,
        number=number,
        year=issue_date.year,
        sequence=sequence,
        run=run,
        municipality=municipality,
        period=str(period),
        issue_date=issue_date,
        due_date=due_date,
        vat_total=vat_total,
        total=sum((line.amount for line in lines), Decimal("0.00")) + vat_total,
        credited_invoice=credited,
        reason=reason,
        pdf=pdf_path,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        xml=xml_path,
        xml_sha256=hashlib.sha256(xml).hexdigest(),
    )
    for line in lines:
        line.invoice = invoice
    saved = InvoiceLine.objects.bulk_create(lines)
    if any(line.pk is None for line in saved):  # backends without RETURNING ids
        saved = list(invoice.lines.order_by("id"))
    return invoice, saved


def invoice_line_from_draft(line) -> InvoiceLine:
    """The (unsaved) invoice line of a draft line, of any kind (rules 2, 11 and 12)."""
    return InvoiceLine(
        kind=line.kind,
        trajectory=line.trajectory,
        cohort=line.cohort,
        agreement=line.agreement,
        description=line.description,
        project_name=line.project_name,
        participant_reference=line.participant_reference,
        start_date=line.start_date,
        amount=line.amount,
        vat_treatment=line.vat_treatment,
        vat_amount=line.vat_amount,
    )


def issue_run(
    *, period: Period, user, today: dt.date | None = None, progress=None
) -> InvoiceRun:
    """Issue the invoices of a period: number them, render and archive each PDF once.

    Refused, writing nothing, while the period has not ended, a trajectory lacks a tariff, or
    the sender's or a municipality's invoice data is incomplete (rule 13).
    Either the whole run is issued with its files, or nothing is (a failure halfway removes the
    files it wrote), so a retry works. Runs are serialised on the year's number series row, so
    two coordinators issuing at once cannot bill a trajectory twice or leave a gap.
    ``progress(done, total)``, when given, is told each invoice rendered (a task's progress).
    """
    today = today or timezone.localdate()
    _ensure_series(today.year)
    with (
        _refused_when_billed_by_another_run(),
        transaction.atomic(),
        archive.files_removed_on_failure() as written,
    ):
        series = NumberSeries.objects.select_for_update().get(year=today.year)
        archive.remove_orphans(year=today.year)
        preview = run_preview(period=period, today=today)
        if preview.refusals:
            raise RunRefused(preview.refusals)
        if not (preview.invoices or preview.settlements):
            raise RunRefused(NOTHING_TO_BILL)
        # Rule 13: a document the official e-invoice rules would reject is never issued.
        missing = missing_invoice_data(
            municipalities=[draft.municipality for draft in preview.invoices], year=period.year
        )
        if missing:
            raise RunRefused(missing_data_messages(missing))
        run = InvoiceRun.objects.create(
            period=str(period), issued_at=timezone.now(), issued_by=user
        )
        due_date = today + dt.timedelta(days=settings.INVOICE_PAYMENT_TERM_DAYS)
        for rendered, draft in enumerate(preview.invoices, start=1):
            _invoice, lines = _issue_document(
                series=series,
                written=written,
                kind=DocumentKind.INVOICE,
                municipality=draft.municipality,
                period=period,
                issue_date=today,
                due_date=due_date,
                run=run,
                lines=[invoice_line_from_draft(line) for line in draft.lines],
            )
            BilledTrajectory.objects.bulk_create(
                BilledTrajectory(trajectory_id=line.trajectory_id, line=line)
                for line in lines
                if line.trajectory_id
            )
            if progress is not None:
                progress(rendered, len(preview.invoices))
        record_financing_of_run(run=run, preview=preview)
        series.save(update_fields=["last_number"])
    logger.info("Factuurrun %s uitgegeven: %s facturen", period, len(preview.invoices))
    return run


def _applied_prices(preview) -> list[tuple[PriceStep, dt.date]]:
    applied = [
        (line.price_step, line.start_date)
        for draft in preview.invoices
        for line in draft.lines
        if line.price_step is not None
    ]
    applied += [(s.price_step, s.trajectory.start_date) for s in preview.settlements]
    applied += [(s.price_step, s.cohort.start_date) for s in preview.shortfalls]
    return applied


def mark_prices_applied(*, applied: list[tuple[PriceStep, dt.date]]) -> None:
    """Billing rule 8: every price a run applies is marked with the latest start date it was
    applied to; from then on it is never changed, and a new price can only start after it."""
    latest: dict[tuple[str, int], dt.date] = {}
    for step, day in applied:
        key = ("later", step.record.pk) if step.record else ("first", step.option_id)
        latest[key] = max(day, latest.get(key, day))
    for (which, pk), day in latest.items():
        model, field = (
            (TariffPrice, "applied_until")
            if which == "later"
            else (TariffOption, "price_applied_until")
        )
        model.objects.filter(pk=pk).update(
            **{field: Greatest(Coalesce(F(field), Value(day)), Value(day))}
        )


def settle_at_zero(*, run: InvoiceRun, settlements) -> None:
    """Billing rule 9: record each trajectory the run reached at a price of € 0 as settled."""
    SettledTrajectory.objects.bulk_create(
        SettledTrajectory(
            trajectory=settlement.trajectory,
            run=run,
            municipality_id=settlement.trajectory.municipality_at_start_id,
            price_from=settlement.price_step.valid_from,
        )
        for settlement in settlements
    )


def mark_shortfalls_and_shares_billed(*, run: InvoiceRun, preview) -> None:
    """Billing rules 11 and 12: each group's minimum purchase and each agreement's share of
    fixed costs is billed once, ever — the marks are unique in the database, so a second run
    (also one racing this one) fails instead of billing it again."""
    BilledShortfall.objects.bulk_create(
        BilledShortfall(cohort=item.cohort, run=run, amount=item.amount)
        for item in preview.shortfalls
    )
    BilledShare.objects.bulk_create(
        BilledShare(agreement=item.agreement, run=run, amount=item.amount)
        for item in preview.shares
    )


@contextlib.contextmanager
def _refused_when_billed_by_another_run():
    """Runs are serialised per year of issue only; two runs issued in different years at the
    same moment meet at the unique marks (a trajectory billed or settled once, a minimum
    purchase and a share once). The second is refused as a whole, with a message, not a 500."""
    try:
        yield
    except IntegrityError as error:
        raise RunRefused(ALREADY_BILLED_BY_ANOTHER_RUN) from error


def record_financing_of_run(*, run: InvoiceRun, preview) -> None:
    """What a run records besides its invoices: the trajectories it settled at € 0 (rule 9),
    the prices it applied (rule 8), the minimum purchases and shares it billed (11, 12)."""
    settle_at_zero(run=run, settlements=preview.settlements)
    mark_prices_applied(applied=_applied_prices(preview))
    mark_shortfalls_and_shares_billed(run=run, preview=preview)


CREDIT_REASON_REQUIRED = gettext_lazy("Geef een reden voor de creditnota.")
CREDIT_NO_LINES = gettext_lazy("Kies minstens één regel om te crediteren.")
CREDIT_ONLY_INVOICES = gettext_lazy("Alleen een factuur kan worden gecrediteerd, geen creditnota.")
CREDIT_ALREADY = gettext_lazy("Regel %(line)s is al gecrediteerd.")


def credit_invoice(
    *,
    invoice: Invoice,
    line_ids: list[int],
    rebill_ids: list[int],
    reason: str,
    user,
    today: dt.date | None = None,
) -> Invoice:
    """Credit whole lines of an issued invoice with a credit note of its own (own number from
    the same series, own archived PDF, referencing the original). A credited line whose
    trajectory must be billed again (wrong municipality or tariff, now corrected) loses its
    billing mark, so the next run bills it; the others stay marked and are never billed again.
    """
    today = today or timezone.localdate()
    if invoice.kind != DocumentKind.INVOICE:
        raise ValidationError(CREDIT_ONLY_INVOICES)
    if not reason or not reason.strip():
        raise ValidationError({"reason": CREDIT_REASON_REQUIRED})
    if not line_ids:
        raise ValidationError(CREDIT_NO_LINES)
    _ensure_series(today.year)
    with transaction.atomic(), archive.files_removed_on_failure() as written:
        series = NumberSeries.objects.select_for_update().get(year=today.year)
        archive.remove_orphans(year=today.year)
        lines = list(
            invoice.lines.filter(pk__in=line_ids)
            .select_related("trajectory")
            .order_by("project_name", "start_date", "id")
        )
        if len(lines) != len(set(line_ids)):
            raise ValidationError(CREDIT_NO_LINES)
        for line in lines:
            if InvoiceLine.objects.filter(credited_line=line).exists():
                raise ValidationError(CREDIT_ALREADY % {"line": line.participant_reference})
        missing = missing_invoice_data(municipalities=[invoice.municipality], year=None)
        if missing:
            raise ValidationError(missing_data_messages(missing))
        credit_note, _lines = _issue_document(
            series=series,
            written=written,
            kind=DocumentKind.CREDIT_NOTE,
            municipality=invoice.municipality,
            period=invoice.period,
            issue_date=today,
            due_date=today,
            credited=invoice,
            reason=reason.strip(),
            lines=[
                InvoiceLine(
                    kind=line.kind,
                    trajectory=line.trajectory,
                    cohort=line.cohort,
                    agreement=line.agreement,
                    description=line.description,
                    project_name=line.project_name,
                    participant_reference=line.participant_reference,
                    start_date=line.start_date,
                    amount=-line.amount,
                    vat_treatment=line.vat_treatment,
                    vat_amount=-line.vat_amount,
                    credited_line=line,
                )
                for line in lines
            ],
        )
        rebill = {
            line.trajectory_id
            for line in lines
            if line.pk in set(rebill_ids) and line.trajectory_id
        }
        BilledTrajectory.objects.filter(trajectory_id__in=rebill).delete()
        series.save(update_fields=["last_number"])
    return credit_note


@transaction.atomic
def participation_budget_set(
    *, municipality, year: int, amount, reference: str = "", note: str = ""
) -> ParticipationBudget:
    """Record a municipality's year: what it sets aside for these projects and the reference
    (inkoopordernummer) it wants on its invoices of that year."""
    budget = ParticipationBudget.objects.filter(municipality=municipality, year=year).first()
    if budget is None:
        budget = ParticipationBudget(municipality=municipality, year=year)
    budget.amount = amount
    budget.reference = reference.strip()
    budget.note = note
    budget.full_clean()
    budget.save()
    return budget
