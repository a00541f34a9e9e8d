"""Writes for monitor editions: drafts change freely, publishing freezes them for good."""

import hashlib

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing import archive
from monitor.models import Edition, EditionKind, EditionText, Story, TrafficLightOverride
from monitor.publication import edition_document, edition_pdf
from monitor.selectors import parse_half_year
from waw import jobs
from waw.models import Job

PUBLISHED_IS_FROZEN = _("Een gepubliceerde editie verandert niet meer.")
CONSENT_MISSING = _(
    "Deze verhalen hebben geen vastgelegde toestemming: %(names)s. Zonder toestemming kan de "
    "editie niet worden gepubliceerd. Leg de toestemming vast of verwijder het verhaal."
)
EMPTY_REMOVES_NOTHING = _(
    "Een lege tekst wordt niet opgeslagen. Wilt u de tekst weghalen, gebruik dan “verwijderen” "
    "bij de tekst."
)
NO_COLOUR = _(
    "Kies een kleur. Wilt u de berekende kleur terug, gebruik dan “verwijderen” bij het "
    "aangepaste stoplicht."
)
OVERRIDE_REASON_REQUIRED = _("Schrijf op waarom het stoplicht anders is.")
EDITION_EXISTS = _("Er is al een editie voor het %(period)s.")
FINAL_EXISTS = _("Er is al een eindmonitor van %(programme)s.")
FINAL_NEEDS_TERM = _(
    "%(programme)s heeft geen einddatum; een eindmonitor gaat over de hele looptijd van een "
    "programma en kan pas als die bekend is."
)


def _draft(edition: Edition) -> Edition:
    current = Edition.objects.select_for_update().get(pk=edition.pk)
    if current.is_published:
        raise ValidationError(PUBLISHED_IS_FROZEN)
    return current


@transaction.atomic
def edition_create(*, period_text: str, introduction: str = "") -> Edition:
    period = parse_half_year(period_text)
    if Edition.objects.filter(period=str(period), kind=EditionKind.HALF_YEAR).exists():
        raise ValidationError({"period": EDITION_EXISTS % {"period": period.in_words}})
    return Edition.objects.create(period=str(period), introduction=introduction)


@transaction.atomic
def final_edition_create(*, programme, introduction: str = "") -> Edition:
    """The final monitor of a programme: its whole term, up to the half-year its end date lies
    in, in the layout of the half-yearly monitor with the cumulative figures."""
    if programme.end_date is None:
        raise ValidationError({"programme": FINAL_NEEDS_TERM % {"programme": programme.name}})
    if Edition.objects.filter(kind=EditionKind.FINAL, programme=programme).exists():
        raise ValidationError({"programme": FINAL_EXISTS % {"programme": programme.name}})
    end = programme.end_date
    return Edition.objects.create(
        kind=EditionKind.FINAL,
        programme=programme,
        period=f"{end.year}-H{1 if end.month <= 6 else 2}",
        introduction=introduction,
    )


@transaction.atomic
def edition_update(*, edition: Edition, introduction: str, headline: str | None = None) -> Edition:
    """Change the draft's introduction and, when given, its headline (an empty headline, or
    the generated one unchanged, means: the sentence that follows from the figures)."""
    edition = _draft(edition)
    edition.introduction = introduction
    fields = ["introduction"]
    if headline is not None:
        headline = headline.strip()
        if headline == edition_document(edition=edition)["headline_generated"]:
            headline = ""
        edition.headline = headline
        fields.append("headline")
    edition.save(update_fields=fields)
    return edition


ONE_SUBJECT = _("Kies een project of een categorie, niet allebei.")


@transaction.atomic
def edition_text_set(*, edition: Edition, text: str, project=None, category=None) -> None:
    """Set the edition's text about a project or a category. An empty text removes nothing:
    removing is edition_text_remove, after a confirmation."""
    _draft(edition)
    if (project is None) == (category is None):
        raise ValidationError(ONE_SUBJECT)
    subject = {"project": project} if project is not None else {"category": category}
    if not text.strip():
        raise ValidationError({"text": EMPTY_REMOVES_NOTHING})
    EditionText.objects.update_or_create(
        edition=edition, **subject, defaults={"text": text.strip()}
    )


@transaction.atomic
def edition_text_remove(*, text: EditionText) -> None:
    """Remove a text of a draft edition (the page asks for confirmation first)."""
    _draft(text.edition)
    text.delete()


@transaction.atomic
def traffic_light_override_set(*, edition: Edition, project, colour: str, reason: str) -> None:
    """Override the computed traffic light with a written reason."""
    _draft(edition)
    if not colour:
        raise ValidationError({"colour": NO_COLOUR})
    if not reason.strip():
        raise ValidationError({"reason": OVERRIDE_REASON_REQUIRED})
    TrafficLightOverride.objects.update_or_create(
        edition=edition, project=project, defaults={"colour": colour, "reason": reason.strip()}
    )


@transaction.atomic
def story_add(
    *, edition: Edition, user, name: str, project, text: str, consent_given: bool
) -> Story:
    _draft(edition)
    story = Story(
        edition=edition,
        name=name.strip(),
        project=project,
        text=text.strip(),
        consent_given=consent_given,
        consent_recorded_by=user if consent_given else None,
        consent_recorded_at=timezone.now() if consent_given else None,
    )
    story.full_clean()
    story.save()
    return story


@transaction.atomic
def traffic_light_override_remove(*, override: TrafficLightOverride) -> None:
    """Go back to the computed colour (the page asks for confirmation first)."""
    _draft(override.edition)
    override.delete()


@transaction.atomic
def story_update(*, story: Story, name: str, project, text: str) -> Story:
    """Change a draft's story. Consent is given for what the story says: a changed name or text
    needs its consent recorded again."""
    _draft(story.edition)
    story = Story.objects.select_for_update().get(pk=story.pk)
    changed = story.name != name.strip() or story.text != text.strip()
    story.name, story.project, story.text = name.strip(), project, text.strip()
    if changed and story.consent_given:
        story.consent_given = False
        story.consent_recorded_by = None
        story.consent_recorded_at = None
    story.full_clean()
    story.save()
    return story


@transaction.atomic
def story_consent_record(*, story: Story, user) -> Story:
    """Record, after the story was added, that the participant consented: who and when."""
    _draft(story.edition)
    story = Story.objects.select_for_update().get(pk=story.pk)
    story.consent_given = True
    story.consent_recorded_by = user
    story.consent_recorded_at = timezone.now()
    story.save(update_fields=["consent_given", "consent_recorded_by", "consent_recorded_at"])
    return story


@transaction.atomic
def story_remove(*, story: Story) -> None:
    """Remove a story of a draft (the page asks for confirmation first)."""
    _draft(story.edition)
    story.delete()


@transaction.atomic
def edition_publish(*, edition: Edition, user) -> Edition:
    """Publish: every story needs recorded consent; all figures are frozen into a snapshot, so
    later changes to trajectories leave the published edition as it was."""
    edition = _draft(edition)
    missing = [
        f"{story.name} ({story.project.name})"
        for story in edition.stories.select_related("project").filter(consent_given=False)
    ]
    if missing:
        raise ValidationError(CONSENT_MISSING % {"names": ", ".join(missing)})
    edition.published_at = timezone.now()
    edition.published_by = user
    # Computed afresh, not from the live cache: what is frozen must be exact.
    edition.snapshot = edition_document(edition=edition, cached=False)
    edition.save(update_fields=["snapshot", "published_at", "published_by"])
    # Rendered once by a task worker (monitor/jobs.py), queued when this transaction commits.
    jobs.start_job(
        kind=Job.Kind.EDITION_PDF,
        key=jobs.job_key(Job.Kind.EDITION_PDF, scope=str(edition.pk)),
        user=user,
        title=_("PDF van %(edition)s") % {"edition": edition},
        params={"edition": edition.pk},
    )
    return edition


def edition_pdf_archive(*, edition: Edition) -> str:
    """Render a published edition's PDF once and archive it (``monitor/<key>.pdf`` with its
    SHA-256); every later download serves those bytes. Returns the file's name; a second call
    renders nothing. The edition's row is locked meanwhile, so two calls render once."""
    with transaction.atomic(), archive.files_removed_on_failure() as written:
        edition = Edition.objects.select_for_update().get(pk=edition.pk)
        if not edition.is_published:
            raise ValueError("only a published edition is archived")
        if edition.pdf:
            return edition.pdf
        content = edition_pdf(edition=edition, today=edition.published_at.date())
        edition.pdf = archive.store(
            name=archive.edition_pdf_name(edition.key), content=content, written=written
        )
        edition.pdf_sha256 = hashlib.sha256(content).hexdigest()
        edition.save(update_fields=["pdf", "pdf_sha256"])
    return edition.pdf
