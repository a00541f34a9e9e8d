"""Issuing invoices: numbers without gaps, PDFs archived once, all or nothing."""

import contextlib
import dataclasses
import datetime as dt
import hashlib
import logging
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce, Greatest
from django.template.loader import render_to_string
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
from waw.pdf import pdf_from_html, render_pdfs, start_render_processes
from waw.periods import Period

logger = logging.getLogger(__name__)

INVOICE_TEMPLATE = "billing/invoice_pdf.html"
# Below this many documents one process renders them: starting render processes costs about a
# second, about what three invoices take to render on one core.
PARALLEL_FROM_DOCUMENTS = 8

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


@dataclasses.dataclass
class _Document:
    """One invoice or credit note about to be issued: what it is made of and its HTML, from
    which its PDF is rendered (the same HTML always gives the same PDF, byte for byte)."""

    kind: str
    sequence: int
    number: str
    municipality: object
    period: object
    issue_date: dt.date
    due_date: dt.date
    lines: list[InvoiceLine]
    reference: str
    credited: Invoice | None
    reason: str
    html: str


def _buyer_references(*, municipalities, period) -> dict[int, str]:
    """``_buyer_reference`` of many municipalities at once, by their id."""
    return dict(
        ParticipationBudget.objects.filter(
            municipality__in=municipalities, year=int(str(period)[:4])
        ).values_list("municipality_id", "reference")
    )


def _document(
    *,
    kind,
    sequence,
    number,
    municipality,
    period,
    issue_date,
    due_date,
    lines,
    credited=None,
    reason="",
    reference: str | None = None,
) -> _Document:
    """An invoice or credit note from the lines it will hold (not yet saved), with its HTML;
    ``reference`` None: the municipality's for the period is looked up."""
    if reference is None:
        reference = _buyer_reference(municipality=municipality, period=period)
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
    return _Document(
        kind=kind,
        sequence=sequence,
        number=number,
        municipality=municipality,
        period=period,
        issue_date=issue_date,
        due_date=due_date,
        lines=lines,
        reference=reference,
        credited=credited,
        reason=reason,
        html=render_to_string(INVOICE_TEMPLATE, context),
    )


def _render_processes(documents: int) -> int:
    """How many processes render ``documents`` PDFs: the setting, but one (this process) for
    a few documents, where starting the processes costs more than it saves."""
    if documents < PARALLEL_FROM_DOCUMENTS:
        return 1
    return max(1, settings.INVOICE_RENDER_PROCESSES)


def _render(documents: list[_Document], *, progress=None) -> dict[str, bytes]:
    """The PDFs of ``documents`` by their HTML, rendered on every core the setting allows."""
    htmls = list(dict.fromkeys(document.html for document in documents))
    if progress:
        progress(0, len(htmls))
    pdfs = render_pdfs(
        htmls,
        processes=_render_processes(len(htmls)),
        # Looked up here, not bound at import, so that a test can make one render fail.
        render=pdf_from_html,
        on_rendered=progress,
    )
    return dict(zip(htmls, pdfs, strict=True))


def _store_document(
    *, document: _Document, pdf: bytes, written: list[str], run: InvoiceRun | None = None
) -> tuple[Invoice, list[InvoiceLine]]:
    """Archive one rendered document, its PDF and its e-invoice (UBL XML with that PDF
    embedded) side by side, and store it with its lines.
    Must run inside the transaction that holds the lock on the year's number series."""
    number, issue_date, lines = document.number, document.issue_date, document.lines
    xml = render_ubl(
        kind=document.kind,
        number=number,
        sender=settings.INVOICE_SENDER,
        municipality=document.municipality,
        period=document.period,
        issue_date=issue_date,
        due_date=document.due_date,
        lines=lines,
        pdf=pdf,
        reference=document.reference,
        credited_number=document.credited.number if document.credited else "",
        reason=document.reason,
    )
    base = f"{archive.folder(issue_date.year)}/{number}"
    pdf_path = archive.store(name=f"{base}.pdf", content=pdf, written=written)
    xml_path = archive.store(name=f"{base}.xml", content=xml, written=written)
    vat_total = sum((line.vat_amount for line in lines), Decimal("0.00"))
    invoice = Invoice.objects.create(
        kind=document.kind,
        number=number,
        year=issue_date.year,
        sequence=document.sequence,
        run=run,
        municipality=document.municipality,
        period=str(document.period),
        issue_date=issue_date,
        due_date=document.due_date,
        vat_total=vat_total,
        total=sum((line.amount for line in lines), Decimal("0.00")) + vat_total,
        credited_invoice=document.credited,
        reason=document.reason,
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
    """Number, render, archive and store one invoice or credit note with its (unsaved) lines.
    Must run inside the transaction that holds the lock on ``series``."""
    sequence, number = _next_number(series)
    document = _document(
        kind=kind,
        sequence=sequence,
        number=number,
        municipality=municipality,
        period=period,
        issue_date=issue_date,
        due_date=due_date,
        lines=lines,
        credited=credited,
        reason=reason,
    )
    pdf = _render([document])[document.html]
    return _store_document(document=document, pdf=pdf, written=written, run=run)


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


def _checked_preview(*, period: Period, today: dt.date):
    """The run's preview, or RunRefused saying why it cannot be issued."""
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
    return preview


def _run_documents(*, preview, period: Period, today: dt.date, last_number: int):
    """The invoices of a run, numbered on from ``last_number``, in the order they are issued."""
    due_date = today + dt.timedelta(days=settings.INVOICE_PAYMENT_TERM_DAYS)
    references = _buyer_references(
        municipalities=[draft.municipality for draft in preview.invoices], period=period
    )
    return [
        _document(
            kind=DocumentKind.INVOICE,
            sequence=last_number + offset,
            number=f"{today.year}-{last_number + offset:04d}",
            municipality=draft.municipality,
            period=period,
            issue_date=today,
            due_date=due_date,
            lines=[invoice_line_from_draft(line) for line in draft.lines],
            reference=references.get(draft.municipality.pk) or "",
        )
        for offset, draft in enumerate(preview.invoices, start=1)
    ]


def issue_run(
    *,
    period: Period,
    user,
    today: dt.date | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> InvoiceRun:
    """Issue the invoices of a period: number them, render and archive each PDF once.

    Refused, writing nothing, while the period has not ended, a trajectory lacks a tariff, or
    the sender's or a municipality's invoice data is incomplete (rule 13).
    Either the whole run is issued with its files, or nothing is (a failure halfway removes the
    files it wrote, a failed render writes nothing), so a retry works. Runs are serialised on
    the year's number series row, so two coordinators issuing at once cannot bill a trajectory
    twice or leave a gap.

    Rendering is most of the work (a quarter at national scale: hundreds of PDFs) and needs no
    lock: the documents are first made as they would be numbered now and rendered on every core
    (``INVOICE_RENDER_PROCESSES``) without the lock. Then, holding the lock, the run is made
    again from what is in the database at that moment, exactly as before; a document whose HTML
    is the one already rendered gets that PDF, any other (another issue took the numbers, a
    trajectory or an address changed meanwhile) is rendered again there and then. So what is
    archived is always what the locked transaction saw, and the lock is held for seconds, not
    for the minutes of rendering. ``progress(rendered, total)`` is told of each PDF rendered,
    here in this process (``total`` None: not known yet).
    """
    today = today or timezone.localdate()
    if progress:
        progress(0, None)
    _ensure_series(today.year)
    preview = _checked_preview(period=period, today=today)
    if _render_processes(len(preview.invoices)) > 1:
        start_render_processes()
    last_number = NumberSeries.objects.get(year=today.year).last_number
    rendered = _render(
        _run_documents(preview=preview, period=period, today=today, last_number=last_number),
        progress=progress,
    )
    with (
        _refused_when_billed_by_another_run(),
        transaction.atomic(),
        archive.files_removed_on_failure() as written,
    ):
        series = NumberSeries.objects.select_for_update().get(year=today.year)
        archive.remove_orphans(year=today.year)
        preview = _checked_preview(period=period, today=today)
        documents = _run_documents(
            preview=preview, period=period, today=today, last_number=series.last_number
        )
        changed = [document for document in documents if document.html not in rendered]
        if changed:
            logger.info("Factuurrun %s: %s documenten opnieuw gemaakt", period, len(changed))
            rendered.update(_render(changed, progress=progress))
        run = InvoiceRun.objects.create(
            period=str(period), issued_at=timezone.now(), issued_by=user
        )
        for document in documents:
            _invoice, lines = _store_document(
                document=document, pdf=rendered[document.html], written=written, run=run
            )
            BilledTrajectory.objects.bulk_create(
                BilledTrajectory(trajectory_id=line.trajectory_id, line=line)
                for line in lines
                if line.trajectory_id
            )
        record_financing_of_run(run=run, preview=preview)
        series.last_number += len(documents)
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
