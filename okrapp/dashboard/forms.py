"""The dashboard's, the attention list's and the report's filters (GET forms)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from okrapp.core.forms import LargeSelect, TeamChoiceField
from okrapp.core.models import User
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

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {
            "team": self.cleaned_data.get("team"),
            "owner": self.cleaned_data.get("owner"),
            "reason": self.cleaned_data.get("reason") or "",
        }
