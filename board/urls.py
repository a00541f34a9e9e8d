from django.urls import path

from board import views

app_name = "board"

urlpatterns = [
    path("bestuur/", views.BoardIndexView.as_view(), name="index"),
    path("bestuur/kostenverdeling/<int:year>/", views.CostSplitView.as_view(), name="cost-split"),
    path(
        "bestuur/kostenverdeling/<int:year>/<str:fmt>/",
        views.CostSplitExportView.as_view(),
        name="cost-split-export",
    ),
    path("bestuur/realisatie/<int:year>/", views.RealisationView.as_view(), name="realisation"),
    path(
        "bestuur/realisatie/<int:year>/<str:fmt>/",
        views.RealisationExportView.as_view(),
        name="realisation-export",
    ),
    path("bestuur/vergadering/<int:pk>/", views.MeetingView.as_view(), name="meeting"),
    path(
        "bestuur/vergadering/<int:pk>/<str:fmt>/",
        views.MeetingExportView.as_view(),
        name="meeting-export",
    ),
]
