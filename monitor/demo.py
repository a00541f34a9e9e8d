"""A published demo edition for a development machine (never in production), so that a board
member's first screen after `make run` shows a monitor. Texts are invented and say so."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from monitor.models import Edition
from monitor.services import edition_create, edition_publish, edition_text_set, story_add
from participants.models import Trajectory
from projects.models import Category, Project
from waw.periods import Period

MIN_STARTS = 10  # a half-year with fewer demo starts makes a thin demo
DEMO_INTRODUCTION = (
    "Dit is een demo-editie met verzonnen deelnemers en cijfers. De monitor laat twee keer per "
    "jaar zien wat de regionale arbeidsmarktprojecten opleveren: per categorie de projecten met "
    "hun stand van zaken, de voortgang ten opzichte van de programmadoelen en verhalen van "
    "deelnemers."
)
DEMO_CATEGORY_TEXT = (
    "Demotekst: de projecten in deze categorie liggen grotendeels op koers. Bij elk project staat "
    "de kleur volgens het stoplichtmodel."
)
DEMO_STORY = (
    "Na jaren thuis met de kinderen wilde ik weer aan het werk. Via het project kreeg ik een "
    "opleiding en een vaste plek; nu werk ik drie dagen per week. (Verzonnen demoverhaal.)"
)


def demo_half_year() -> Period | None:
    """The latest half-year that has ended with at least MIN_STARTS demo starts in it."""
    today = timezone.localdate()
    starts = (
        Trajectory.objects.filter(withdrawn_at__isnull=True, start_date__isnull=False)
        .values_list("start_date__year", "start_date__month")
        .annotate(n=Count("id"))
        .order_by()
    )
    per_half: dict[str, int] = {}
    for year, month, number in starts:
        code = f"{year}-H{1 if month <= 6 else 2}"
        per_half[code] = per_half.get(code, 0) + number
    ended = [
        Period.parse(code)
        for code, number in per_half.items()
        if number >= MIN_STARTS and Period.parse(code).last_day < today
    ]
    return max(ended, default=None)


@transaction.atomic
def load_demo_edition() -> Edition | None:
    """Publish one demo edition when none is published yet; returns it, or None when there
    was one already or there are no demo trajectories. Only with DEBUG on."""
    if not settings.DEBUG:
        raise ImproperlyConfigured("Demogegevens worden alleen geladen als DEBUG aan staat.")
    if Edition.objects.filter(published_at__isnull=False).exists():
        return None
    period = demo_half_year()
    coordinator = get_user_model().objects.filter(username="coordinator").first()
    if period is None or coordinator is None:
        return None
    edition = Edition.objects.filter(period=str(period), kind="halfjaar").first()
    if edition is None:
        edition = edition_create(period_text=str(period), introduction=DEMO_INTRODUCTION)
    used = Trajectory.objects.filter(start_date__lte=period.last_day, withdrawn_at__isnull=True)
    for category in Category.objects.filter(projects__trajectories__in=used).distinct():
        edition_text_set(edition=edition, category=category, text=DEMO_CATEGORY_TEXT)
    busiest = used.values("project").annotate(n=Count("id")).order_by("-n", "project").first()
    if busiest and not edition.stories.exists():
        story_add(
            edition=edition,
            user=coordinator,
            name="Sanne",
            project=Project.objects.get(pk=busiest["project"]),
            text=DEMO_STORY,
            consent_given=True,
        )
    return edition_publish(edition=edition, user=coordinator)
