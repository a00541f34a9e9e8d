import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from participants.demo import load_demo_trajectories
from participants.models import Trajectory

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
