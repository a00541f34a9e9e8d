"""Every model is in the admin, and every changelist and add page opens."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

OUR_APPS = {"waw", "projects", "participants", "billing", "monitor"}
READ_ONLY = {
    # Jobs are written by their tasks (waw/jobs.py) only.
    apps.get_model("waw", "Job"),
    apps.get_model("participants", "TrajectoryChange"),
    # Referrals change through their pages (participants.services), not the admin.
    apps.get_model("participants", "Referral"),
    # Later prices are added through the agreement form's service (billing rule 8).
    apps.get_model("projects", "TariffPrice"),
    # Indicator values are entered on the indicator's page (its service checks the half-year).
    apps.get_model("projects", "IndicatorValue"),
    *(
        m
        for m in apps.get_models()
        if m._meta.app_label == "billing" and m._meta.model_name != "participationbudget"
    ),
    *(m for m in apps.get_models() if m._meta.app_label == "monitor"),
}
OUR_MODELS = [m for m in apps.get_models() if m._meta.app_label in OUR_APPS]


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m._meta.label)
def test_model_is_registered_in_the_admin(model):
    assert admin.site.is_registered(model)


@pytest.mark.parametrize("model", OUR_MODELS, ids=lambda m: m._meta.label)
def test_admin_pages_open(client_for, administrator, model):
    from django.core.management import call_command

    call_command("load_reference_data", verbosity=0)
    client = client_for(administrator)
    meta = model._meta

    changelist = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"))
    add = client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_add"))

    assert changelist.status_code == 200
    # Records written only by services (the history) have no add page: 403 there is right.
    assert add.status_code == (200 if model not in READ_ONLY else 403)
