"""Which records the audit trail follows. django-auditlog logs every save and delete of these
models with old → new values; bulk writes (``bulk_create``, ``update``) bypass it, so the
services write these models one by one."""

from auditlog.registry import auditlog
from django.apps import apps

# Personal data and what is billed or reported: participants and trajectories, invoices and
# credit notes with their runs, participation budgets, the catalogue and its budgets, the
# monitor's indicators with their targets and values and the programmes' earlier results,
# monitor editions and their texts, traffic-light overrides and stories. Invoice lines need no
# entries of their own: they are written once with their invoice and can never change
# (database triggers).
TRACKED_MODELS = {
    # The identity key is a digest of the name and birth date, which the entry holds already.
    "participants.Participant": ("identity_key",),
    "participants.Trajectory": (),
    # A municipality's referral: submitted, placed, declined or withdrawn, each step an entry.
    "participants.Referral": (),
    "billing.InvoiceRun": (),
    "billing.Invoice": (),
    "billing.ParticipationBudget": (),
    # The catalogue and its money: what a municipality is billed follows from the project's
    # agreement, tariff options and dated prices, groups and cost shares; what the board
    # decides from budgets, series, multi-year tables, meetings, decisions and realisations.
    "projects.Programme": (),
    "projects.Project": (),
    "projects.Agreement": (),
    "projects.AgreementCostShare": (),
    "projects.TariffOption": (),
    "projects.TariffPrice": (),
    "projects.Cohort": (),
    "projects.Budget": (),
    "projects.BudgetLine": (),
    "projects.BudgetSeries": (),
    "projects.BudgetSeriesAmount": (),
    "projects.MultiYearBudget": (),
    "projects.MultiYearActivity": (),
    "projects.MultiYearAmount": (),
    "projects.Meeting": (),
    "projects.Decision": (),
    "projects.DocumentedRealisation": (),
    "projects.Indicator": (),
    "projects.IndicatorTarget": (),
    "projects.IndicatorValue": (),
    "projects.ProgrammeBaseline": (),
    # The snapshot is every figure of the edition: hundreds of values, frozen at publication.
    "monitor.Edition": ("snapshot",),
    "monitor.EditionText": (),
    "monitor.TrafficLightOverride": (),
    "monitor.Story": (),
}
# Bookkeeping that says nothing the entry's own timestamp and object id do not.
ALWAYS_EXCLUDED = ("id", "created_at", "updated_at")


def register_tracked_models() -> None:
    for label, excluded in TRACKED_MODELS.items():
        model = apps.get_model(label)
        # Reverse relations are not values of the record (django-auditlog would log each one
        # as "<Model>.None" on creation).
        reverse = [field.name for field in model._meta.get_fields() if not field.concrete]
        auditlog.register(model, exclude_fields=[*ALWAYS_EXCLUDED, *excluded, *reverse])
