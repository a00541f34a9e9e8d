"""Migrating a database that already holds agreements and decisions."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("projects", "0004_cost_sharing_and_inhabitants")]


@pytest.mark.django_db(transaction=True)
def test_existing_agreements_get_their_projects_programme_and_decisions_their_meeting():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Programme = apps.get_model("projects", "Programme")
    Project = apps.get_model("projects", "Project")
    Agreement = apps.get_model("projects", "Agreement")
    Decision = apps.get_model("projects", "Decision")
    waw = Programme.objects.create(name="Werken aan Werk", slug="waw")
    project = Project.objects.create(name="Zorgstart", slug="zorgstart", programme=waw)
    other = Project.objects.create(name="Motopp", slug="motopp", programme=waw)
    agreement = Agreement.objects.create(project=project, year=2024)
    day = dt.date(2024, 9, 27)
    for each in (project, other):
        Decision.objects.create(project=each, date=day, body="PFHO", decision="Verlengen")
    Decision.objects.create(project=project, date=day, body="DO", decision="Advies")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    from projects.models import Agreement as CurrentAgreement
    from projects.models import Meeting

    assert CurrentAgreement.objects.get(pk=agreement.pk).programme_id == waw.pk
    pfho = Meeting.objects.get(body="PFHO", date=day)
    assert pfho.decisions.count() == 2
    assert Meeting.objects.count() == 2
