"""The dashboard's, the attention list's and the report's filters (GET forms)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from okrapp.core.forms import LargeSelect, TeamChoiceField
from okrapp.core.models import Team, User
from okrapp.core.numbers import parse_id
from okrapp.dashboard.attention import REASONS


class ScopeForm(forms.Form):
    """A team and its sub-teams, or the whole company when empty."""

    team = TeamChoiceField(label=_("Team"), required=False, empty_label=_("The whole company"))

    def scope(self):
        return self.cleaned_data.get("team") if self.is_valid() else None


class AttentionFilterForm(ScopeForm):
    owner = forms.ModelChoiceField(
        label=_("Owner"),
        queryset=User.objects.filter(is_active=True).only("pk", "display_name", "email"),
        required=False,
        empty_label=_("Everyone"),
        widget=LargeSelect,
    )
    reason = forms.ChoiceField(
        label=_("Reason"),
        required=False,
        choices=[("", _("Every reason")), *REASONS.items()],
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Thousands of people make a page of options: the list offers the people of the
        # chosen team's branch; the whole company's list is the owner already chosen, if any
        # (the attention items link each owner's name to their page).
        team = self._chosen_team()
        people = User.objects.filter(is_active=True).only("pk", "display_name", "email")
        if team is not None:
            people = people.filter(memberships__team__path__startswith=team.path).distinct()
        else:
            owner = self.data.get("owner")
            people = people.filter(pk=owner) if owner else people.none()
            self.fields["owner"].help_text = _("Choose a team to list its people.")
        self.fields["owner"].queryset = people.order_by("display_name", "pk")

    def _chosen_team(self) -> Team | None:
        pk = parse_id(self.data.get("team", "")) if self.is_bound else None
        return Team.objects.filter(pk=pk).first() if pk else None

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {
            "team": self.cleaned_data.get("team"),
            "owner": self.cleaned_data.get("owner"),
            "reason": self.cleaned_data.get("reason") or "",
        }
