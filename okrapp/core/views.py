from __future__ import annotations

from allauth.socialaccount.providers.openid_connect import views as oidc_views
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from okrapp.core import pickers, sso
from okrapp.core.forms import ProfileForm, form_status
from okrapp.core.navigation import safe_next_url
from okrapp.core.permissions import request_viewer
from okrapp.core.throttling import password_reset_refused, signin_email


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
    status = form_status(request, refused=request.method == "POST")
    return render(request, "okrapp/profile.html", {"form": form}, status=status)


def signin_locked_out(request: HttpRequest, original_response, credentials) -> HttpResponse:
    """django-axes' answer to a sign-in while the account or the address is locked out: the
    sign-in page again, saying why and for how long, whatever the password (and whether or
    not the account exists)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    refusal = ngettext(
        "Too many failed sign-in attempts. For your security, signing in is blocked for "
        "%(minutes)d minute; try again later, or ask an administrator to unlock your account.",
        "Too many failed sign-in attempts. For your security, signing in is blocked for "
        "%(minutes)d minutes; try again later, or ask an administrator to unlock your account.",
        minutes,
    ) % {"minutes": minutes}
    form = AuthenticationForm(request, initial={"username": signin_email(request, credentials)})
    context = {
        "form": form,
        "next": safe_next_url(request, ""),
        "signin_refused": refusal,
        **signin_context(),
    }
    response = render(request, "registration/login.html", context, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    add_never_cache_headers(response)
    return sso.allow_provider_in_form_action(response)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, with at most so many emails per address and per IP address
    (PASSWORD_RESET_RATE_*); the refusal is the same whether or not an account has the
    address."""

    def form_valid(self, form):
        if password_reset_refused(self.request, form.cleaned_data["email"]):
            form.add_error(
                None,
                _(
                    "Too many password reset requests. For your security, no more emails "
                    "are sent for now; try again later."
                ),
            )
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


password_reset = PasswordResetView.as_view()


def signin_context() -> dict:
    """What the sign-in page offers: the password form, the single sign-on button, or both."""
    enabled = sso.sso_enabled()
    return {
        "password_signin": sso.password_signin_enabled(),
        "sso_url": sso.login_url() if enabled else "",
        "sso_label": sso.button_label() if enabled else "",
    }


class SignInView(auth_views.LoginView):
    """Django's sign-in page (django-axes watches it), with the single sign-on button; with
    PASSWORD_SIGNIN off it offers only the button and refuses a password."""

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **signin_context()}

    def render_to_response(self, context, **kwargs):
        return sso.allow_provider_in_form_action(super().render_to_response(context, **kwargs))

    def post(self, request, *args, **kwargs):
        if not sso.password_signin_enabled():
            messages.error(request, _("Sign in with your company account."))
            return self.render_to_response(self.get_context_data(), status=403)
        return super().post(request, *args, **kwargs)


signin = SignInView.as_view()


def password_signin_only(view):
    """Password pages (reset, change) do not exist when only single sign-on signs in."""

    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not sso.password_signin_enabled():
            raise Http404
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__dict__.update(view.__dict__)  # keeps login_not_required
    return wrapped


@login_not_required
def sso_login(request: HttpRequest, provider_id: str) -> HttpResponse:
    """The single sign-on button posts here (allauth's OpenID Connect login, which redirects
    to the provider); a GET, from a bookmark, is the product's sign-in page, never allauth's
    confirmation page."""
    if provider_id != settings.OIDC_PROVIDER_ID or not sso.sso_enabled():
        raise Http404
    if request.method != "POST":
        next_url = safe_next_url(request, "")
        return redirect_to_login(next_url) if next_url else redirect("login")
    return oidc_views.login(request, provider_id)


@require_GET
def picker_search(request: HttpRequest, source: str) -> JsonResponse:
    """A picker's matches for what was typed (`?q=`), among what the signed-in person may
    pick (the source's own rules, as on the form): at most pickers.LIMIT, in one query."""
    found = pickers.get_source(source)
    if found is None:
        raise Http404
    results, more = pickers.search(
        found, request_viewer(request), request.GET, request.GET.get("q", "")
    )
    return JsonResponse({"results": results, "more": more})
