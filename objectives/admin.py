"""Cycles in the Django admin, under the product's rules: a status is never typed here.

The status is read-only; it moves forward one step at a time through the same service as the
cycles page, the API and the daily task (objectives.cycle_services.cycle_move, rules in
objectives.cycles), so nothing moves a cycle backwards or skips grading. Names and dates are
checked as the cycles page checks them (no overlap); a closed cycle is read-only.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from objectives import cycle_services
from objectives import cycles as rules
from okrapp.core.models import Cycle
from okrapp.core.permissions import viewer_for


class CycleAdminForm(forms.ModelForm):
    class Meta:
        model = Cycle
        fields = ["name", "start_date", "end_date"]

    def _post_clean(self) -> None:
        super()._post_clean()
        if self.errors:
            return
        try:
            cycle_services.cycle_validate(self.instance)
        except ValidationError as error:
            self._update_errors(error)


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    form = CycleAdminForm
    list_display = ["name", "start_date", "end_date", "status"]
    list_filter = ["status"]
    search_fields = ["name"]
    readonly_fields = ["status", "grading_opened_on"]
    actions = ["move_forward", "close_cycles"]

    def get_fields(self, request, obj=None):
        return ["name", "start_date", "end_date", "status", "grading_opened_on"]

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and rules.is_read_only(obj.status):
            return False  # closed: read-only everywhere
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Only a cycle still in planning may go; one that ran is the organisation's history.
        if obj is not None and obj.status != Cycle.Status.PLANNING:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(self, request, obj: Cycle, form, change: bool) -> None:
        if not change:
            obj.status = Cycle.Status.PLANNING  # every cycle starts in planning
        super().save_model(request, obj, form, change)

    def get_changeform_initial_data(self, request):
        return {**Cycle.suggested(), **super().get_changeform_initial_data(request)}

    def _move(self, request, queryset, target_of) -> int:
        viewer = viewer_for(request.user)
        moved = 0
        for cycle in queryset.order_by("start_date"):
            target = target_of(cycle)
            try:
                if target is None:
                    raise ValidationError(cycle_services.move_refusal(cycle, Cycle.Status.CLOSED))
                cycle_services.cycle_move(viewer=viewer, cycle=cycle, target=target)
            except (ValidationError, PermissionDenied) as error:
                text = " ".join(getattr(error, "messages", [str(error)]))
                self.message_user(request, f"{cycle}: {text}", messages.ERROR)
            else:
                moved += 1
        return moved

    @admin.action(description=_("Move the selected cycles one step forward"))
    def move_forward(self, request, queryset) -> None:
        moved = self._move(request, queryset, lambda cycle: rules.next_status(cycle.status))
        self.message_user(
            request,
            ngettext(
                "%(count)d cycle moved one step forward.",
                "%(count)d cycles moved one step forward.",
                moved,
            )
            % {"count": moved},
        )

    @admin.action(description=_("Close the selected cycles and freeze their final scores"))
    def close_cycles(self, request, queryset) -> None:
        """Only a cycle in grading closes: an active one is graded first."""
        closed = self._move(
            request,
            queryset,
            lambda cycle: Cycle.Status.CLOSED if rules.may_move(cycle.status, "closed") else None,
        )
        self.message_user(
            request,
            ngettext(
                "%(count)d cycle closed; its final scores are frozen.",
                "%(count)d cycles closed; their final scores are frozen.",
                closed,
            )
            % {"count": closed},
        )
