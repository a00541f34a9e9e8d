from django.urls import path

from participants import group_views, referral_views, views

app_name = "participants"

urlpatterns = [
    path("deelnemers/", views.ParticipantListView.as_view(), name="list"),
    path("deelnemers/<int:pk>/", views.ParticipantDetailView.as_view(), name="detail"),
    path("deelnemers/<int:pk>/inzage.json", views.ParticipantExportView.as_view(), name="export"),
    path("deelnemers/<int:pk>/bewerken/", views.ParticipantUpdateView.as_view(), name="update"),
    path(
        "deelnemers/<int:participant>/aanmelden/",
        views.EnrolView.as_view(),
        name="enrol-participant",
    ),
    path("trajecten/", views.TrajectoryListView.as_view(), name="trajectories"),
    path("trajecten/aanmelden/", views.EnrolView.as_view(), name="enrol"),
    path("trajecten/importeren/", views.ImportView.as_view(), name="import"),
    path(
        "trajecten/importeren/sjabloon.<str:file_format>",
        views.ImportTemplateView.as_view(),
        name="import-template",
    ),
    path(
        "trajecten/importeren/geldige-waarden/",
        views.ImportValuesView.as_view(),
        name="import-values",
    ),
    path("trajecten/<int:pk>/", views.TrajectoryDetailView.as_view(), name="trajectory"),
    path(
        "trajecten/<int:pk>/bewerken/",
        views.TrajectoryUpdateView.as_view(),
        name="trajectory-update",
    ),
    path("trajecten/<int:pk>/starten/", views.TrajectoryStartView.as_view(), name="start"),
    path("trajecten/<int:pk>/beeindigen/", views.TrajectoryEndView.as_view(), name="end"),
    path("trajecten/<int:pk>/intrekken/", views.TrajectoryWithdrawView.as_view(), name="withdraw"),
    # Groups (billing rules 10 and 11).
    path("groepen/", group_views.GroupListView.as_view(), name="groups"),
    path("groepen/nieuw/", group_views.GroupCreateView.as_view(), name="group-create"),
    path("groepen/importeren/", group_views.GroupImportView.as_view(), name="group-import"),
    path("groepen/<int:pk>/", group_views.GroupDetailView.as_view(), name="group"),
    path("groepen/<int:pk>/starten/", group_views.GroupStartView.as_view(), name="group-start"),
    path("groepen/<int:pk>/annuleren/", group_views.GroupCancelView.as_view(), name="group-cancel"),
    # Referrals (aanmeldingen) by municipalities.
    path("aanmeldingen/", referral_views.ReferralListView.as_view(), name="referrals"),
    path(
        "aanmeldingen/nieuw/", referral_views.ReferralCreateView.as_view(), name="referral-create"
    ),
    path("aanmeldingen/<int:pk>/", referral_views.ReferralDetailView.as_view(), name="referral"),
    path(
        "aanmeldingen/<int:pk>/plaatsen/",
        referral_views.ReferralPlaceView.as_view(),
        name="referral-place",
    ),
    path(
        "aanmeldingen/<int:pk>/afwijzen/",
        referral_views.ReferralDeclineView.as_view(),
        name="referral-decline",
    ),
    path(
        "aanmeldingen/<int:pk>/intrekken/",
        referral_views.ReferralWithdrawView.as_view(),
        name="referral-withdraw",
    ),
]
