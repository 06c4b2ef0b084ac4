"""A fake analytics endpoint that the demo's connected KPI syncs from, served with
DEMO_ENDPOINT (on in DEBUG and under `make run`): a newcomer sees a KPI fetch its own number
with Sync now."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET


def trial_signups(day) -> int:
    """A figure that moves from day to day around the demo KPI's target (60)."""
    return 56 + (day.toordinal() * 7) % 11


@login_not_required
@require_GET
def analytics(request: HttpRequest) -> JsonResponse:
    if not settings.DEMO_ENDPOINT:
        raise Http404
    today = timezone.localdate()
    return JsonResponse(
        {"data": {"date": today.isoformat(), "trial_signups": trial_signups(today)}}
    )
