from django.urls import path

from participants import views

app_name = "participants"

urlpatterns = [
    path("", views.ParticipantListView.as_view(), name="list"),
    path("<int:pk>/", views.ParticipantDetailView.as_view(), name="detail"),
]
