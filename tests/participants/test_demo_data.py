import datetime as dt

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from billing.selectors import run_preview
from participants.demo import load_demo_trajectories
from participants.models import Trajectory
from waw.periods import Period

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    call_command("load_reference_data", verbosity=0)


def test_demo_data_is_valid_and_loaded_once(settings, loaded):
    settings.DEBUG = True

    first = load_demo_trajectories(count=40)
    second = load_demo_trajectories(count=40)

    assert (first, second) == (40, 0)
    assert Trajectory.objects.count() == 40
    for trajectory in Trajectory.objects.all():
        trajectory.full_clean()


def test_no_demo_data_without_debug(settings, loaded):
    settings.DEBUG = False

    with pytest.raises(ImproperlyConfigured):
        load_demo_trajectories(count=5)


def test_demo_data_can_be_invoiced_for_every_quarter_of_2025(settings, loaded):
    """Every demo trajectory is in a project with a tariff for its start year, so a coordinator
    trying the app can preview and issue a run."""
    settings.DEBUG = True
    load_demo_trajectories()

    for quarter in ("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"):
        preview = run_preview(period=Period.parse(quarter), today=dt.date(2026, 2, 1))
        assert preview.can_issue, (quarter, preview.refusals)


def test_the_demo_has_planned_groups_and_referrals_for_the_work_list(settings, loaded):
    from participants.constants import ReferralStatus
    from participants.demo import load_demo_referrals
    from participants.models import Referral
    from projects.models import Cohort

    settings.DEBUG = True
    call_command("create_demo_accounts", verbosity=0, stdout=__import__("io").StringIO())

    first = load_demo_referrals(today=dt.date(2026, 5, 4))
    second = load_demo_referrals(today=dt.date(2026, 5, 4))

    assert (first, second) == (4, 0)
    assert Cohort.objects.filter(status="planned", start_date=dt.date(2026, 5, 25)).count() == 2
    statuses = sorted(Referral.objects.values_list("status", flat=True))
    assert statuses == [ReferralStatus.DECLINED] + [ReferralStatus.SUBMITTED] * 3
    assert Referral.objects.exclude(cohort=None).count() == 3
    for referral in Referral.objects.all():
        referral.full_clean()
