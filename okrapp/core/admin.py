from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from okrapp.core.models import Invitation, Job, Membership, PersonalAccessToken, Team, User

# The product's name, not "Django administration".
admin.site.site_header = _("OKR & KPI — administration")
admin.site.site_title = _("OKR & KPI")
admin.site.index_title = _("Administration")


def hide_beat_tables() -> None:
    """Celery beat's tables (periodic tasks, crontabs, …) stay out of the admin unless
    ADMIN_SHOW_BEAT_TABLES: every schedule is declared in okrapp/celery.py, and an edit made
    here would be overwritten at the next start."""
    if settings.ADMIN_SHOW_BEAT_TABLES:
        return
    import django_celery_beat.admin  # noqa: F401  registers the tables, so that they can go
    from django_celery_beat import models as beat

    for model in (
        beat.PeriodicTask,
        beat.IntervalSchedule,
        beat.CrontabSchedule,
        beat.SolarSchedule,
        beat.ClockedSchedule,
    ):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


hide_beat_tables()


def hide_allauth_tables() -> None:
    """Single sign-on is configured from the environment (okrapp/core/sso.py): allauth's apps,
    tokens and email addresses are not used; the connected identities stay listed, to unlink
    one."""
    import allauth.account.admin
    import allauth.socialaccount.admin  # noqa: F401
    from allauth.account.models import EmailAddress
    from allauth.socialaccount.models import SocialApp, SocialToken

    for model in (EmailAddress, SocialApp, SocialToken):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


hide_allauth_tables()

_admin_login = admin.site.login


@login_not_required
def admin_login(request, extra_context=None):
    """The admin site's sign-in is a password sign-in: with PASSWORD_SIGNIN off, the product's
    sign-in page (single sign-on) instead."""
    from okrapp.core.sso import password_signin_enabled

    if not password_signin_enabled():
        return redirect_to_login(request.GET.get("next") or reverse("admin:index"))
    return _admin_login(request, extra_context)


admin.site.login = admin_login


class PersonMembershipFormSet(BaseInlineFormSet):
    """On a person's page: every person has exactly one primary team (their scores roll up
    there), and may belong to more teams."""

    def clean(self) -> None:
        super().clean()
        kept = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
        ]
        primaries = sum(1 for form in kept if form.cleaned_data.get("is_primary"))
        if primaries != 1:
            raise ValidationError(
                _("Choose exactly one primary team for this person (the scores roll up there).")
            )


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["team", "user"]


class PersonMembershipInline(MembershipInline):
    formset = PersonMembershipFormSet
    extra = 1


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["display_name"]
    list_display = [
        "email",
        "display_name",
        "language",
        "is_active",
        "is_staff",
        "reminders_opt_out",
    ]
    list_filter = ["is_active", "is_staff", "language", "reminders_opt_out", "memberships__team"]
    search_fields = ["email", "display_name"]
    inlines = [PersonMembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Profile"), {"fields": ("display_name", "language", "reminders_opt_out")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("email", "display_name", "password1", "password2")},
        ),
    )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["indented_name", "parent", "depth"]
    list_filter = ["depth"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline]

    @admin.display(description=_("name"), ordering="path")
    def indented_name(self, team: Team) -> str:
        return "— " * team.depth + team.name


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "role", "is_primary"]
    list_filter = ["role", "is_primary", "team"]
    search_fields = ["user__email", "user__display_name", "team__name"]
    autocomplete_fields = ["user", "team"]
    list_select_related = ["user", "team"]


@admin.register(PersonalAccessToken)
class PersonalAccessTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__email"]
    readonly_fields = ["prefix", "digest", "created_at", "last_used_at"]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Background work: what is pending, what failed and why (the sweep retries pending jobs)."""

    list_display = ["task", "status", "attempts", "created_at", "run_after", "finished_at"]
    list_filter = ["status", "task"]
    search_fields = ["task", "key"]
    readonly_fields = [field.name for field in Job._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["user", "invited_by", "created_at", "sent_at", "expires_at", "accepted_at"]
    list_filter = ["accepted_at", "revoked_at"]
    search_fields = ["user__email", "user__display_name"]
    readonly_fields = [field.name for field in Invitation._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
