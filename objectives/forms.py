"""The objective editor (an objective and its key results on one page) and the board filters."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet, inlineformset_factory
from django.utils.translation import gettext_lazy as _

from objectives import permissions, quality
from objectives.models import Initiative, KeyResult, Objective
from objectives.selectors import parent_choices
from objectives.services import KEY_RESULT_FIELDS, default_team
from okrapp.core import numbers
from okrapp.core.forms import (
    LocalizedDecimalField,
    add_service_errors,
    error_summary,
)
from okrapp.core.models import Cycle, Team, User
from okrapp.core.permissions import Viewer
from okrapp.core.pickers import prime_label, use_picker

KEY_RESULT_PREFIX = "kr"
INDENT = "\u00a0" * 3  # kept by the browser in an <option>, unlike spaces


def team_label(team: Team) -> str:
    """A team in a list, indented by its depth under the company (no leading "· ")."""
    return INDENT * team.depth + team.name


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Team) -> str:
        return team_label(obj)


class ParentChoiceField(forms.ModelChoiceField):
    # The current parent, kept as a choice even when the editor may not see it.
    hidden_parent_id: int | None = None

    def label_from_instance(self, obj: Objective) -> str:
        if obj.pk == self.hidden_parent_id:
            return str(_("Private objective"))
        return f"{obj.title} ({obj.get_level_display()} · {obj.team.name})"


class ObjectiveForm(forms.ModelForm):
    team = TeamChoiceField(
        label=_("Team"),
        queryset=Team.objects.order_by("path"),
        required=False,
        help_text=_(
            "Company objectives belong to the company; individual ones default to the owner's team."
        ),
    )
    parent = ParentChoiceField(
        label=_("Aligned to"),
        queryset=Objective.objects.none(),
        required=False,
        empty_label=_("Not aligned"),
    )

    class Meta:
        model = Objective
        fields = ["title", "description", "level", "team", "owner", "parent", "kind", "visibility"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, viewer: Viewer, cycle: Cycle, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.viewer, self.cycle = viewer, cycle
        levels = permissions.creatable_levels(viewer)
        if self.instance.pk and self.instance.level not in levels:
            levels.append(self.instance.level)
        self.fields["level"].choices = [
            (value, label) for value, label in Objective.Level.choices if value in levels
        ]
        use_picker(self.fields["owner"], source="people", viewer=viewer)
        use_picker(self.fields["team"], source="teams", viewer=viewer)
        parents = parent_choices(viewer, cycle, exclude_pk=self.instance.pk)
        parent_id = self.instance.parent_id
        if parent_id and not permissions.can_view_objective(viewer, self.instance.parent):
            self.fields["parent"].hidden_parent_id = parent_id
            parents = Objective.objects.filter(
                Q(pk__in=parents.values("pk")) | Q(pk=parent_id)
            ).order_by("level", "team__path", "title")
        self.fields["parent"].queryset = parents.select_related("team")
        use_picker(
            self.fields["parent"],
            source="objectives",
            viewer=viewer,
            params={"cycle": cycle.pk, "exclude": self.instance.pk},
            keep_queryset=True,
            label=self.fields["parent"].label_from_instance,
        )
        self.fields["title"].widget.attrs.update({"autocomplete": "off"})

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        level, owner = data.get("level"), data.get("owner")
        if level == Objective.Level.TEAM and not data.get("team"):
            self.add_error("team", _("Choose the team this objective belongs to."))
            return data
        team = default_team(level=level, owner=owner, team=data.get("team"))
        if level and team is not None and owner is not None:
            allowed = permissions.can_edit_at_level(
                self.viewer, level=level, team=team, owner_id=owner.pk
            )
            if not allowed:
                field = "owner" if level == Objective.Level.INDIVIDUAL else "team"
                self.add_error(
                    field, _("You may not set objectives at this level for this team or person.")
                )
        return data

    def _post_clean(self) -> None:
        # The services validate the objective as a whole (alignment, team defaults);
        # only the fields themselves are checked here.
        pass


class KeyResultForm(forms.ModelForm):
    class Meta:
        model = KeyResult
        fields = list(KEY_RESULT_FIELDS)
        # Numbers typed as people write them, in French or English (okrapp.core.numbers):
        # a type=number input would drop a French decimal comma in some browsers.
        field_classes = dict.fromkeys(
            ("start_value", "target_value", "current_value", "weight"), LocalizedDecimalField
        )
        widgets = {
            "position": forms.NumberInput(attrs={"min": "0", "class": "position-input"}),
        }

    def __init__(
        self, *args, viewer: Viewer | None = None, picker_cache: dict | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        owner.required = False
        owner.empty_label = _("The objective's owner")
        # One cache for every row: the suggestions are queried once per page, and each
        # row's owner comes with the row (the formset's select_related).
        picker_cache = {} if picker_cache is None else picker_cache
        if self.instance.owner_id:
            prime_label(
                picker_cache, "people", self.instance.owner, self.instance.owner.display_name
            )
        # Fewer suggestions than elsewhere: a page holds up to 100 rows.
        use_picker(owner, source="people", viewer=viewer, cache=picker_cache, suggestions=3)
        for name in ("start_value", "target_value", "current_value", "weight", "position"):
            self.fields[name].required = False
        if self.instance.pk is None:
            # Not the model's default of 0: a decreasing key result (start 10, target 2)
            # would start at 100. Left empty, it starts at the start value.
            self.initial.pop("current_value", None)
            self.fields["current_value"].initial = None
            self.fields["current_value"].help_text = _("Left empty, it starts at the start value.")
        else:
            # Once a key result exists, its value moves by check-ins only, so the history
            # and the forecast stay true.
            self.fields["current_value"].disabled = True
            self.fields["current_value"].help_text = _("Updated by check-ins.")
        self.fields["position"].label = _("Order")
        self.fields["title"].widget.attrs.update({"autocomplete": "off"})

    def has_changed(self) -> bool:
        # Reordering renumbers positions, even of untouched empty rows: that is no change.
        return any(name not in {"position", "DELETE"} for name in self.changed_data)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("kind") == KeyResult.Kind.MILESTONE and data.get("target_value") is None:
            data["start_value"], data["target_value"] = Decimal(0), Decimal(1)
        elif data.get("target_value") is None and "target_value" not in self.errors:
            self.add_error("target_value", _("Give the target value to reach."))
        if data.get("start_value") is None:
            data["start_value"] = Decimal(0)
        if data.get("weight") is None:
            data["weight"] = Decimal(1)
        return data


class BaseKeyResultFormSet(BaseInlineFormSet):
    def get_queryset(self):
        return super().get_queryset().select_related("owner").order_by("position", "id")

    def kept_forms(self) -> list[KeyResultForm]:
        """The rows to save, in the order of their position field (then of the page)."""
        kept = [
            form
            for form in self.forms
            if not self._should_delete_form(form) and (form.instance.pk or form.has_changed())
        ]
        return sorted(
            kept,
            key=lambda form: (
                form.cleaned_data.get("position") is None,
                form.cleaned_data.get("position") or 0,
            ),
        )

    def rows(self, forms_in_order: list[KeyResultForm]) -> list[dict[str, Any]]:
        rows = []
        for form in forms_in_order:
            row = {name: form.cleaned_data.get(name) for name in KEY_RESULT_FIELDS}
            row.pop("position")
            if form.instance.pk:
                row["id"] = form.instance.pk
            rows.append(row)
        return rows


def key_result_formset(
    data=None,
    *,
    instance: Objective,
    viewer: Viewer | None,
    extra: int = 0,
    initial: list[dict] | None = None,
) -> BaseKeyResultFormSet:
    formset_class = inlineformset_factory(
        Objective,
        KeyResult,
        form=KeyResultForm,
        formset=BaseKeyResultFormSet,
        extra=extra,
        can_delete=True,
    )
    return formset_class(
        data,
        instance=instance,
        prefix=KEY_RESULT_PREFIX,
        form_kwargs={"viewer": viewer, "picker_cache": {}},
        initial=initial,
    )


def apply_service_errors(
    error: ValidationError, form: ObjectiveForm, kept: list[KeyResultForm], formset
) -> None:
    """Show a service's ValidationError beside the fields it names (see objectives.services)."""
    for key, messages in error.message_dict.items():
        if key.startswith("key_results."):
            _, index, field = key.split(".", 2)
            target = kept[int(index)]
            name = field if field in target.fields else None
            for message in messages:
                target.add_error(name, message)
        elif key == "key_results":
            formset._non_form_errors = formset.error_class(
                [*formset.non_form_errors(), *messages], error_class="nonform"
            )
        else:
            add_service_errors(form, ValidationError({key: messages}))


def _decimal(raw: str | None) -> Decimal | None:
    """The coach reads what is typed so far: not a number yet is no number, not an error."""
    try:
        return numbers.parse_decimal(raw)
    except numbers.NumberError:
        return None


MAX_ROWS = 100  # read from raw data: a tampered TOTAL_FORMS cannot make the coach loop long


def row_prefixes(data) -> list[str]:
    """The key result rows' prefixes in raw form data ("kr-0", "kr-1", …), from TOTAL_FORMS."""
    try:
        total = int(data.get(f"{KEY_RESULT_PREFIX}-TOTAL_FORMS", 0))
    except (TypeError, ValueError):
        total = 0
    return [f"{KEY_RESULT_PREFIX}-{index}" for index in range(min(total, MAX_ROWS))]


def live_row_prefixes(data) -> list[str]:
    """The key result rows on screen: every row of the form but those removed."""
    return [prefix for prefix in row_prefixes(data) if not data.get(f"{prefix}-DELETE")]


def coach_drafts(data) -> list[tuple[str, quality.KeyResultDraft]]:
    """The key result rows typed so far (prefix, draft), in their order, from raw form data;
    blank and removed rows are left out. Works on invalid data: the coach never blocks."""
    rows = []
    for index, prefix in enumerate(row_prefixes(data)):
        if data.get(f"{prefix}-DELETE"):
            continue
        title = (data.get(f"{prefix}-title") or "").strip()
        target = _decimal(data.get(f"{prefix}-target_value"))
        if not title and target is None and not data.get(f"{prefix}-id"):
            continue
        try:
            position = int(data.get(f"{prefix}-position") or index)
        except ValueError:
            position = index
        draft = quality.KeyResultDraft(
            title=title,
            target=target,
            is_milestone=data.get(f"{prefix}-kind") == KeyResult.Kind.MILESTONE,
        )
        rows.append((position, index, prefix, draft))
    rows.sort(key=lambda row: (row[0], row[1]))
    return [(prefix, draft) for _, _, prefix, draft in rows]


def coach_owner_id(data) -> int | None:
    """The owner chosen so far in raw form data, if it is an id."""
    owner_id = data.get("owner")
    return numbers.parse_id(owner_id)


def editor_data(post):
    """The editor's POST data; with "add_row" (the page without JavaScript), one more key
    result row."""
    if "add_row" not in post:
        return post
    data = post.copy()
    raw_total = data.get(f"{KEY_RESULT_PREFIX}-TOTAL_FORMS") or "0"
    # A tampered count is left as it is: the formset then reports it, no crash.
    total = numbers.parse_whole(raw_total, maximum=MAX_ROWS)
    if total is not None:
        data[f"{KEY_RESULT_PREFIX}-TOTAL_FORMS"] = str(total + 1)
    return data


def editor_initial(viewer: Viewer, query) -> dict[str, Any]:
    """A new objective's defaults, from the query string (?level=&team=&parent=): a lead's
    first thought is their team, an admin's the company, anyone else's their own."""
    level = query.get("level")
    if level not in permissions.creatable_levels(viewer):
        if viewer.lead_team_ids:
            level = Objective.Level.TEAM
        elif viewer.is_admin:
            level = Objective.Level.COMPANY
        else:
            level = Objective.Level.INDIVIDUAL
    initial = {"owner": viewer.user.pk, "level": level}
    for name in ("team", "parent"):
        if (chosen := numbers.parse_id(query.get(name))) is not None:
            initial[name] = chosen
    if "team" not in initial and viewer.lead_team_ids:
        initial["team"] = min(viewer.lead_team_ids)
    return initial


def editor_values(form: ObjectiveForm, formset: BaseKeyResultFormSet) -> dict[str, Any]:
    """The values an unbound editor shows, shaped like POST data, for the first warnings."""
    data: dict[str, Any] = {name: form[name].value() for name in ("title", "owner", "level")}
    data[f"{KEY_RESULT_PREFIX}-TOTAL_FORMS"] = len(formset.forms)
    for kr_form in formset.forms:
        for name in ("title", "target_value", "kind", "position"):
            value = kr_form[name].value()
            data[kr_form.add_prefix(name)] = "" if value is None else str(value)
        if kr_form.instance.pk:
            data[kr_form.add_prefix("id")] = kr_form.instance.pk
    return data


def editor_errors(form, formset, kr_forms) -> list[dict]:
    """The editor's errors for its summary (okrapp.core.forms.error_summary), in the order of
    the page: the objective's, the key results' as a whole, then each row's, numbered as on
    screen ("Key result 2")."""
    if not form.is_bound or "add_row" in form.data:
        return []
    errors = error_summary(form)
    errors += [
        {"anchor": "kr-rows", "label": _("Key results"), "message": message}
        for message in formset.non_form_errors()
    ]
    live = [kr_form for kr_form in kr_forms if not kr_form["DELETE"].value()]
    for number, kr_form in enumerate(live, start=1):
        row_label = _("Key result %(number)d") % {"number": number}
        errors += error_summary(kr_form, row_label=row_label)
    return errors


def rows_in_order(formset: BaseKeyResultFormSet, data) -> list[KeyResultForm]:
    """The key result rows as the person arranged them (their "Order" fields), so a page
    shown again after an error keeps the order they chose."""
    if data is None:
        return list(formset.forms)

    def position(indexed) -> tuple[int, int]:
        index, kr_form = indexed
        raw = str(data.get(kr_form.add_prefix("position")) or "")
        typed = numbers.parse_whole(raw, maximum=MAX_ROWS)
        return (index if typed is None else typed, index)

    return [kr_form for _, kr_form in sorted(enumerate(formset.forms), key=position)]


class InitiativeForm(forms.ModelForm):
    class Meta:
        model = Initiative
        fields = ["title"]
        labels = {"title": _("New initiative")}


class BoardFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    team = TeamChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("All teams"),
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Everyone"),
    )
    level = forms.ChoiceField(label=_("Level"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args, viewer: Viewer, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        use_picker(self.fields["team"], source="teams", viewer=viewer)
        use_picker(self.fields["owner"], source="people", viewer=viewer)
        self.fields["level"].choices = [("", _("All levels")), *Objective.Level.choices]
        self.fields["kind"].choices = [("", _("All kinds")), *Objective.Kind.choices]
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("Title or key result")}
        )

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {
            "team": self.cleaned_data.get("team"),
            "owner": self.cleaned_data.get("owner"),
            "level": self.cleaned_data.get("level") or "",
            "kind": self.cleaned_data.get("kind") or "",
            "q": (self.cleaned_data.get("q") or "").strip(),
        }
