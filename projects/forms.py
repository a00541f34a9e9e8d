from django import forms
from django.db.models import Q
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from projects.constants import CostSharing
from projects.models import (
    FTE_MAX,
    FTE_RANGE,
    Agreement,
    Budget,
    BudgetLine,
    Decision,
    Indicator,
    Programme,
    Project,
    TariffOption,
)
from projects.selectors import programme_projects
from waw.dates import DateField, DateInput, typed_dates
from waw.money import EuroFormField


class ProgrammeForm(forms.ModelForm):
    class Meta:
        formfield_callback = typed_dates
        model = Programme
        fields = [
            "name",
            "slug",
            "start_date",
            "end_date",
            "description",
            "target_trajectories",
            "target_training_trajectories",
            "target_to_work",
            "targets_source",
        ]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}


class ProjectForm(forms.ModelForm):
    aliases = forms.CharField(
        label=_("Andere namen"),
        required=False,
        help_text=_("Gescheiden door komma's, bijvoorbeeld een oude naam van het project."),
    )

    class Meta:
        formfield_callback = typed_dates
        model = Project
        fields = [
            "name",
            "slug",
            "programme",
            "category",
            "project_type",
            "provider",
            "description",
            "duration",
            "expected_months",
            "status",
            "takes_participants",
            "success_criterion",
            "is_training",
            "start_date",
            "end_date",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"slug": _("Laat leeg: dan wordt hij uit de naam gemaakt.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        if self.instance.pk:
            self.initial["aliases"] = ", ".join(self.instance.aliases)

    def clean_aliases(self):
        return [alias.strip() for alias in self.cleaned_data["aliases"].split(",") if alias.strip()]

    def _post_clean(self):
        self.instance.aliases = self.cleaned_data.get("aliases", [])
        super()._post_clean()


class AgreementForm(forms.ModelForm):
    class Meta:
        model = Agreement
        fields = [
            "year",
            "programme",
            "joint_project_costs",
            "estimated_participants",
            "target_trajectories",
            "target_success_rate",
            "target_text",
            "target_source",
            "notes",
            "vat_treatment",
            "cost_sharing",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        # A percentage is typed like an amount ("62,5"): the same parser.
        field_classes = {"target_success_rate": EuroFormField}

    def __init__(self, *args, **kwargs):
        from waw.models import Municipality

        super().__init__(*args, **kwargs)
        self.fields["cost_sharing"].required = False
        # Left empty: the project's programme (the service fills it in).
        self.fields["programme"].required = False
        # Billing rule 12, "vaste verdeling": one percentage per municipality.
        self.municipalities = list(Municipality.objects.order_by("name"))
        current = {}
        if self.instance.pk:
            current = dict(self.instance.cost_shares.values_list("municipality", "percentage"))
        for municipality in self.municipalities:
            # Typed the Dutch way ("62,5") or the computer way ("62.5"), as amounts are.
            self.fields[f"percentage_{municipality.pk}"] = EuroFormField(
                label=_("Vaste verdeling: aandeel %(m)s in procenten") % {"m": municipality.name},
                required=False,
                min_value=0,
                max_value=100,
                max_digits=5,
                decimal_places=2,
                initial=current.get(municipality.pk),
                widget=forms.TextInput,
            )

    def clean_cost_sharing(self):
        return self.cleaned_data.get("cost_sharing") or CostSharing.CENTRAL

    def percentages(self) -> dict:
        return {
            m: self.cleaned_data.get(f"percentage_{m.pk}")
            for m in self.municipalities
            if self.cleaned_data.get(f"percentage_{m.pk}")
        }


TariffOptionFormSet = inlineformset_factory(
    Agreement,
    TariffOption,
    fields=[
        "label",
        "price_per_participant",
        "price_from",
        "project_costs",
        "min_group_size",
        "is_default",
    ],
    widgets={"price_from": DateInput()},
    formfield_callback=typed_dates,
    extra=1,
    can_delete=True,
    # An agreement has a handful of tariff options. Without a cap a tampered TOTAL_FORMS makes
    # Django build and render up to 2,000 forms per request (seconds of work each time).
    max_num=20,
    absolute_max=20,
    validate_max=True,
)


class NewPriceForm(forms.Form):
    """Billing rule 8 in the agreement form: a price change is a new price from a date."""

    option = forms.ModelChoiceField(
        label=_("Tariefoptie"), queryset=TariffOption.objects.none(), required=False
    )
    valid_from = DateField(label=_("Geldig vanaf"), required=False)
    price = EuroFormField(
        label=_("Nieuwe prijs per deelnemer"), min_value=0, required=False, widget=forms.TextInput
    )

    def __init__(self, *args, agreement=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agreement is not None and agreement.pk:
            self.fields["option"].queryset = agreement.tariff_options.all()

    def clean(self):
        data = super().clean()
        given = [data.get(name) not in (None, "") for name in ("option", "valid_from", "price")]
        if any(given) and not all(given):
            raise forms.ValidationError(
                _("Vul voor een nieuwe prijs de optie, de datum en de prijs in.")
            )
        data["wanted"] = all(given)
        return data


class DecisionForm(forms.ModelForm):
    class Meta:
        formfield_callback = typed_dates
        model = Decision
        fields = [
            "date",
            "body",
            "decision",
            "advice",
            "project_type",
            "duration",
            "results",
            "vote",
        ]
        widgets = {
            "date": DateInput(),
            "decision": forms.Textarea(attrs={"rows": 3}),
            "advice": forms.Textarea(attrs={"rows": 3}),
            "results": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"decision": _("Besluit (eindadvies)")}


class BudgetForm(forms.ModelForm):
    class Meta:
        model = Budget
        fields = ["programme", "year", "title", "source"]


class FteFormField(EuroFormField):
    """A formation in fte, typed the Dutch way ("0,89"); the bounds are the model's."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 4)
        super().__init__(**kwargs)

    def validate(self, value):
        # Before the digit count, so "100" reads as out of range, not as too many digits.
        super().validate(value)
        if value is not None and not (0 <= value <= FTE_MAX):
            raise forms.ValidationError(FTE_RANGE, code="fte_range")


class BudgetLineForm(forms.ModelForm):
    """A line of a budget; a carry-over can only come from a budget of the year before."""

    class Meta:
        model = BudgetLine
        fields = [
            "kind",
            "nature",
            "category",
            "project",
            "planned",
            "is_pm",
            "realised",
            "formation_fte",
            "funding_source",
            "carried_over_from",
            "remark",
            "order",
        ]
        field_classes = {
            "planned": EuroFormField,
            "realised": EuroFormField,
            "formation_fte": FteFormField,
        }
        widgets = {
            "planned": forms.TextInput,
            "realised": forms.TextInput,
            "formation_fte": forms.TextInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        budget = self.instance.budget if self.instance.budget_id else None
        if budget is not None:
            self.fields["carried_over_from"].queryset = Budget.objects.filter(
                year=budget.year - 1
            ).select_related("programme")
            # A line is about one of the programme's projects in the budget's year (the
            # projects follow that year's agreements); a line's present project stays choosable.
            choices = Q(pk__in=programme_projects(programme=budget.programme_id, year=budget.year))
            if self.instance.project_id:
                choices |= Q(pk=self.instance.project_id)
            self.fields["project"].queryset = Project.objects.filter(choices)
        self.fields["carried_over_from"].label_from_instance = lambda b: f"{b} ({b.programme})"
        self.fields["project"].queryset = self.fields["project"].queryset.order_by("name")


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["name", "unit", "source"]


class IndicatorTargetForm(forms.Form):
    year = forms.IntegerField(label=_("Jaar"), min_value=2000, max_value=2100)
    target = forms.IntegerField(
        label=_("Doel (aantal in het jaar)"),
        min_value=0,
        error_messages={"invalid": _("Vul een heel getal in.")},
    )
    source = forms.CharField(label=_("Bron"), required=False, max_length=300)


class IndicatorValueForm(forms.Form):
    period = forms.ChoiceField(label=_("Halfjaar"), choices=())

    def __init__(self, *args, half_years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = half_years

    value = forms.CharField(
        label=_("Aantal in dit halfjaar"), max_length=12, help_text=_("Een heel getal, 0 of meer.")
    )
