"""A published edition's PDF as a job (waw/jobs.py): rendered once, archived."""

from django.utils.translation import gettext as _

from monitor.models import Edition
from monitor.services import edition_pdf_archive
from waw.jobs import Outcome


def edition_pdf(job, progress) -> Outcome:
    edition = Edition.objects.get(pk=job.params["edition"])
    progress(0, 1)
    name = edition_pdf_archive(edition=edition)
    progress(1, 1)
    return Outcome(
        ok=True,
        summary={
            "file": name,
            "figures": [[_("editie"), str(edition)]],
            "link": [edition.get_absolute_url(), _("Naar de editie")],
        },
    )
