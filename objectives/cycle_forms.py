"""Forms of the quarter's loop: a cycle's dates, a key result's final grade, an objective's
retrospective and its carry-over decision."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from objectives.models import DESCRIPTION_LENGTH, CarryOver, Objective
from okrapp.core.forms import LocalizedDecimalField
from okrapp.core.models import Cycle


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class CycleForm(forms.ModelForm):
    class Meta:
        model = Cycle
        fields = ["name", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def _post_clean(self) -> None:
        # The service validates (overlaps, dates); the form only reads the values.
        pass


class KeyResultGradeForm(forms.Form):
    final_score = LocalizedDecimalField(
        label=_("Final grade (0–100)"), max_digits=5, decimal_places=2, required=True
    )
    grade_note = forms.CharField(
        label=_("Grade note"),
        required=False,
        max_length=DESCRIPTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_final_score(self):
        value = self.cleaned_data["final_score"]
        if value is not None and not 0 <= value <= 100:
            raise forms.ValidationError(_("A grade is between 0 and 100."))
        return value


class RetrospectiveForm(forms.ModelForm):
    class Meta:
        model = Objective
        fields = ["went_well", "went_badly", "learned"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}


class CarryOverForm(forms.Form):
    """`cycles`: the cycles one may carry into, read once for a whole page of forms."""

    decision = forms.ChoiceField(
        label=_("Decision"), choices=CarryOver.Decision.choices, widget=forms.RadioSelect
    )
    cycle = forms.ChoiceField(label=_("Into cycle"), required=False)
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=DESCRIPTION_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, cycles: list[Cycle], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.cycles = {str(cycle.pk): cycle for cycle in cycles}
        self.fields["cycle"].choices = [("", "—")] + [
            (str(cycle.pk), cycle.name) for cycle in cycles
        ]

    def clean_cycle(self) -> Cycle | None:
        return self.cycles.get(self.cleaned_data.get("cycle") or "")
