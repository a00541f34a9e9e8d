"""The Dutch-language pass over the pages (#17): what a user reads is Dutch, one word for one
thing, and nothing is offered or linked that the user cannot use."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from participants import services
from participants.forms import EnrolmentForm, GroupForm, ReferralForm
from tests.factories import (
    AgreementFactory,
    ProjectFactory,
    TariffOptionFactory,
    TrajectoryFactory,
)
from waw.health import disk_space
from waw.periods import term_in_words

pytestmark = pytest.mark.django_db


def test_an_empty_choice_in_a_form_reads_kies_not_dashes():
    html = str(EnrolmentForm())

    assert '<option value="" selected>— kies —</option>' in html
    assert "---------" not in html


def test_the_referral_form_does_not_offer_a_cost_line(huizen):
    ProjectFactory(name="Divosa Benchmark", takes_participants=False)
    ProjectFactory(name="Zorgstart")

    offered = [
        label
        for _value, label in ReferralForm(municipality=huizen).fields["project"].widget.choices
    ]

    assert "Zorgstart" in offered and "Divosa Benchmark" not in offered


def test_a_referral_to_a_cost_line_is_refused(huizen_case_manager, huizen):
    cost_line = ProjectFactory(name="Divosa Benchmark", takes_participants=False)

    with pytest.raises(ValidationError, match="kostenpost zonder deelnemers"):
        services.referral_submit(
            user=huizen_case_manager,
            municipality=huizen,
            project=cost_line,
            first_name="Sanne",
            last_name="de Wit",
            date_of_birth=dt.date(1988, 4, 12),
            motivation="Wil graag aan het werk.",
        )


def test_the_referral_form_offers_only_the_klantmanager_s_own_municipality(huizen, laren):
    choices = list(ReferralForm(municipality=huizen).fields["municipality"].widget.choices)

    assert choices == [(huizen.pk, "Huizen")]


@pytest.mark.parametrize(
    ("first", "last", "words"),
    [
        (dt.date(2025, 4, 1), dt.date(2026, 3, 31), "1 april 2025 – 31 maart 2026"),
        (dt.date(2025, 4, 1), None, "vanaf 1 april 2025"),
        (None, dt.date(2026, 3, 31), "tot en met 31 maart 2026"),
        (None, None, "onbekend"),
    ],
)
def test_a_term_is_shown_in_words_with_its_open_ends(first, last, words):
    assert term_in_words(first, last) == words


def test_a_project_without_dates_has_an_unknown_term_not_a_question_mark(client_for, coordinator):
    project = ProjectFactory(start_date=None, end_date=None)

    content = client_for(coordinator).get(project.get_absolute_url()).content.decode()

    assert "onbekend" in content and "? –" not in content


def test_a_cost_line_s_page_says_it_takes_no_participants(client_for, coordinator):
    project = ProjectFactory(takes_participants=False)

    content = client_for(coordinator).get(project.get_absolute_url()).content.decode()

    assert "kostenpost zonder deelnemers" in content
    assert "Deelnemers per jaar" not in content


@pytest.mark.parametrize("role", ["huizen_user", "board_member"])
def test_a_project_page_does_not_link_the_group_pages_a_role_cannot_open(request, client_for, role):
    agreement = AgreementFactory(year=2026)
    user = request.getfixturevalue(role)

    content = client_for(user).get(agreement.project.get_absolute_url()).content.decode()

    assert reverse("participants:groups") not in content
    assert client_for(user).get(reverse("participants:groups")).status_code == 403


def test_a_project_page_links_the_groups_for_the_coordinator(client_for, coordinator):
    agreement = AgreementFactory(year=2026)

    content = client_for(coordinator).get(agreement.project.get_absolute_url()).content.decode()

    assert f"{reverse('participants:groups')}?project={agreement.project.slug}" in content


def test_a_tariff_option_names_its_minimum_once():
    named = TariffOptionFactory(label="Klas (minimaal 15 deelnemers)", min_group_size=15)
    plain = TariffOptionFactory(label="Klas", min_group_size=7)

    labels = dict(GroupForm().fields["tariff_option"].choices)

    assert labels[named.pk].endswith("Klas (minimaal 15 deelnemers)")
    assert labels[plain.pk].endswith("Klas, minimaal 7 deelnemers")


def test_the_new_group_form_does_not_offer_options_of_ended_projects():
    running = TariffOptionFactory()
    ended = TariffOptionFactory(agreement__project=ProjectFactory(status="ended"))

    offered = {value for value, _label in GroupForm().fields["tariff_option"].choices if value}

    assert running.pk in offered and ended.pk not in offered


def test_a_page_navigation_reads_the_same_everywhere_and_keeps_the_filter():
    request = RequestFactory().get("/aanmeldingen/", {"status": "ingediend", "page": "2"})
    page = Paginator(range(60), 25).get_page(2)

    html = render_to_string("includes/pagination.html", {"page": page}, request=request)

    assert "Pagina 2 van 3" in html
    assert 'href="?status=ingediend&amp;page=1"' in html
    assert 'href="?status=ingediend&amp;page=3"' in html
    assert ">vorige<" in html and ">volgende<" in html


def test_the_system_status_writes_measurements_with_a_decimal_comma():
    check = disk_space()

    assert " GB vrij" in check.detail
    free = check.detail.split(": ")[1].split(" GB")[0]
    assert "," in free and "." not in free


def test_the_start_page_and_the_filter_call_a_drop_out_voortijdig_gestopt(client_for, coordinator):
    TrajectoryFactory(
        start_date=dt.date(2025, 2, 1), end_date=dt.date(2025, 3, 1), outcome="gestopt"
    )

    home = client_for(coordinator).get("/").content.decode()
    trajectories = client_for(coordinator).get(reverse("participants:trajectories"))

    assert "voortijdig gestopt" in home
    assert '<option value="gestopt">voortijdig gestopt</option>' in trajectories.content.decode()
