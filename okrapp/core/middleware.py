from __future__ import annotations

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as BaseLoginRequired
from django.http import HttpRequest
from django.utils import translation
from django.utils.cache import patch_cache_control


class UserLanguageMiddleware:
    """The signed-in person's stored language wins over the browser's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class LoginRequiredMiddleware(BaseLoginRequired):
    """Every page needs a signed-in person; the API answers 401 itself (DRF)."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class SecurityHeadersMiddleware:
    """What Django's SecurityMiddleware does not set.

    - `Permissions-Policy`: the browser features the product never uses are refused;
    - `Cache-Control: private, no-store` on what only the signed-in person may read (pages,
      exports) and on every API answer, so that no shared cache nor the browser's history keeps
      it after signing out. Static files never get here (whitenoise answers them first, with
      their long cache lifetime), nor does a signed-out visitor's sign-in page need it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.permissions_policy = ", ".join(
            f"{feature}=()" for feature in settings.PERMISSIONS_POLICY
        )

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", self.permissions_policy)
        # After the view: DRF puts a token's owner on request.user.
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in or request.path_info.startswith("/api/"):
            patch_cache_control(response, private=True, no_store=True)
        return response
