from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from waw import views
from waw.forms import LoginForm

admin.site.site_header = _("WAW-administratie – beheer")
admin.site.site_title = _("WAW-beheer")
admin.site.index_title = _("Beheer")

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("systeemstatus/", views.HealthView.as_view(), name="health"),
    path(
        "inloggen/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("tweestapsverificatie/", views.TwoFactorVerifyView.as_view(), name="two-factor-verify"),
    path(
        "tweestapsverificatie/instellen/",
        views.TwoFactorSetupView.as_view(),
        name="two-factor-setup",
    ),
    path("gemeenten/", views.MunicipalityListView.as_view(), name="municipalities"),
    path(
        "gemeenten/<slug:slug>/factuurgegevens/",
        views.MunicipalityInvoiceDataView.as_view(),
        name="municipality-invoice-data",
    ),
    path("taken/", views.JobListView.as_view(), name="jobs"),
    path("taken/<int:pk>/", views.JobDetailView.as_view(), name="job"),
    path("taken/<int:pk>/voortgang/", views.JobProgressView.as_view(), name="job-progress"),
    path("taken/<int:pk>/problemen.csv", views.JobErrorsView.as_view(), name="job-errors"),
    path("", include("projects.urls")),
    path("", include("participants.urls")),
    path("", include("billing.urls")),
    path("", include("monitor.urls")),
    path("", include("board.urls")),
    path("", include("audit.urls")),
    path("beheer/", admin.site.urls),
]

handler403 = "waw.views.permission_denied"
handler404 = "waw.views.page_not_found"
handler500 = "waw.views.server_error"
