from django.urls import path

from billing import views

app_name = "billing"

urlpatterns = [
    path("facturen/", views.InvoiceListView.as_view(), name="list"),
    path("facturen/run/", views.RunView.as_view(), name="run"),
    path("facturen/budget/", views.LedgerView.as_view(), name="ledger"),
    path("facturen/budget/<int:year>/", views.LedgerView.as_view(), name="ledger-year"),
    path(
        "facturen/budget/<int:year>/<slug:slug>/",
        views.ParticipationBudgetView.as_view(),
        name="participation-budget",
    ),
    path("facturen/regels.csv", views.InvoiceLinesCsvView.as_view(), name="lines-csv"),
    path("facturen/<str:number>/", views.InvoiceDetailView.as_view(), name="invoice"),
    path("facturen/<str:number>/pdf/", views.InvoicePdfView.as_view(), name="pdf"),
    path("facturen/<str:number>/xml/", views.InvoiceXmlView.as_view(), name="xml"),
    path("facturen/<str:number>/crediteren/", views.CreditView.as_view(), name="credit"),
]
