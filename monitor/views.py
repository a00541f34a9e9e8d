from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from monitor import publication, selectors, services
from monitor.forms import (
    ConsentForm,
    EditionCreateForm,
    FinalEditionCreateForm,
    IntroductionForm,
    OverrideForm,
    ProjectTextForm,
    PublishForm,
    StoryEditForm,
    StoryForm,
    half_year_choices,
)
from monitor.models import (
    FINAL_KEY_PREFIX,
    Edition,
    EditionKind,
    EditionText,
    Story,
    TrafficLightOverride,
)
from waw.mixins import BreadcrumbsMixin
from waw.params import positive_int
from waw.periods import PeriodError
from waw.roles import Role, RoleRequiredMixin, is_coordinator

READERS = (Role.COORDINATOR, Role.MUNICIPALITY, Role.BOARD)


def _latest_half_year() -> str:
    today = timezone.localdate()
    # The most recent half-year that has ended.
    if today.month > 6:
        return f"{today.year}-H1"
    return f"{today.year - 1}-H2"


class MonitorView(RoleRequiredMixin, BreadcrumbsMixin, View):
    """The live figures of any half-year, laid out like an edition; aggregates only."""

    allowed_roles = READERS

    def get(self, request):
        text = request.GET.get("periode") or _latest_half_year()
        try:
            period = selectors.parse_half_year(text)
        except PeriodError as error:
            return render(
                request,
                "monitor/monitor.html",
                {
                    "error": str(error),
                    "period_text": text,
                    "period_choices": half_year_choices(),
                    "breadcrumbs": [_monitor_crumb(), ("", _("Actuele cijfers"))],
                },
                status=400,
            )
        context = publication.with_charts(selectors.live_view(period=period, user=request.user))
        context.update(
            period=period,
            period_text=str(period),
            period_choices=half_year_choices(),
            breadcrumbs=[
                _monitor_crumb(),
                ("", _("Actuele cijfers %(period)s") % {"period": period.in_words}),
            ],
        )
        return render(request, "monitor/monitor.html", context)


def _monitor_crumb():
    return (reverse("monitor:editions"), _("Monitor"))


class EditionListView(RoleRequiredMixin, View):
    allowed_roles = READERS

    def render_list(self, create_form=None, final_form=None, status=200):
        return render(
            self.request,
            "monitor/edition_list.html",
            {
                "editions": selectors.editions_for(user=self.request.user).select_related(
                    "programme"
                ),
                "can_edit": is_coordinator(self.request.user),
                "create_form": create_form or EditionCreateForm(),
                "final_form": final_form or FinalEditionCreateForm(),
                "breadcrumbs": [_monitor_crumb()],
            },
            status=status,
        )

    def get(self, request):
        return self.render_list()

    def post(self, request):
        if not is_coordinator(request.user):
            raise PermissionDenied
        final = request.POST.get("action") == "final"
        form = (FinalEditionCreateForm if final else EditionCreateForm)(request.POST)
        if form.is_valid():
            try:
                if final:
                    edition = services.final_edition_create(**form.cleaned_data)
                else:
                    edition = services.edition_create(
                        period_text=form.cleaned_data["period"],
                        introduction=form.cleaned_data["introduction"],
                    )
            except PeriodError as error:
                form.add_error("period", str(error))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("%(e)s is aangemaakt.") % {"e": edition.title})
                return redirect("monitor:edit", period=edition.key)
        if final:
            return self.render_list(final_form=form, status=400)
        return self.render_list(create_form=form, status=400)


class EditionMixin(RoleRequiredMixin):
    allowed_roles = READERS

    def get_edition(self):
        key = self.kwargs["period"]
        editions = selectors.editions_for(user=self.request.user).select_related("programme")
        if key.startswith(FINAL_KEY_PREFIX):
            lookup = {"kind": EditionKind.FINAL, "programme__slug": key[len(FINAL_KEY_PREFIX) :]}
        else:
            lookup = {"kind": EditionKind.HALF_YEAR, "period": key}
        try:
            return editions.get(**lookup)
        except Edition.DoesNotExist:
            raise Http404 from None

    def edition_context(self, edition, *, export=False):
        return publication.edition_context(edition=edition, user=self.request.user, export=export)


class EditionView(EditionMixin, View):
    def get(self, request, period):
        edition = self.get_edition()
        context = self.edition_context(edition)
        context.update(
            can_edit=is_coordinator(request.user) and not edition.is_published,
            breadcrumbs=[_monitor_crumb(), ("", str(edition))],
        )
        return render(request, "monitor/edition.html", context)


class EditionPdfView(EditionMixin, View):
    def get(self, request, period):
        edition = self.get_edition()
        if edition.is_published:
            if not edition.pdf:
                # Published before its PDF was archived, or the render after publishing failed.
                edition.pdf = services.edition_pdf_archive(edition=edition)
            pdf = selectors.archived_edition_pdf(edition=edition)
            if pdf is None:
                # The archived file is gone (verify_archive reports it): the reader still gets
                # the same document, rendered from the frozen snapshot.
                pdf = publication.edition_pdf(edition=edition, today=edition.published_at.date())
            name = edition.key
        else:
            pdf = publication.edition_pdf(edition=edition, today=timezone.localdate())
            name = f"{edition.key}-concept"
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="monitor-{name}.pdf"'
        return response


class EditionJsonView(EditionMixin, View):
    def get(self, request, period):
        edition = self.get_edition()
        context = self.edition_context(edition, export=True)
        payload = {
            **context["content"],
            "published_at": edition.published_at.isoformat() if edition.published_at else None,
            "introduction": edition.introduction,
            "stories": [
                {"name": s["name"], "project": s["project"], "text": s["text"]}
                for s in context["stories"]
            ],
        }
        # Internal ids stay inside the application.
        payload["projects"] = [_without_id(row) for row in payload["projects"]]
        if "sections" in payload:
            payload["sections"] = [
                {**section, "projects": [_without_id(row) for row in section["projects"]]}
                for section in payload["sections"]
            ]
        return JsonResponse(payload, json_dumps_params={"ensure_ascii": False})


def _without_id(row: dict) -> dict:
    return {key: value for key, value in row.items() if key != "project_id"}


class EditionEditView(EditionMixin, View):
    """A coordinator's draft: introduction, project texts, traffic-light overrides, stories,
    and publishing. Each form posts its own ``action``."""

    allowed_roles = (Role.COORDINATOR,)
    forms = {
        "intro": IntroductionForm,
        "text": ProjectTextForm,
        "override": OverrideForm,
        "story": StoryForm,
        "publish": PublishForm,
    }

    def render_page(self, edition, bound=None, status=200):
        forms = {name: cls() for name, cls in self.forms.items()}
        document = publication.edition_document(edition=edition)
        forms["intro"] = IntroductionForm(
            initial={"introduction": edition.introduction, "headline": document["headline"]}
        )
        if bound:
            forms[bound[0]] = bound[1]
        return render(
            self.request,
            "monitor/edition_edit.html",
            {
                "edition": edition,
                "forms": forms,
                "stories": edition.stories.select_related("project"),
                "overrides": edition.overrides.select_related("project"),
                "texts": edition.texts.select_related("project", "category"),
                "breadcrumbs": [
                    _monitor_crumb(),
                    (edition.get_absolute_url(), str(edition)),
                    ("", _("Bewerken")),
                ],
            },
            status=status,
        )

    def get(self, request, period):
        edition = self.get_edition()
        if edition.is_published:
            return redirect(edition.get_absolute_url())
        return self.render_page(edition)

    def post(self, request, period):
        edition = self.get_edition()
        action = request.POST.get("action", "")
        if action == "remove_story":
            # Removing is confirmed on a page of its own; this only leads there.
            story_id = positive_int(request.POST.get("story"))
            story = edition.stories.filter(pk=story_id).first() if story_id else None
            if story and not edition.is_published:
                return redirect("monitor:remove", period=edition.key, kind="verhaal", pk=story.pk)
            return redirect("monitor:edit", period=edition.key)
        if action not in self.forms:
            return self.render_page(edition, status=400)
        form = self.forms[action](request.POST)
        if not form.is_valid():
            return self.render_page(edition, (action, form), status=400)
        data = form.cleaned_data
        try:
            if action == "intro":
                services.edition_update(
                    edition=edition, introduction=data["introduction"], headline=data["headline"]
                )
            elif action == "text":
                services.edition_text_set(
                    edition=edition,
                    project=data["project"],
                    category=data["category"],
                    text=data["text"],
                )
            elif action == "override":
                services.traffic_light_override_set(
                    edition=edition,
                    project=data["project"],
                    colour=data["colour"],
                    reason=data["reason"],
                )
            elif action == "story":
                services.story_add(edition=edition, user=request.user, **data)
            else:
                services.edition_publish(edition=edition, user=request.user)
                messages.success(request, _("De editie is gepubliceerd."))
                return redirect(edition.get_absolute_url())
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_page(edition, (action, form), status=400)
        messages.success(request, self.saved_messages()[action])
        return redirect("monitor:edit", period=edition.key)

    @staticmethod
    def saved_messages() -> dict:
        """What was saved, in words, per form on the page."""
        return {
            "intro": _("De kopzin en de inleiding zijn opgeslagen."),
            "text": _("De tekst is opgeslagen."),
            "override": _("Het aangepaste stoplicht is opgeslagen."),
            "story": _("Het verhaal is toegevoegd."),
        }


class DraftMixin(EditionMixin):
    """A coordinator's page about one part of a draft edition; a published edition only shows."""

    allowed_roles = (Role.COORDINATOR,)

    def crumbs(self, edition, title):
        return [
            _monitor_crumb(),
            (edition.get_absolute_url(), str(edition)),
            (reverse("monitor:edit", kwargs={"period": edition.key}), _("Bewerken")),
            ("", title),
        ]


class StoryEditView(DraftMixin, View):
    """Edit a story of the draft, and record the participant's consent afterwards."""

    def get_story(self, edition):
        try:
            return edition.stories.select_related("project", "consent_recorded_by").get(
                pk=self.kwargs["pk"]
            )
        except Story.DoesNotExist:
            raise Http404 from None

    def render_page(self, edition, story, form=None, consent_form=None, status=200):
        title = _("Verhaal van %(name)s") % {"name": story.name}
        return render(
            self.request,
            "monitor/story_edit.html",
            {
                "edition": edition,
                "story": story,
                "form": form
                or StoryEditForm(
                    initial={"name": story.name, "project": story.project, "text": story.text}
                ),
                "consent_form": consent_form or ConsentForm(prefix="consent"),
                "title": title,
                "breadcrumbs": self.crumbs(edition, title),
            },
            status=status,
        )

    def get(self, request, period, pk):
        edition = self.get_edition()
        if edition.is_published:
            return redirect(edition.get_absolute_url())
        return self.render_page(edition, self.get_story(edition))

    def post(self, request, period, pk):
        edition = self.get_edition()
        story = self.get_story(edition)
        if request.POST.get("action") == "consent":
            form = ConsentForm(request.POST, prefix="consent")
            if not form.is_valid():
                return self.render_page(edition, story, consent_form=form, status=400)
            try:
                services.story_consent_record(story=story, user=request.user)
            except ValidationError as error:
                form.add_error(None, error)
                return self.render_page(edition, story, consent_form=form, status=400)
            messages.success(request, _("De toestemming is vastgelegd."))
            return redirect("monitor:edit", period=edition.key)
        form = StoryEditForm(request.POST)
        if not form.is_valid():
            return self.render_page(edition, story, form=form, status=400)
        try:
            services.story_update(story=story, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.render_page(edition, story, form=form, status=400)
        messages.success(request, _("Het verhaal is opgeslagen."))
        return redirect("monitor:edit", period=edition.key)


class RemoveView(DraftMixin, View):
    """Asks for confirmation (GET) before removing a story, a text or an adjusted traffic
    light of a draft; removes only on a POST that carries the confirmation."""

    kinds = {
        "verhaal": (Story, "stories"),
        "tekst": (EditionText, "texts"),
        "stoplicht": (TrafficLightOverride, "overrides"),
    }

    def get_item(self, edition):
        kind = self.kwargs["kind"]
        if kind not in self.kinds:
            raise Http404
        _model, related = self.kinds[kind]
        item = getattr(edition, related).filter(pk=self.kwargs["pk"]).first()
        if item is None:
            raise Http404
        return item

    def question(self, kind, item) -> str:
        if kind == "verhaal":
            return _(
                "Weet u zeker dat u het verhaal van %(name)s (%(project)s) wilt verwijderen?"
            ) % {
                "name": item.name,
                "project": item.project,
            }
        if kind == "tekst":
            return _("Weet u zeker dat u de tekst bij %(subject)s wilt verwijderen?") % {
                "subject": item.project or item.category
            }
        return _(
            "Weet u zeker dat u het aangepaste stoplicht (%(colour)s) van %(project)s wilt "
            "verwijderen? Dan geldt weer de berekende kleur."
        ) % {"colour": item.get_colour_display(), "project": item.project}

    def page(self, edition, item, status=200):
        title = _("Verwijderen bevestigen")
        return render(
            self.request,
            "confirm_remove.html",
            {
                "edition": edition,
                "title": title,
                "question": self.question(self.kwargs["kind"], item),
                "cancel_url": reverse("monitor:edit", kwargs={"period": edition.key}),
                "breadcrumbs": self.crumbs(edition, title),
            },
            status=status,
        )

    def get(self, request, period, kind, pk):
        edition = self.get_edition()
        if edition.is_published:
            return redirect(edition.get_absolute_url())
        return self.page(edition, self.get_item(edition))

    def post(self, request, period, kind, pk):
        edition = self.get_edition()
        if edition.is_published:
            return redirect(edition.get_absolute_url())
        item = self.get_item(edition)
        if request.POST.get("confirm") != "ja":
            return self.page(edition, item, status=400)
        remove = {
            "verhaal": lambda: services.story_remove(story=item),
            "tekst": lambda: services.edition_text_remove(text=item),
            "stoplicht": lambda: services.traffic_light_override_remove(override=item),
        }[kind]
        try:
            remove()
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(edition.get_absolute_url())
        messages.success(
            request,
            {
                "verhaal": _("Het verhaal is verwijderd."),
                "tekst": _("De tekst is verwijderd."),
                "stoplicht": _(
                    "Het aangepaste stoplicht is verwijderd; de berekende kleur geldt weer."
                ),
            }[kind],
        )
        return redirect("monitor:edit", period=edition.key)
