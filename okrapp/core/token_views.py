"""Personal access tokens on the profile page: create one (its secret is shown once, on the
page that answers the POST, and never stored) and revoke one."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from okrapp.core.forms import ProfileForm
from okrapp.core.services import token_create, token_revoke
from okrapp.core.throttling import token_create_refused


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Token name"),
        max_length=100,
        help_text=gettext_lazy("What the token is for, e.g. “CRM export”."),
    )


@never_cache
@require_POST
def profile_token_create(request: HttpRequest) -> HttpResponse:
    token_form = TokenForm(request.POST, prefix="token")
    context = {"form": ProfileForm(instance=request.user), "token_form": token_form}
    if not token_form.is_valid():
        return render(request, "okrapp/profile.html", context, status=400)
    if token_create_refused(request):
        token_form.add_error(
            None, _("You have created too many tokens in a short time; try again later.")
        )
        return render(request, "okrapp/profile.html", context, status=429)
    token, secret = token_create(user=request.user, name=token_form.cleaned_data["name"])
    context.update(token_form=TokenForm(prefix="token"), new_token=token, new_secret=secret)
    return render(request, "okrapp/profile.html", context)


@require_POST
def profile_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(request.user.api_tokens, pk=pk)
    token_revoke(token=token)
    messages.success(request, _("The token “%(name)s” is revoked.") % {"name": token.name})
    return redirect("profile")
