from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kpis import connectors, csvformat
from kpis.models import KPI, Measurement
from kpis.permissions import can_place_kpi
from objectives.models import Objective
from objectives.permissions import can_edit_at_level
from okrapp.core.forms import LocalizedDecimalField
from okrapp.core.models import Cycle, Team, User
from okrapp.core.permissions import Viewer
from okrapp.core.pickers import use_picker


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


SOURCE_FIELDS = {
    "url": forms.URLField(
        label=_("Web address"),
        required=False,
        max_length=2000,
        assume_scheme="https",
        help_text=_("http:// or https://; addresses of private or local networks are refused."),
    ),
    "header_name": forms.CharField(
        label=_("Header name"),
        required=False,
        max_length=100,
        help_text=_("Optional, for a token: for example Authorization."),
    ),
    "header_value": forms.CharField(
        label=_("Header value"),
        required=False,
        max_length=2000,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Kept encrypted and never shown again."),
    ),
    "value_path": forms.CharField(
        label=_("Path to the value"),
        required=False,
        max_length=300,
        help_text=_("In the JSON response, for example data.metrics[0].value (JMESPath)."),
    ),
    "date_path": forms.CharField(
        label=_("Path to the date"),
        required=False,
        max_length=300,
        help_text=_("Optional, for example data.date; without it, the day of the sync."),
    ),
    "date_column": forms.CharField(
        label=_("Date column"),
        required=False,
        max_length=100,
        help_text=_("Its name in the header, or its position (1 is the first). Default: 1."),
    ),
    "value_column": forms.CharField(
        label=_("Value column"),
        required=False,
        max_length=100,
        help_text=_("Its name in the header, or its position. Default: 2."),
    ),
    "database_url": forms.CharField(
        label=_("Database URL"),
        required=False,
        max_length=2000,
        widget=forms.PasswordInput(render_value=False),
        help_text=_(
            "postgresql://user:password@host:5432/database, for a user that may only read. "
            "Kept encrypted and never shown again."
        ),
    ),
    "query": forms.CharField(
        label=_("SQL query"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One SELECT returning (date, value) rows, run read-only."),
    ),
}
SECRET_FIELDS = ("header_value", "database_url")


class KPIForm(forms.ModelForm):
    target_value = LocalizedDecimalField(label=_("Target value"))
    alert_threshold = LocalizedDecimalField(
        label=_("Alert threshold"),
        required=False,
        help_text=_(
            "Optional. Missing the target but not beyond this value is amber; beyond it, red. "
            "Without it, any miss is red."
        ),
    )

    class Meta:
        model = KPI
        fields = [
            "name",
            "definition",
            "unit",
            "direction",
            "target_value",
            "alert_threshold",
            "data_source",
            "frequency",
            "team",
            "owner",
            "visibility",
            "source_kind",
        ]
        widgets = {"definition": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "unit": _("For example %, €, visitors."),
            "data_source": _("Where the numbers come from: CRM, web analytics, emailing tool…"),
            "frequency": _("How often it is measured; a connected KPI is synced as often."),
            "source_kind": _(
                "A connector fetches the numbers itself on the KPI's frequency; the settings "
                "below that do not belong to it are ignored."
            ),
        }

    def __init__(self, *args, viewer: Viewer, **kwargs):
        super().__init__(*args, **kwargs)
        self.viewer = viewer
        use_picker(self.fields["team"], source="kpi-teams", viewer=viewer)
        use_picker(self.fields["owner"], source="people", viewer=viewer)
        if not self.instance.pk and not self.initial.get("owner"):
            self.initial["owner"] = viewer.user.pk
        if not self.instance.pk and not self.initial.get("team"):
            # The deepest of the viewer's own teams (tree order), in one query.
            own = self.fields["team"].queryset.filter(pk__in=viewer.member_team_ids).last()
            self.initial["team"] = own.pk if own else None
        # A form that leaves it out (an older page, a script) keeps the KPI typed by hand.
        self.fields["source_kind"].required = False
        config = self.instance.source_config or {}
        for key, field in SOURCE_FIELDS.items():
            name = f"source_{key}"
            self.fields[name] = copy.deepcopy(field)
            if key in SECRET_FIELDS:
                stored_kind = self.instance.source_kind
                if self.instance.source_secret and connectors.SECRET_KEYS.get(stored_kind) == key:
                    self.fields[name].help_text = _(
                        "A value is saved (••••••••): leave blank to keep it."
                    )
            elif key in config:
                self.initial.setdefault(name, config[key])

    SOURCE_GROUPS = (
        (_("A web address: JSON or CSV"), ("url", "header_name", "header_value")),
        (_("JSON: where the value is"), ("value_path", "date_path")),
        (_("CSV: which columns"), ("date_column", "value_column")),
        (_("SQL"), ("database_url", "query")),
    )

    @property
    def main_fields(self) -> list:
        """The visible fields, the connector's settings aside (`source_groups`)."""
        return [
            field
            for field in self.visible_fields()
            if not field.name.startswith("source_") or field.name == "source_kind"
        ]

    @property
    def source_groups(self) -> list[tuple[str, list]]:
        return [
            (legend, [self[f"source_{key}"] for key in keys]) for legend, keys in self.SOURCE_GROUPS
        ]

    def clean(self):
        # The instance still holds the stored team and owner: it takes the form's values after.
        cleaned = super().clean()
        kind = cleaned.get("source_kind") or KPI.SourceKind.MANUAL
        given = {key: cleaned.pop(f"source_{key}", "") or "" for key in SOURCE_FIELDS}
        # Only the settings of the chosen kind; connectors.clean checks them.
        cleaned["source_config"] = {key: given[key] for key in connectors.FIELDS[kind]}
        team, owner = cleaned.get("team"), cleaned.get("owner")
        if (
            team
            and owner
            and not can_place_kpi(self.viewer, team=team, owner_id=owner.pk, kpi=self.instance)
        ):
            self.add_error(
                "owner",
                _("You may only own the KPIs of your team; its leads assign them to others."),
            )
        return cleaned


class KPIFromKeyResultForm(KPIForm):
    """The KPI form, prefilled from a key result; a private KPI made from a public key
    result shows its future values there, which takes a confirmation."""

    reveal_private_values = forms.BooleanField(
        label=_("Show this private KPI's values on the key result"),
        required=False,
        help_text=_("Needed when the objective is public: everyone who may see it will see them."),
    )

    def __init__(self, *args, key_result, **kwargs):
        super().__init__(*args, **kwargs)
        if key_result.objective.is_private:
            del self.fields["reveal_private_values"]


class MeasurementForm(forms.ModelForm):
    value = LocalizedDecimalField(label=_("Value"))

    class Meta:
        model = Measurement
        fields = ["period_date", "value", "note"]
        widgets = {"period_date": DateInput()}
        help_texts = {"period_date": _("The last day of the period measured.")}


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), required=False)
    text = forms.CharField(
        label=_("Or paste the rows"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 5, "placeholder": "31/01/2026;52,4;\n28/02/2026;49,8;"}
        ),
        help_text=_(
            "One row per period: date, value, optional note. Comma or semicolon; "
            "31/01/2026 or 2026-01-31; 1 234,5 or 1234.5."
        ),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload:
            if upload.size > csvformat.MAX_BYTES:
                raise ValidationError(_("The file is too large (1 MB at most)."))
            cleaned["csv"] = csvformat.decode(upload.read())
        else:
            cleaned["csv"] = cleaned.get("text", "")
        if not cleaned["csv"].strip():
            raise ValidationError(_("Choose a CSV file or paste its rows."))
        return cleaned


class ImportConfirmForm(forms.Form):
    csv = forms.CharField(widget=forms.HiddenInput, strip=False)


class KeyResultFromKPIForm(forms.Form):
    """A KPI becomes a key result: of a new objective by default (the move of a red KPI), or
    of an existing one the viewer may edit when they say so. Both or neither is a field
    error, never a silent choice."""

    NEW, EXISTING = "new", "existing"

    destination = forms.ChoiceField(
        label=_("Add the key result to"),
        choices=[
            (NEW, _("A new objective")),
            (EXISTING, _("An existing objective I may edit")),
        ],
        initial=NEW,
        widget=forms.RadioSelect,
    )
    new_objective_title = forms.CharField(
        label=_("New objective"),
        max_length=200,
        required=False,
        help_text=_("Qualitative and inspiring, without figures."),
    )
    new_objective_owner = forms.ModelChoiceField(
        label=_("Owner of the new objective"),
        queryset=User.objects.none(),
        required=False,
    )
    objective = forms.ModelChoiceField(
        label=_("Existing objective"),
        queryset=Objective.objects.none(),
        required=False,
        empty_label="—",
    )
    title = forms.CharField(label=_("Key result"), max_length=200)
    start_value = LocalizedDecimalField(
        label=_("Start value"), help_text=_("The KPI's latest value.")
    )
    target_value = LocalizedDecimalField(label=_("Target value"))
    reveal_private_values = forms.BooleanField(
        label=_("Show this private KPI's values on the key result"),
        required=False,
        help_text=_("Needed when the objective is public: everyone who may see it will see them."),
    )

    def __init__(
        self,
        *args,
        objectives: list[Objective],
        cycle: Cycle | None,
        viewer: Viewer,
        kpi: KPI,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.viewer, self.kpi, self.cycle = viewer, kpi, cycle
        self.fields["objective"].queryset = Objective.objects.filter(
            pk__in=[objective.pk for objective in objectives]
        ).order_by("level", "title")
        level, team = self.new_objective_level()
        if level == Objective.Level.INDIVIDUAL:
            # Not a lead of the KPI's team: the new objective is the viewer's own.
            del self.fields["new_objective_owner"]
        else:
            self.fields["new_objective_owner"].empty_label = None
            use_picker(
                self.fields["new_objective_owner"],
                source="kpi-objective-owners",
                viewer=viewer,
                params={"team": team.pk},
            )
            self.fields["new_objective_owner"].help_text = _("You, unless you choose someone.")
            self.initial.setdefault("new_objective_owner", viewer.user.pk)
        if not kpi.is_private:
            del self.fields["reveal_private_values"]

    def new_objective_level(self) -> tuple[str, Team]:
        """A new objective belongs to the KPI's team when the viewer may edit there, else it
        is their own individual objective in that team."""
        team = self.kpi.team
        level = Objective.Level.COMPANY if team.is_company else Objective.Level.TEAM
        if can_edit_at_level(self.viewer, level=level, team=team, owner_id=self.viewer.user.pk):
            return level, team
        return Objective.Level.INDIVIDUAL, team

    def clean(self):
        cleaned = super().clean()
        destination = cleaned.get("destination")
        title = cleaned.get("new_objective_title", "").strip()
        objective = cleaned.get("objective")
        if destination == self.NEW:
            if not title:
                self.add_error("new_objective_title", _("Give the new objective a title."))
            if objective is not None:
                self.add_error(
                    "objective",
                    _(
                        "You chose a new objective: leave this empty, or choose “An existing "
                        "objective I may edit” above."
                    ),
                )
        elif destination == self.EXISTING:
            if objective is None:
                self.add_error("objective", _("Choose the objective to add the key result to."))
            if title:
                self.add_error(
                    "new_objective_title",
                    _(
                        "You chose an existing objective: leave this empty, or choose “A new "
                        "objective” above."
                    ),
                )
        start, target = cleaned.get("start_value"), cleaned.get("target_value")
        if start is not None and target is not None and start == target:
            self.add_error("target_value", _("The target must differ from the start value."))
        return cleaned

    def key_result_fields(self) -> dict[str, Any]:
        """The arguments of services.kpi_to_key_result, once the form is valid: the objective
        chosen, or the new one to create in the cycle."""
        data = self.cleaned_data
        new_objective = None
        objective = data["objective"] if data["destination"] == self.EXISTING else None
        if objective is None:
            level, team = self.new_objective_level()
            new_objective = {
                "title": data["new_objective_title"].strip(),
                "level": level,
                "team": team,
                "cycle": self.cycle,
                "owner": data.get("new_objective_owner") or self.viewer.user,
            }
        return {
            "objective": objective,
            "new_objective": new_objective,
            "title": data["title"],
            "start_value": data["start_value"],
            "target_value": data["target_value"],
            "reveal_private_values": data.get("reveal_private_values", False),
        }


def new_objective_owners(viewer: Viewer, team: Team):
    """Who a lead may make the owner of their team's new objective: the active members of the
    team and of the teams under it (objectives.permissions.can_make_owner's rule)."""
    members = User.objects.filter(is_active=True)
    if not viewer.is_admin:
        members = members.filter(memberships__team__path__startswith=team.path)
    return (members | User.objects.filter(pk=viewer.user.pk)).distinct().order_by("display_name")
