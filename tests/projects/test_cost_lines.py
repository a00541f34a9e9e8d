"""Projects that take no participants (cost lines such as the Divosa Benchmark) are never
offered for an enrolment, a group or an import, and no path can put a person in one."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from participants.forms import EnrolmentForm, GroupForm, TrajectoryForm
from participants.group_import import import_groups
from participants.importing import import_trajectories
from participants.models import Trajectory
from participants.services import trajectory_enrol
from projects.models import Project
from projects.selectors import projects_open_for_enrolment, projects_taking_participants
from tests.factories import CohortFactory, ParticipantFactory, ProjectFactory, TrajectoryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cost_line():
    return ProjectFactory(name="Divosa Benchmark", takes_participants=False)


def test_the_reference_data_marks_the_divosa_benchmark_as_a_cost_line():
    from projects.services import load_reference_data

    load_reference_data()

    assert Project.objects.get(slug="divosa-benchmark").takes_participants is False
    assert Project.objects.filter(takes_participants=True).count() > 5


def test_selectors_leave_out_cost_lines(cost_line):
    project = ProjectFactory()

    assert list(projects_taking_participants()) == [project]
    assert list(projects_open_for_enrolment()) == [project]


def test_enrolment_group_and_edit_forms_do_not_offer_a_cost_line(cost_line):
    for form in (EnrolmentForm(), GroupForm(), TrajectoryForm()):
        assert cost_line not in form.fields["project"].queryset


def test_a_trajectory_in_a_cost_line_is_refused_on_every_path(cost_line, huizen):
    participant = ParticipantFactory(municipality=huizen)

    with pytest.raises(ValidationError) as refused:
        trajectory_enrol(
            user=None,
            trajectory=Trajectory(
                participant=participant, project=cost_line, enrolment_date=dt.date.today()
            ),
        )
    assert "kostenpost zonder deelnemers" in str(refused.value)


def test_a_group_in_a_cost_line_is_refused(cost_line):
    group = CohortFactory.build(project=cost_line)

    with pytest.raises(ValidationError) as refused:
        group.full_clean()
    assert "project" in refused.value.error_dict


def test_the_import_refuses_a_row_for_a_cost_line_with_a_dutch_row_error(cost_line, huizen):
    data = (
        "voornaam;achternaam;geboortedatum;gemeente;project;aanmelddatum\n"
        f"Sanne;de Vries;04-03-1995;{huizen.name};Divosa Benchmark;10-01-2025\n"
    ).encode()

    result = import_trajectories(user=None, name="a.csv", data=data)

    assert [(e.row, e.column) for e in result.errors] == [(2, "project")]
    assert "kostenpost zonder deelnemers" in result.errors[0].message


def test_the_group_import_refuses_a_row_for_a_cost_line(cost_line, coordinator):
    data = "project;groep;startdatum;tariefoptie\nDivosa Benchmark;Klas 1;01-02-2025;standaard\n"

    result = import_groups(user=coordinator, name="g.csv", data=data.encode())

    assert any(e.column == "project" and "kostenpost" in e.message for e in result.errors), (
        result.errors
    )


def test_an_existing_trajectory_cannot_be_moved_to_a_cost_line(cost_line):
    trajectory = TrajectoryFactory()
    trajectory.project = cost_line

    with pytest.raises(ValidationError):
        trajectory.full_clean()
