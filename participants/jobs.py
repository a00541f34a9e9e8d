"""The imports as jobs (waw/jobs.py): the file the job keeps, read with progress; the outcome
is the summary the import page showed, or the full row-error report."""

from pathlib import Path

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from participants.group_import import import_groups
from participants.importing import ImportReport, import_trajectories
from waw.jobs import Outcome

TRAJECTORY_FIGURES = (
    ("participants_created", gettext_lazy("nieuwe deelnemers")),
    ("participants_matched", gettext_lazy("herkende deelnemers")),
    ("trajectories_created", gettext_lazy("nieuwe trajecten")),
    ("trajectories_updated", gettext_lazy("bijgewerkte trajecten")),
    ("trajectories_unchanged", gettext_lazy("ongewijzigde trajecten")),
)
GROUP_FIGURES = (
    ("created", gettext_lazy("nieuwe groepen")),
    ("updated", gettext_lazy("bijgewerkte groepen")),
    ("unchanged", gettext_lazy("ongewijzigde groepen")),
    ("started", gettext_lazy("gestarte groepen")),
    ("cancelled", gettext_lazy("geannuleerde groepen")),
)


def _outcome(result: ImportReport, figures, link: tuple[str, str]) -> Outcome:
    counts = {name: getattr(result, name) for name, _label in figures}
    summary = {
        "rows": result.rows,
        "counts": counts,
        "figures": [[str(label), counts[name]] for name, label in figures],
        "errors": [[e.row, e.column, str(e.message)] for e in result.errors],
        "link": [link[0], str(link[1])],
    }
    if result.ok:
        return Outcome(ok=True, summary=summary)
    error = ngettext(
        "Er is %(n)s probleem gevonden. Er is niets opgeslagen; verbeter het bestand en "
        "probeer het opnieuw.",
        "Er zijn %(n)s problemen gevonden. Er is niets opgeslagen; verbeter het bestand en "
        "probeer het opnieuw.",
        len(result.errors),
    ) % {"n": len(result.errors)}
    return Outcome(ok=False, summary=summary, error=error)


def trajectory_import(job, progress) -> Outcome:
    result = import_trajectories(
        user=job.user, name=job.input_name, path=Path(job.input_path), progress=progress
    )
    return _outcome(
        result, TRAJECTORY_FIGURES, (reverse("participants:trajectories"), _("Naar de trajecten"))
    )


def group_import(job, progress) -> Outcome:
    result = import_groups(
        user=job.user, name=job.input_name, path=Path(job.input_path), progress=progress
    )
    return _outcome(result, GROUP_FIGURES, (reverse("participants:groups"), _("Naar de groepen")))
