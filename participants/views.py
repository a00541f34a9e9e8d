import contextlib

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView, UpdateView
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin, SingleTableView

from audit import selectors as audit_selectors
from audit import services as audit_services
from audit.constants import AccessAction
from participants import selectors, services
from participants.filters import TrajectoryFilter
from participants.forms import (
    EndForm,
    EnrolmentForm,
    ImportForm,
    ParticipantForm,
    StartForm,
    TrajectoryForm,
    WithdrawForm,
    add_service_error,
)
from participants.importing import (
    COLUMNS,
    import_template_example,
    import_template_values,
    outcome_words,
)
from participants.models import Participant, Trajectory
from participants.tables import ParticipantTable, TrajectoryTable
from waw import jobs, pagination
from waw.dates import parse_date
from waw.exports import SafeExportMixin, csv_response, xlsx_workbook_bytes
from waw.mixins import BreadcrumbsMixin, UserFilterMixin
from waw.models import Job
from waw.params import positive_int
from waw.roles import PERSONAL_DATA_ROLES, Role, RoleRequiredMixin, is_coordinator

PERSONAL_DATA_READERS = PERSONAL_DATA_ROLES
ACCESSES_SHOWN = 25
EDITORS = (Role.COORDINATOR,)


def _participants_crumb():
    return (reverse("participants:list"), _("Deelnemers"))


def _trajectories_crumb():
    return (reverse("participants:trajectories"), _("Trajecten"))


class ParticipantListView(RoleRequiredMixin, BreadcrumbsMixin, SingleTableView):
    allowed_roles = PERSONAL_DATA_READERS
    table_class = ParticipantTable
    template_name = "participants/participant_list.html"
    # Paginated by the table only (ListView's paginate_by would count the rows a second time).
    table_pagination = pagination.table_pagination(per_page=25, estimated=True)

    def get_queryset(self):
        return selectors.participant_list_for(
            user=self.request.user, query=self.request.GET.get("q", "").strip()
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = is_coordinator(self.request.user)
        context["query"] = self.request.GET.get("q", "")
        return context

    def get_breadcrumbs(self):
        return [_participants_crumb()]


class ParticipantDetailView(RoleRequiredMixin, BreadcrumbsMixin, DetailView):
    """A participant's page; another municipality's participant answers 404, not 403, so that
    a klantmanager cannot even learn that the record exists."""

    allowed_roles = PERSONAL_DATA_READERS
    template_name = "participants/participant_detail.html"
    context_object_name = "participant"

    def get_queryset(self):
        return selectors.participants_for(user=self.request.user)

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        audit_services.access_record(user=request.user, obj=self.object, action=AccessAction.VIEW)
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        trajectories = list(
            selectors.trajectories_for(user=self.request.user).filter(participant=self.object)
        )
        selectors.flag_missing_tariffs(trajectories)
        context["trajectories"] = trajectories
        context["can_edit"] = is_coordinator(self.request.user)
        context["details_visible"] = self.object.details_visible
        context["can_export"] = context["details_visible"]
        if context["can_edit"]:
            # The trail of the record: for coordinators, who answer for the data.
            records = [self.object, *trajectories]
            context["changes"] = audit_selectors.trail_rows(audit_selectors.changes_for(records))
            context["accesses"] = audit_selectors.trail_rows(
                audit_selectors.accesses_for(records)[:ACCESSES_SHOWN]
            )
        return context

    def get_breadcrumbs(self):
        return [_participants_crumb(), (self.object.get_absolute_url(), str(self.object))]


class ParticipantExportView(RoleRequiredMixin, View):
    """Right of access (AVG art. 15): everything stored about one participant as one JSON file.
    For coordinators, and for the municipality where the participant lives now (which handles
    its residents' requests); the file holds only what the user may see. Logged."""

    allowed_roles = PERSONAL_DATA_READERS

    def get(self, request, pk):
        participant = selectors.participants_for(user=request.user).filter(pk=pk).first()
        if participant is None or not participant.details_visible:
            raise Http404
        dossier = selectors.participant_dossier(
            user=request.user, participant=participant, now=timezone.now()
        )
        audit_services.access_record(user=request.user, obj=participant, action=AccessAction.EXPORT)
        response = JsonResponse(dossier, json_dumps_params={"ensure_ascii": False, "indent": 2})
        response["Content-Disposition"] = (
            f'attachment; filename="inzage-deelnemer-{participant.pk}.json"'
        )
        return response


class ParticipantUpdateView(RoleRequiredMixin, BreadcrumbsMixin, UpdateView):
    allowed_roles = EDITORS
    form_class = ParticipantForm
    template_name = "participants/form.html"

    def get_queryset(self):
        return selectors.participants_for(user=self.request.user)

    def form_valid(self, form):
        try:
            services.participant_save(participant=form.instance)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("De gegevens van %(p)s zijn opgeslagen.") % {"p": form.instance}
        )
        return redirect(form.instance.get_absolute_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("%(p)s bewerken") % {"p": self.object}
        context["cancel_url"] = self.object.get_absolute_url()
        return context

    def get_breadcrumbs(self):
        return [
            _participants_crumb(),
            (self.object.get_absolute_url(), str(self.object)),
            ("", _("Bewerken")),
        ]


class TrajectoryListView(
    RoleRequiredMixin,
    BreadcrumbsMixin,
    UserFilterMixin,
    SafeExportMixin,
    SingleTableMixin,
    FilterView,
):
    allowed_roles = PERSONAL_DATA_READERS
    table_class = TrajectoryTable
    filterset_class = TrajectoryFilter
    template_name = "participants/trajectory_list.html"
    # django-tables2 paginates (forgiving bad page numbers); FilterView must not as well.
    table_pagination = pagination.table_pagination(per_page=25, estimated=True)
    export_formats = ("csv", "xlsx")
    export_name = "trajecten"

    def get_queryset(self):
        return selectors.trajectories_for(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit"] = is_coordinator(self.request.user)
        return context

    def get_breadcrumbs(self):
        return [_trajectories_crumb()]


class TrajectoryMixin(RoleRequiredMixin, BreadcrumbsMixin):
    """A trajectory the user may see (404 otherwise), with the coordinator's quick actions."""

    allowed_roles = PERSONAL_DATA_READERS

    def get_trajectory(self) -> Trajectory:
        try:
            return selectors.trajectory_detail_for(user=self.request.user, pk=self.kwargs["pk"])
        except Trajectory.DoesNotExist:
            raise Http404 from None

    def render_detail(self, trajectory, status=200, conflict=(), **forms):
        selectors.flag_missing_tariffs([trajectory])
        context = {
            "trajectory": trajectory,
            "conflict": conflict,
            "participant": trajectory.participant,
            "can_edit": is_coordinator(self.request.user),
            "start_form": forms.get("start_form") or StartForm(),
            "end_form": forms.get("end_form") or EndForm(),
            "withdraw_form": forms.get("withdraw_form") or WithdrawForm(),
            "breadcrumbs": [
                _trajectories_crumb(),
                (trajectory.get_absolute_url(), f"{trajectory.participant} – {trajectory.project}"),
            ],
        }
        return render(self.request, "participants/trajectory_detail.html", context, status=status)


class TrajectoryDetailView(TrajectoryMixin, View):
    def get(self, request, pk):
        trajectory = self.get_trajectory()
        forms = {}
        if request.GET.get("starten") and is_coordinator(request.user):
            # "nu starten" from the enrolment message: today's date, ready to confirm with Enter.
            forms["start_form"] = StartForm(initial={"start_date": timezone.localdate()})
            forms["start_form"].fields["start_date"].widget.attrs["autofocus"] = True
        response = self.render_detail(trajectory, **forms)
        audit_services.access_record(user=request.user, obj=trajectory, action=AccessAction.VIEW)
        return response


class TrajectoryActionView(TrajectoryMixin, View):
    """A quick action from the trajectory page: start, end with outcome, or withdraw."""

    allowed_roles = EDITORS
    form_class = None
    form_name = ""

    def perform(self, trajectory, data):
        raise NotImplementedError

    def post(self, request, pk):
        trajectory = self.get_trajectory()
        form = self.form_class(request.POST)
        if form.is_valid():
            try:
                self.perform(trajectory, form.cleaned_data)
            except ValidationError as error:
                if services.error_has_code(error, services.CHANGED):
                    # Someone else got there first: show the trajectory as it is now, and why.
                    return self.render_detail(
                        self.get_trajectory(), status=409, conflict=error.messages
                    )
                add_service_error(form, error)
            else:
                messages.success(request, self.success_message)
                return redirect(trajectory.get_absolute_url())
        trajectory = self.get_trajectory()
        return self.render_detail(trajectory, status=400, **{self.form_name: form})


class TrajectoryStartView(TrajectoryActionView):
    form_class = StartForm
    form_name = "start_form"
    success_message = _("Het traject is gestart.")

    def perform(self, trajectory, data):
        services.trajectory_start(
            user=self.request.user, trajectory=trajectory, start_date=data["start_date"]
        )


class TrajectoryEndView(TrajectoryActionView):
    form_class = EndForm
    form_name = "end_form"
    success_message = _("Het traject is beëindigd.")

    def perform(self, trajectory, data):
        services.trajectory_end(
            user=self.request.user,
            trajectory=trajectory,
            end_date=data["end_date"],
            outcome=data["outcome"],
        )


class TrajectoryWithdrawView(TrajectoryActionView):
    form_class = WithdrawForm
    form_name = "withdraw_form"
    success_message = _(
        "Het traject is ingetrokken; het telt niet meer mee voor facturen en monitor."
    )

    def perform(self, trajectory, data):
        services.trajectory_withdraw(
            user=self.request.user, trajectory=trajectory, reason=data["reason"]
        )


class TrajectoryUpdateView(TrajectoryMixin, FormView):
    allowed_roles = EDITORS
    form_class = TrajectoryForm
    template_name = "participants/form.html"

    def get_form_kwargs(self):
        self.trajectory = self.get_trajectory()
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.trajectory
        kwargs["version"] = services.trajectory_version(self.trajectory)
        return kwargs

    def form_valid(self, form):
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name != "version"}
        original = self.get_trajectory()
        try:
            services.trajectory_update(
                user=self.request.user,
                trajectory=original,
                expected_version=form.cleaned_data["version"],
                **changes,
            )
        except services.OpenTrajectoryExists as error:
            form.add_error(None, error)
            self.existing_trajectory = error.trajectory
            return self.form_invalid(form)
        except ValidationError as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Het traject is opgeslagen."))
        return redirect(original.get_absolute_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = _("Traject bewerken")
        context["cancel_url"] = self.trajectory.get_absolute_url()
        context["existing_trajectory"] = getattr(self, "existing_trajectory", None)
        context["breadcrumbs"] = [
            _trajectories_crumb(),
            (self.trajectory.get_absolute_url(), str(self.trajectory)),
            ("", _("Bewerken")),
        ]
        return context


class EnrolView(RoleRequiredMixin, BreadcrumbsMixin, View):
    """The enrolment form: a participant (new, or existing when found) and a trajectory.

    "Opslaan en nog iemand aanmelden" comes back to an empty form, so entering ten enrolments
    takes one page load each.
    """

    allowed_roles = EDITORS
    template_name = "participants/enrol.html"

    def get_participant(self):
        pk = self.kwargs.get("participant")
        if pk is None:
            return None
        try:
            return selectors.participants_for(user=self.request.user).get(pk=pk)
        except Participant.DoesNotExist:
            raise Http404 from None

    def render_form(
        self, participant_form, enrolment_form, candidates=(), status=200, existing_trajectory=None
    ):
        fixed = self.get_participant()
        return render(
            self.request,
            self.template_name,
            {
                "participant_form": participant_form,
                "enrolment_form": enrolment_form,
                "candidates": candidates,
                "fixed_participant": fixed,
                "existing_trajectory": existing_trajectory,
                "breadcrumbs": [
                    _trajectories_crumb(),
                    ("", _("Deelnemer aanmelden")),
                ],
            },
            status=status,
        )

    # What "Opslaan en nog iemand aanmelden" carries over to the next person's form.
    KEPT = ("project", "cohort", "enrolment_date", "start_date")

    def get(self, request, **kwargs):
        initial = {}
        for name in ("project", "cohort"):
            pk = positive_int(request.GET.get(name))
            if pk is not None:
                initial[name] = pk
        for name in ("enrolment_date", "start_date"):
            with contextlib.suppress(ValueError):
                initial[name] = parse_date(request.GET.get(name, ""))
        participant_form = ParticipantForm(prefix="p")
        enrolment_form = EnrolmentForm(prefix="t", initial=initial)
        # The cursor starts in the first field to type in, as in a spreadsheet.
        first = (
            enrolment_form["project"] if self.get_participant() else participant_form["first_name"]
        )
        first.field.widget.attrs["autofocus"] = True
        return self.render_form(participant_form, enrolment_form)

    def post(self, request, **kwargs):
        fixed = self.get_participant()
        existing = fixed or self._chosen_candidate(request.POST.get("existing"))
        participant_form = ParticipantForm(request.POST, prefix="p")
        enrolment_form = EnrolmentForm(request.POST, prefix="t")
        participant_ok = existing is not None or participant_form.is_valid()
        if existing is None and not participant_ok and participant_form.has_only_duplicate_errors():
            # The klantnummer is taken: offer that person, as the form's help text promises.
            candidates = services.participant_duplicates(**participant_form.identity())
            if candidates and enrolment_form.is_valid():
                return self.render_form(
                    participant_form, enrolment_form, candidates=candidates, status=400
                )
        if not (participant_ok and enrolment_form.is_valid()):
            return self.render_form(participant_form, enrolment_form, status=400)
        try:
            enrolment = services.enrol(
                user=request.user,
                participant=participant_form.instance,
                trajectory=enrolment_form.instance,
                existing=existing,
            )
        except services.DuplicateParticipant as duplicate:
            return self.render_form(
                participant_form, enrolment_form, candidates=duplicate.candidates, status=400
            )
        except services.OpenTrajectoryExists as error:
            enrolment_form.add_error(None, error)
            return self.render_form(
                participant_form, enrolment_form, status=400, existing_trajectory=error.trajectory
            )
        except ValidationError as error:
            add_service_error(enrolment_form, error)
            return self.render_form(participant_form, enrolment_form, status=400)
        trajectory = enrolment.trajectory
        start_link = ""
        if not trajectory.start_date:
            # No #fragment: a browser skips autofocus when the address targets an element.
            start_link = format_html(
                ' · <a href="{}?starten=1">{}</a>',
                trajectory.get_absolute_url(),
                _("nu starten"),
            )
        messages.success(
            request,
            format_html(
                '{} <a href="{}">{}</a>{}',
                _("%(participant)s is aangemeld voor %(project)s.")
                % {"participant": enrolment.participant, "project": trajectory.project},
                trajectory.get_absolute_url(),
                _("Naar het traject"),
                start_link,
            ),
        )
        if "next" in request.POST:
            kept = {
                name: value.strftime("%d-%m-%Y") if hasattr(value, "strftime") else value.pk
                for name in self.KEPT
                if (value := getattr(trajectory, name)) is not None
            }
            return redirect(reverse("participants:enrol") + "?" + urlencode(kept))
        return redirect(enrolment.trajectory.get_absolute_url())

    def _chosen_candidate(self, value):
        pk = positive_int(value)
        if pk is None:
            return None
        return selectors.participants_for(user=self.request.user).filter(pk=pk).first()


class ImportView(RoleRequiredMixin, BreadcrumbsMixin, FormView):
    allowed_roles = EDITORS
    form_class = ImportForm
    template_name = "participants/import.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(outcome_words=", ".join(outcome_words()), **kwargs)

    def form_valid(self, form):
        # Read and imported by a task worker; the job page shows its progress and outcome.
        upload = form.cleaned_data["file"]
        try:
            job = jobs.start_job(
                kind=Job.Kind.TRAJECTORY_IMPORT,
                key=jobs.job_key(Job.Kind.TRAJECTORY_IMPORT, self.request.user),
                user=self.request.user,
                title=_("Trajecten importeren"),
                upload=upload,
            )
        except jobs.JobAlreadyRunning as running:
            messages.error(self.request, running.message)
            return self.render_to_response(self.get_context_data(form=form), status=409)
        return redirect(job.get_absolute_url())

    def get_breadcrumbs(self):
        return [_trajectories_crumb(), ("", _("Importeren"))]


class ImportTemplateView(RoleRequiredMixin, View):
    """The import template: the header and one example row; the Excel file has a second sheet
    with the valid projects, groups, outcome words and municipalities (for the CSV, the page
    of valid values, linked from the import page, lists them)."""

    allowed_roles = EDITORS

    def get(self, request, file_format):
        if file_format not in ("csv", "xlsx"):
            raise Http404
        header, example = list(COLUMNS), import_template_example()
        if file_format == "csv":
            return csv_response(filename="sjabloon-trajecten.csv", header=header, rows=[example])
        values = import_template_values()
        longest = max(len(values["projects"]), len(values["groups"]), len(values["outcomes"]))

        def at(items, i):
            return items[i] if i < len(items) else ""

        rows = [
            [
                at(values["projects"], i),
                *(at(values["groups"], i) or ("", "")),
                at(values["outcomes"], i),
                at(values["municipalities"], i),
            ]
            for i in range(max(longest, len(values["municipalities"])))
        ]
        data = xlsx_workbook_bytes(
            sheets=[
                (_("Trajecten"), header, [example]),
                (
                    _("Geldige waarden"),
                    [
                        _("project"),
                        _("project van de groep"),
                        _("groep"),
                        _("uitkomst"),
                        _("gemeente"),
                    ],
                    rows,
                ),
            ]
        )
        response = HttpResponse(
            data,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="sjabloon-trajecten.xlsx"'
        return response


class ImportValuesView(RoleRequiredMixin, BreadcrumbsMixin, TemplateView):
    """The valid values of the import on a page, for whoever fills in the CSV template."""

    allowed_roles = EDITORS
    template_name = "participants/import_values.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(values=import_template_values(), **kwargs)

    def get_breadcrumbs(self):
        return [
            _trajectories_crumb(),
            (reverse("participants:import"), _("Importeren")),
            ("", _("Geldige waarden")),
        ]
