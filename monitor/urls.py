from django.urls import path

from monitor import views

app_name = "monitor"

urlpatterns = [
    path("monitor/", views.EditionListView.as_view(), name="editions"),
    path("monitor/actueel/", views.MonitorView.as_view(), name="page"),
    path("monitor/<str:period>/", views.EditionView.as_view(), name="edition"),
    path("monitor/<str:period>/bewerken/", views.EditionEditView.as_view(), name="edit"),
    path("monitor/<str:period>/verhaal/<int:pk>/", views.StoryEditView.as_view(), name="story"),
    path(
        "monitor/<str:period>/verwijderen/<str:kind>/<int:pk>/",
        views.RemoveView.as_view(),
        name="remove",
    ),
    path("monitor/<str:period>/pdf/", views.EditionPdfView.as_view(), name="pdf"),
    path("monitor/<str:period>/json/", views.EditionJsonView.as_view(), name="json"),
]
