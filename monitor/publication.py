"""The hand-made monitor's structure (seeds 002 and 004), derived from an edition's figures.

The printed monitor opens with one sentence about the whole programme ("Van de ruim 600
inwoners die hun weg vonden naar één van de projecten hebben 225 inwoners inmiddels een betaalde
baan"), shows the programme's targets and progress, then one section per category with an
introduction and its projects with their status and stories, then "Nieuwe projecten" (started
in the half-year) and "Afgeronde projecten" (ended in it), and closes with a colophon. This
module derives those parts; ``edition_document`` is what a draft shows and publishing freezes.
"""

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from monitor.models import Edition
from monitor.selectors import _counted, draft_content, edition_content, edition_period
from participants.constants import OUTCOMES_WITH_WORK
from projects.models import Programme, Project
from waw.periods import Period, date_in_words

HEADLINE = gettext_lazy(
    "Van de %(reached)s inwoners die hun weg vonden naar één van de projecten hebben "
    "%(to_work)s inmiddels een betaalde baan."
)
PROJECTS = gettext_lazy("Projecten")
FINAL_RULE = gettext_lazy(
    "In de eindmonitor staat de totale opbrengst over de hele looptijd naast de doelen van het "
    "programma; een stoplicht per jaar is hier niet berekend. Een kleur bij een project is door "
    "de coördinator gegeven, met de reden erbij."
)


def rounded_down(number: int) -> tuple[int, bool]:
    """A round number for a sentence, as the hand-made monitor writes "ruim 600": down to
    hundreds from 200, to tens from 20; whether something was rounded off."""
    step = 100 if number >= 200 else 10 if number >= 20 else 1
    rounded = number - number % step
    return rounded, rounded != number


def headline_figures(*, period: Period, programmes: list | None = None, final_of=None) -> dict:
    """Residents (not trajectories) who started in a project, and who went on to paid work,
    from the start of the programmes running at the period's end (or over the final monitor's
    term) up to it. Where such a programme carries an earlier result from before the data was
    kept here, the programme's progress (which adds it) gives the numbers instead, as the
    hand-made monitor counted them ("ruim 600 inwoners ... 225 een betaalde baan")."""
    since = period.first_day
    if final_of is not None:
        names = {final_of.name}
    else:
        running = Programme.objects.filter(
            Q(start_date__isnull=True) | Q(start_date__lte=period.last_day),
            Q(end_date__isnull=True) | Q(end_date__gte=period.last_day),
        ).exclude(start_date__isnull=True)
        names = {p.name for p in running}
        starts = [p.start_date for p in running]
        since = min(starts) if starts else None
    with_earlier = [
        row
        for row in programmes or []
        if row["programme"] in names
        and (row.get("started_baseline") or row.get("to_work_baseline"))
    ]
    if with_earlier:
        row = max(with_earlier, key=lambda r: r["started"])
        return {"reached": row["started"], "to_work": row["to_work"], "programme": row["programme"]}
    trajectories = _counted().filter(start_date__lte=period.last_day)
    if since:
        trajectories = trajectories.filter(start_date__gte=since)
    reached = trajectories.values("participant_id").distinct().count()
    to_work = (
        trajectories.filter(end_date__lte=period.last_day, outcome__in=list(OUTCOMES_WITH_WORK))
        .values("participant_id")
        .distinct()
        .count()
    )
    return {"reached": reached, "to_work": to_work, "since": since.isoformat() if since else None}


def headline_text(figures: dict) -> str:
    """The generated headline: "Van de ruim 600 inwoners … hebben 225 inmiddels een betaalde
    baan"; none while no resident has started yet (a coordinator may still write one)."""
    if not figures["reached"]:
        return ""
    rounded, more = rounded_down(figures["reached"])
    reached = _("ruim %(n)s") % {"n": _thousands(rounded)} if more else _thousands(rounded)
    return HEADLINE % {"reached": reached, "to_work": _thousands(figures["to_work"])}


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def projects_started_and_ended(*, period: Period) -> dict:
    """The projects whose start date, and whose end date, lies in the period (by the project's
    own dates): the hand-made monitor's "Nieuwe projecten" and "Afgeronde projecten"."""
    rows = Project.objects.filter(
        Q(start_date__gte=period.first_day, start_date__lte=period.last_day)
        | Q(end_date__gte=period.first_day, end_date__lte=period.last_day)
    ).values("id", "name", "description", "start_date", "end_date")

    def within(day):
        return day is not None and period.first_day <= day <= period.last_day

    def row(project, day):
        return {
            "project_id": project["id"],
            "project": project["name"],
            "description": project["description"],
            "date": day.isoformat(),
            "date_in_words": date_in_words(day),
        }

    ordered = sorted(rows, key=lambda p: p["name"])
    return {
        "new_projects": [row(p, p["start_date"]) for p in ordered if within(p["start_date"])],
        "ended_projects": [row(p, p["end_date"]) for p in ordered if within(p["end_date"])],
    }


def edition_document(*, edition: Edition, cached: bool = True) -> dict:
    """Everything an edition shows and publishing freezes: the figures (``edition_content``)
    with the publication's structure: title, headline (the stored one, else the generated
    one), category sections, new and ended projects, the consented stories, the colophon."""
    period = edition_period(edition)
    content = draft_content(edition=edition, cached=cached)
    if edition.is_final:
        # Yearly targets say nothing about a whole term: only a coordinator's colour stands.
        for row in content["projects"]:
            row["computed_light"] = None
            row["traffic_light"] = row["traffic_light"] if row["override_reason"] else None
        content["rule"] = str(FINAL_RULE)
    figures = headline_figures(
        period=period,
        programmes=content.get("programmes"),
        final_of=edition.programme if edition.is_final else None,
    )
    generated = headline_text(figures)
    content.update(
        kind=edition.kind,
        title=str(edition.title),
        period_in_words=period.in_words,
        last_day_in_words=date_in_words(period.last_day),
        headline_figures=figures,
        headline_generated=generated,
        headline=edition.headline or generated,
        introduction=edition.introduction,
        colophon={
            "published_on": (
                date_in_words(edition.published_at.date()) if edition.published_at else None
            ),
            "contact": settings.MONITOR_CONTACT_EMAIL,
        },
        **projects_started_and_ended(period=period),
    )
    return content


def live_document(*, period: Period) -> dict:
    """The live figures of a half-year in the edition's structure, without a coordinator's
    texts, colours or stories."""
    content = edition_content(period=period)
    content.update(
        period_in_words=period.in_words,
        last_day_in_words=date_in_words(period.last_day),
        headline=headline_text(
            headline_figures(period=period, programmes=content.get("programmes"))
        ),
        **projects_started_and_ended(period=period),
    )
    return content


def sections_for_reading(content: dict) -> dict:
    """The document's parts as a template reads them: each category section's projects with
    their stories beside them; a story whose project is in no section is kept in
    ``other_stories``, so nothing stored is left out. Works on a snapshot as on a draft."""
    stories_of: dict = {}
    for story in content.get("stories") or []:
        stories_of.setdefault(story["project_id"], []).append(story)
    placed = set()
    sections = []
    stored_sections = content.get("sections")
    if stored_sections is None and content.get("projects"):
        # A snapshot frozen before editions held sections: its projects, texts and colours
        # still show, in one section.
        stored_sections = [{"category": str(PROJECTS), "text": "", "projects": content["projects"]}]
    for section in stored_sections or []:
        projects = []
        for row in section["projects"]:
            placed.add(row.get("project_id"))
            projects.append({**row, "stories": stories_of.get(row.get("project_id"), [])})
        sections.append({**section, "projects": projects})
    other = [s for s in content.get("stories") or [] if s["project_id"] not in placed]
    return {"sections": sections, "other_stories": other}


def with_charts(view: dict) -> dict:
    """A reader's view with what the page and the PDF draw from it."""
    from monitor import charts

    content = view["content"]
    return {
        **view,
        # The per-project table lists the projects with trajectories; every project of the
        # edition (with its colour, text and indicators) is in the sections.
        "figure_rows": [row for row in content["projects"] if row.get("has_figures", True)],
        "series_chart": charts.series_chart(content["series"]),
        "progress": charts.progress_bars(content["programmes"]),
    }


def edition_context(*, edition: Edition, user, export: bool = False) -> dict:
    """Everything the edition's page, or its PDF (``export``), shows this user."""
    from monitor.selectors import edition_view

    view = edition_view(edition=edition, user=user, export=export)
    return {"edition": edition, **with_charts(view), **sections_for_reading(view["content"])}


def edition_pdf(*, edition: Edition, today) -> bytes:
    """The edition as a PDF. An export reads the same for every user (suppressed counts, no
    municipality's own breakdown), so a published edition's PDF is rendered once and archived;
    ``today`` only appears on a draft's concept stamp."""
    from django.contrib.auth.models import AnonymousUser

    from waw.pdf import render_publication

    context = edition_context(edition=edition, user=AnonymousUser(), export=True)
    context["today"] = date_in_words(today)
    pdf, _html = render_publication("monitor/edition_pdf.html", context)
    return pdf
