from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from monitor import selectors
from waw.mixins import BreadcrumbsMixin
from waw.periods import PeriodError
from waw.roles import Role, RoleRequiredMixin


def _latest_half_year() -> str:
    today = timezone.localdate()
    # The most recent half-year that has ended.
    if today.month > 6:
        return f"{today.year}-H1"
    return f"{today.year - 1}-H2"


class MonitorView(RoleRequiredMixin, BreadcrumbsMixin, View):
    """The live monitor figures of a half-year (editions and the PDF come with the monitor
    issue); aggregates only."""

    allowed_roles = (Role.COORDINATOR, Role.MUNICIPALITY, Role.BOARD)

    def get(self, request):
        text = request.GET.get("periode") or _latest_half_year()
        try:
            period = selectors.parse_half_year(text)
        except PeriodError as error:
            return render(
                request,
                "monitor/monitor.html",
                {"error": str(error), "period_text": text, "breadcrumbs": [("", _("Monitor"))]},
                status=400,
            )
        context = selectors.monitor_view(period=period, user=request.user)
        context.update(
            period=period,
            period_text=str(period),
            breadcrumbs=[("", _("Monitor %(period)s") % {"period": period})],
        )
        return render(request, "monitor/monitor.html", context)
