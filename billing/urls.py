from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("facturen/", views.InvoiceListView.as_view(), name="list"),
    path("facturen/run/", views.RunView.as_view(), name="run"),
    path("facturen/<str:number>/", views.InvoiceDetailView.as_view(), name="invoice"),
    path("facturen/<str:number>/pdf/", views.InvoicePdfView.as_view(), name="pdf"),
    path("facturen/<str:number>/crediteren/", views.CreditView.as_view(), name="credit"),
]
