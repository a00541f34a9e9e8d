"""Reads that span the apps: the start page overview per role."""

from monitor.selectors import editions_for
from participants.selectors import referral_counts_for, trajectory_counts_for
from projects.selectors import project_counts
from waw.roles import Role, has_role


def home_overview(*, user) -> dict:
    """What the start page shows this user: only figures the user may see."""
    overview = {}
    if has_role(user, Role.COORDINATOR, Role.MUNICIPALITY, Role.BOARD, Role.CASE_MANAGER):
        overview["projects"] = project_counts()
    if has_role(user, Role.COORDINATOR, Role.MUNICIPALITY, Role.BOARD):
        overview["monitor"] = {
            "latest": editions_for(user=user).filter(published_at__isnull=False).first()
        }
    if has_role(user, Role.COORDINATOR, Role.MUNICIPALITY, Role.CASE_MANAGER):
        overview["trajectories"] = trajectory_counts_for(user=user)
    if has_role(user, Role.CASE_MANAGER) and not has_role(user, Role.COORDINATOR):
        overview["referrals"] = referral_counts_for(user=user)
    return overview


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
