from django.urls import path

from projects import views

app_name = "projects"

urlpatterns = [
    path("projecten/", views.ProjectListView.as_view(), name="list"),
    path("projecten/nieuw/", views.ProjectCreateView.as_view(), name="create"),
    path(
        "projecten/programma/nieuw/", views.ProgrammeCreateView.as_view(), name="programme-create"
    ),
    path(
        "projecten/programma/<slug:slug>/bewerken/",
        views.ProgrammeUpdateView.as_view(),
        name="programme-update",
    ),
    path(
        "projecten/jaarafspraken/<int:year>/overnemen/",
        views.AgreementsCopyView.as_view(),
        name="agreements-copy",
    ),
    path("projecten/<slug:slug>/", views.ProjectDetailView.as_view(), name="detail"),
    path("projecten/<slug:slug>/bewerken/", views.ProjectUpdateView.as_view(), name="update"),
    path(
        "projecten/<slug:slug>/jaarafspraak/nieuw/",
        views.AgreementCreateView.as_view(),
        name="agreement-create",
    ),
    path(
        "projecten/<slug:slug>/jaarafspraak/<int:pk>/",
        views.AgreementUpdateView.as_view(),
        name="agreement-update",
    ),
    path(
        "projecten/<slug:slug>/besluit/nieuw/",
        views.DecisionCreateView.as_view(),
        name="decision-create",
    ),
    path(
        "projecten/<slug:slug>/besluit/<int:pk>/",
        views.DecisionUpdateView.as_view(),
        name="decision-update",
    ),
    path(
        "projecten/<slug:slug>/teller/nieuw/",
        views.IndicatorCreateView.as_view(),
        name="indicator-create",
    ),
    path("projecten/<slug:slug>/teller/<int:pk>/", views.IndicatorView.as_view(), name="indicator"),
    path(
        "projecten/<slug:slug>/teller/<int:pk>/verwijderen/",
        views.IndicatorRemoveView.as_view(),
        name="indicator-remove",
    ),
    path(
        "projecten/<slug:slug>/teller/<int:pk>/doel/<int:item>/verwijderen/",
        views.IndicatorTargetRemoveView.as_view(),
        name="indicator-target-remove",
    ),
    path(
        "projecten/<slug:slug>/teller/<int:pk>/aantal/<int:item>/verwijderen/",
        views.IndicatorValueRemoveView.as_view(),
        name="indicator-value-remove",
    ),
    path("begrotingen/", views.BudgetIndexView.as_view(), name="budget-index"),
    path("begrotingen/nieuw/", views.BudgetCreateView.as_view(), name="budget-create"),
    path("begrotingen/<int:year>/", views.BudgetYearView.as_view(), name="budget-year"),
    path(
        "begrotingen/<int:budget>/regel/nieuw/",
        views.BudgetLineCreateView.as_view(),
        name="budget-line-create",
    ),
    path(
        "begrotingen/<int:budget>/regel/<int:pk>/",
        views.BudgetLineUpdateView.as_view(),
        name="budget-line-update",
    ),
    path(
        "begrotingen/<int:budget>/regel/<int:pk>/verwijderen/",
        views.BudgetLineDeleteView.as_view(),
        name="budget-line-delete",
    ),
]
