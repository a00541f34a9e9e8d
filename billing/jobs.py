"""Issuing a run as a job (waw/jobs.py): progress is the invoices rendered."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from billing.services import issue_run
from waw.jobs import Outcome
from waw.periods import Period


def invoice_run(job, progress) -> Outcome:
    """Issue the period's run; a refusal (RunRefused) fails the job with its messages."""
    period = Period.parse(job.params["period"])
    # A command may name the day of issue (its own "today"); the web's run issues today.
    today = dt.date.fromisoformat(job.params["today"]) if job.params.get("today") else None
    run = issue_run(period=period, user=job.user, today=today, progress=progress)
    invoices = run.invoices.count()
    settled = run.settlements.count()
    return Outcome(
        ok=True,
        summary={
            "run": run.pk,
            "period": str(period),
            "message": ngettext(
                "Factuurrun %(period)s: %(n)s factuur uitgegeven.",
                "Factuurrun %(period)s: %(n)s facturen uitgegeven.",
                invoices,
            )
            % {"n": invoices, "period": period.in_words},
            "figures": [
                [_("facturen uitgegeven"), invoices],
                [_("trajecten verrekend tegen € 0"), settled],
            ],
            "link": [reverse("billing:list"), _("Naar de facturen")],
        },
    )
