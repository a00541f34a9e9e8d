from django.urls import path

from monitor import views

app_name = "monitor"

urlpatterns = [
    path("monitor/", views.MonitorView.as_view(), name="page"),
]
