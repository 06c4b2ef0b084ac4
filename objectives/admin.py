"""Cycles in the Django admin: closing one goes through the service that freezes its scores."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from objectives.services import cycle_close
from okrapp.core.models import Cycle


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["name", "start_date", "end_date", "status"]
    list_filter = ["status"]
    search_fields = ["name"]
    actions = ["close_cycles"]

    def save_model(self, request, obj: Cycle, form, change: bool) -> None:
        # Closing goes through the service, which freezes the final scores.
        closing = obj.status == Cycle.Status.CLOSED and (
            not change or "status" in form.changed_data
        )
        if closing:
            obj.status = form.initial.get("status") or Cycle.Status.ACTIVE
        super().save_model(request, obj, form, change)
        if closing:
            cycle_close(cycle=obj)

    @admin.action(description=_("Close the selected cycles and freeze their final scores"))
    def close_cycles(self, request, queryset) -> None:
        closed = sum(cycle_close(cycle=cycle) for cycle in queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d cycle closed; its final scores are frozen.",
                "%(count)d cycles closed; their final scores are frozen.",
                closed,
            )
            % {"count": closed},
        )

    def get_changeform_initial_data(self, request):
        return {**Cycle.suggested(), **super().get_changeform_initial_data(request)}
