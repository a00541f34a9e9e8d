"""Migrating a database that already holds a person twice (entered before the constraint)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import MunicipalityFactory

BEFORE = [("participants", "0003_indexes_for_large_tables")]


@pytest.mark.django_db(transaction=True)
def test_existing_duplicates_keep_the_key_on_the_first_record_only():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Participant = apps.get_model("participants", "Participant")
    huizen = MunicipalityFactory().pk  # the waw app is not migrated back
    born = dt.date(1995, 3, 4)
    first = Participant.objects.create(
        first_name="Sanne", last_name="de Vries", date_of_birth=born, municipality_id=huizen
    )
    second = Participant.objects.create(
        first_name="SANNE", last_name="De Vriës", date_of_birth=born, municipality_id=huizen
    )
    other = Participant.objects.create(
        first_name="Omar", last_name="Haddou", date_of_birth=born, municipality_id=huizen
    )

    # Forward to the latest migrations, so the tests after this one find the whole schema.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from participants.models import Participant as Current

    keys = dict(Current.objects.values_list("pk", "identity_key"))
    assert keys[first.pk] and keys[other.pk] and keys[first.pk] != keys[other.pk]
    assert keys[second.pk] is None
