from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("logboek/", views.LogView.as_view(), name="log"),
]
