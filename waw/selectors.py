"""Reads that span the apps: the start page overview per role, the coordinator's work list."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from monitor.selectors import editions_for
from participants.selectors import referral_counts_for, trajectory_counts_for
from projects.selectors import project_counts
from waw.jobs import reap_stale
from waw.models import Job
from waw.roles import PERSONAL_DATA_ROLES, Role, has_role


def home_overview(*, user) -> dict:
    """What the start page shows this user: only figures the user may see."""
    overview = {}
    if has_role(user, Role.COORDINATOR, Role.MUNICIPALITY, Role.BOARD, Role.CASE_MANAGER):
        overview["projects"] = project_counts()
    if has_role(user, Role.COORDINATOR, Role.MUNICIPALITY, Role.BOARD):
        overview["monitor"] = {
            "latest": editions_for(user=user).filter(published_at__isnull=False).first()
        }
    if has_role(user, *PERSONAL_DATA_ROLES):
        overview["trajectories"] = trajectory_counts_for(user=user)
    if has_role(user, Role.COORDINATOR):
        overview["work_list"] = coordinator_work_list(user=user, today=timezone.localdate())
        overview["work_to_do"] = any(item.count for item in overview["work_list"])
    if has_role(user, Role.CASE_MANAGER) and not has_role(user, Role.COORDINATOR):
        overview["referrals"] = referral_counts_for(user=user)
    return overview


@dataclass(frozen=True)
class WorkItem:
    """One line of the coordinator's work list: how many, and the list that shows them."""

    key: str
    label: str
    count: int
    url: str


def last_ended_quarter(today: dt.date):
    from waw.periods import Period

    quarter = (today.month - 1) // 3  # 0-based: the current quarter
    year, previous = (today.year, quarter) if quarter else (today.year - 1, 4)
    return Period.parse(f"{year}-Q{previous}")


def coordinator_work_list(*, user, today: dt.date) -> list[WorkItem]:
    """What waits for the coordinator, each a count with the filtered list behind it, read in
    a bounded number of queries (the run's preview only when there is something to bill)."""
    from billing.selectors import (
        billable_trajectories,
        budget_warnings,
        missing_invoice_data,
        run_preview,
    )
    from participants.constants import ReferralStatus
    from participants.selectors import (
        groups_below_minimum,
        not_started_condition,
        past_duration_condition,
        referrals_for,
        trajectories_for,
    )
    from waw.models import Municipality

    weeks = settings.WORKLIST_NOT_STARTED_WEEKS
    trajectories = trajectories_for(user=user).order_by()
    quarter = last_ended_quarter(today)
    unbilled = billable_trajectories(period=quarter).order_by().count()
    over_budget = (
        len(budget_warnings(preview=run_preview(period=quarter, today=today))) if unbilled else 0
    )
    run_url = reverse("billing:run") + f"?period={quarter}"
    counts = {
        "referrals": referrals_for(user=user, status=ReferralStatus.SUBMITTED).order_by().count(),
        "not_started": trajectories.filter(not_started_condition(today=today, weeks=weeks)).count(),
        "past_duration": trajectories.filter(past_duration_condition(today=today)).count(),
        "groups_below_minimum": groups_below_minimum(user=user, today=today).count(),
        "unbilled": unbilled,
        "over_budget": over_budget,
        "missing_invoice_data": len(
            missing_invoice_data(municipalities=Municipality.objects.all(), year=quarter.year)
        ),
    }
    # People read a period in words (domain.md): "tot en met het derde kwartaal 2026".
    words = {"weeks": weeks, "quarter": quarter.in_words}
    labels = {
        "referrals": ngettext(
            "aanmelding van een gemeente af te handelen",
            "aanmeldingen van gemeenten af te handelen",
            counts["referrals"],
        ),
        "not_started": ngettext(
            "traject aangemeld en na %(weeks)s weken nog niet gestart",
            "trajecten aangemeld en na %(weeks)s weken nog niet gestart",
            counts["not_started"],
        ),
        "past_duration": ngettext(
            "traject loopt langer dan de trajectduur van het project, zonder einddatum",
            "trajecten lopen langer dan de trajectduur van hun project, zonder einddatum",
            counts["past_duration"],
        ),
        "groups_below_minimum": ngettext(
            "groep start binnen 4 weken en zit onder het minimum",
            "groepen starten binnen 4 weken en zitten onder hun minimum",
            counts["groups_below_minimum"],
        ),
        "unbilled": ngettext(
            "gestart traject tot en met het %(quarter)s nog niet gefactureerd",
            "gestarte trajecten tot en met het %(quarter)s nog niet gefactureerd",
            counts["unbilled"],
        ),
        "over_budget": ngettext(
            "gemeente komt met de factuurrun over het %(quarter)s boven haar participatiebudget",
            "gemeenten komen met de factuurrun over het %(quarter)s boven hun participatiebudget",
            counts["over_budget"],
        ),
        "missing_invoice_data": ngettext(
            "partij (een gemeente of de Regio als afzender) met ontbrekende factuurgegevens",
            "partijen (gemeenten of de Regio als afzender) met ontbrekende factuurgegevens",
            counts["missing_invoice_data"],
        ),
    }
    urls = {
        "referrals": reverse("participants:referrals") + f"?status={ReferralStatus.SUBMITTED}",
        "not_started": reverse("participants:trajectories") + "?attention=niet_gestart",
        "past_duration": reverse("participants:trajectories") + "?attention=over_duur",
        "groups_below_minimum": reverse("participants:groups") + "?aandacht=onder_minimum",
        "unbilled": run_url,
        "over_budget": run_url,
        "missing_invoice_data": reverse("municipalities"),
    }
    return [WorkItem(key, labels[key] % words, counts[key], urls[key]) for key in counts]


def municipality_invoice_data_problems(municipality) -> list[str]:
    """What a municipality's invoice data lacks for an e-invoice it accepts (billing rule 13):
    a complete address (street and number or Postbus, postcode, city) and an OIN or KvK number,
    each in its form. A placeholder in brackets counts as missing."""
    from django.utils.translation import gettext as _

    from waw import identifiers as ids

    m = municipality
    problems = []
    if ids.is_missing(m.invoice_po_box):
        if ids.is_missing(m.invoice_street) or ids.is_missing(m.invoice_house_number):
            problems.append(_("straat en huisnummer (of een postbus) ontbreken"))
        elif message := ids.problem(m.invoice_house_number, ids.validate_house_number):
            problems.append(_("huisnummer: %(m)s") % {"m": message})
    elif message := ids.problem(m.invoice_po_box, ids.validate_po_box):
        problems.append(_("postbus: %(m)s") % {"m": message})
    if ids.is_missing(m.invoice_postcode):
        problems.append(_("postcode ontbreekt (vorm 1234 AB)"))
    elif message := ids.problem(m.invoice_postcode, ids.validate_postcode):
        problems.append(_("postcode: %(m)s") % {"m": message})
    if ids.is_missing(m.invoice_city):
        problems.append(_("plaats ontbreekt"))
    if ids.is_missing(m.oin) and ids.is_missing(m.kvk):
        problems.append(_("OIN (20 cijfers) of KvK-nummer (8 cijfers) ontbreekt"))
    if not ids.is_missing(m.oin) and (message := ids.problem(m.oin, ids.validate_oin)):
        problems.append(_("OIN: %(m)s") % {"m": message})
    if not ids.is_missing(m.kvk) and (message := ids.problem(m.kvk, ids.validate_kvk)):
        problems.append(_("KvK-nummer: %(m)s") % {"m": message})
    return problems


# --- jobs (waw/jobs.py) ---------------------------------------------------------------------


def job_visibility(user):
    """The jobs a user may open: coordinators and beheerders see every job (the "already
    running" link may lead to a colleague's run); nobody else sees any."""
    if has_role(user, Role.COORDINATOR, Role.ADMINISTRATOR):
        return Job.objects.all()
    return Job.objects.none()


def jobs_of(*, user):
    """A user's own jobs, newest first; jobs whose worker died are marked failed first."""
    reap_stale()
    return job_visibility(user).filter(user=user).select_related("user")


def job_for(*, user, pk: int):
    """One job the user may see (None otherwise), after marking a dead worker's job failed."""
    reap_stale()
    return job_visibility(user).select_related("user").filter(pk=pk).first()


def job_progress(job) -> dict:
    """What the job page's script polls: status, progress and whether it is over."""
    return {
        "status": job.status,
        "status_label": job.get_status_display(),
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "finished": not job.is_active,
        "error": job.error,
    }
