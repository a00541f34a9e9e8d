"""Numbers in request parameters are parsed by one helper: anything but plain ASCII digits
within range is treated as absent, never a 500 (issue 13, item 17)."""

import pytest

from monitor.services import edition_create
from tests.factories import ParticipantFactory, ProjectFactory
from waw.params import MAX_ID, positive_int

# Pass str.isdigit() but not int(); signs, exponents, spaces, separators; past any id; so long
# that int() itself refuses it (Python limits conversions to 4,300 digits).
HOSTILE = [
    "²",
    "٣",
    "-1",
    "+7",
    " 7",
    "7 ",
    "1e9",
    "1_000",
    "0",
    "",
    str(MAX_ID + 1),
    "9" * 30,
    "9" * 5000,
]


@pytest.mark.parametrize("value", HOSTILE)
def test_anything_but_a_plain_number_in_range_is_absent(value):
    assert positive_int(value) is None


@pytest.mark.parametrize("value", [None, 7, 7.0, ["7"]])
def test_a_value_that_is_not_text_is_absent(value):
    assert positive_int(value) is None


def test_plain_numbers_up_to_the_largest_id_are_read():
    assert (positive_int("7"), positive_int("0042"), positive_int(str(MAX_ID))) == (7, 42, MAX_ID)


def test_a_caller_may_set_a_lower_maximum():
    assert positive_int("100", maximum=99) is None


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_numbers_in_the_enrolment_form_are_ignored(client_for, coordinator, huizen, value):
    project = ProjectFactory()
    ParticipantFactory(municipality=huizen)
    client = client_for(coordinator)

    shown = client.get("/trajecten/aanmelden/", {"project": value})
    posted = client.post(
        "/trajecten/aanmelden/",
        {"existing": value, "p-first_name": "", "t-project": project.pk},
    )

    assert (shown.status_code, posted.status_code) == (200, 400)


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_story_ids_on_the_draft_edition_are_ignored(client_for, coordinator, value):
    edition_create(period_text="2025-H1")

    response = client_for(coordinator).post(
        "/monitor/2025-H1/bewerken/", {"action": "remove_story", "story": value}
    )

    assert response.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_record_numbers_in_the_log_search_are_a_name_search(
    client_for, administrator, value
):
    response = client_for(administrator).get("/logboek/", {"record": value})

    assert response.status_code == 200
