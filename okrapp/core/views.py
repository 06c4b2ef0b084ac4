from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from okrapp.core.forms import ProfileForm
from okrapp.core.navigation import safe_next_url


@login_not_required
@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Switch the interface language; a signed-in person's choice is remembered."""
    language = request.POST.get("language", "")
    if language not in dict(settings.LANGUAGES):
        return HttpResponse(status=400)
    if request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])
    translation.activate(language)
    response = HttpResponseRedirect(safe_next_url(request, reverse("dashboard")))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=365 * 24 * 3600,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


def profile(request: HttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        if request.user.language:
            translation.activate(request.user.language)
        messages.success(request, _("Your profile is saved."))
        return redirect("profile")
    return render(request, "okrapp/profile.html", {"form": form})
