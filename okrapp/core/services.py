"""Writes on the organisation (people, teams, memberships, invitations, the org-chart import,
personal access tokens), one transaction each; the organisation's writes are for admins."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from okrapp.core import orgchart
from okrapp.core.hooks import hand_over_providers, invitation_accepted
from okrapp.core.jobs import job_record
from okrapp.core.models import Invitation, Membership, PersonalAccessToken, Team, User
from okrapp.core.permissions import Viewer, ensure_admin

TOKEN_PREFIX = "okr_"


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User, name: str) -> tuple[PersonalAccessToken, str]:
    """Create a token and return it with its secret, which is never stored (only its SHA-256:
    the secret has 256 random bits, so a fast hash is enough and lookups stay one query)."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = PersonalAccessToken(
        user=user,
        name=name.strip(),
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        digest=hash_token(secret),
    )
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def token_revoke(*, token: PersonalAccessToken) -> None:
    # Conditional UPDATE: revoking twice keeps the first revocation time.
    PersonalAccessToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token.refresh_from_db(fields=["revoked_at"])


# --- People -----------------------------------------------------------------------------------


def _normalised_email(email: str) -> str:
    return User.objects.normalize_email(email.strip()).lower()


def _refuse_taken_email(email: str, *, person: User | None = None) -> None:
    taken = User.objects.filter(email=email)
    if person is not None:
        taken = taken.exclude(pk=person.pk)
    if taken.exists():
        raise ValidationError(
            {
                "email": _("%(email)s already belongs to someone in the organisation.")
                % {"email": email}
            }
        )


@transaction.atomic
def person_create(
    *,
    viewer: Viewer,
    email: str,
    display_name: str,
    team: Team,
    role: str = Membership.Role.MEMBER,
    language: str = "",
    is_staff: bool = False,
) -> User:
    """A person with a primary team and no usable password: they choose it from an
    invitation (person_invite), or sign in with the company's identity provider."""
    ensure_admin(viewer)
    email = _normalised_email(email)
    _refuse_taken_email(email)
    person = User(email=email, display_name=display_name.strip(), language=language)
    person.is_staff = is_staff
    person.set_unusable_password()
    person.full_clean()
    person.save()
    Membership.objects.create(user=person, team=team, role=role, is_primary=True)
    return person


@transaction.atomic
def person_create_from_sign_on(*, email: str, display_name: str, team: Team, language: str) -> User:
    """A person created at their first single sign-on (OIDC_CREATE_PEOPLE): the identity
    provider vouched for the email, so no admin is involved; a member of the default team,
    with no usable password."""
    email = _normalised_email(email)
    _refuse_taken_email(email)
    person = User(email=email, display_name=(display_name.strip() or email.split("@")[0]))
    person.language = language
    person.set_unusable_password()
    person.full_clean()
    person.save()
    Membership.objects.create(user=person, team=team, role=Membership.Role.MEMBER, is_primary=True)
    return person


@transaction.atomic
def person_update(
    *,
    viewer: Viewer,
    person: User,
    email: str,
    display_name: str,
    language: str,
    is_staff: bool,
) -> User:
    ensure_admin(viewer)
    if person.pk == viewer.user.pk and not is_staff and not person.is_superuser:
        raise ValidationError({"is_staff": _("You cannot remove your own administrator right.")})
    email = _normalised_email(email)
    _refuse_taken_email(email, person=person)
    person.email, person.display_name, person.language = email, display_name.strip(), language
    person.is_staff = is_staff
    person.full_clean()
    person.save(update_fields=["email", "display_name", "language", "is_staff"])
    return person


@transaction.atomic
def membership_set(
    *, viewer: Viewer, person: User, team: Team, role: str, is_primary: bool
) -> Membership:
    """Add the person to the team, or change their role there; a new primary team takes
    over from the previous one, which stays one of their teams."""
    ensure_admin(viewer)
    if is_primary:
        Membership.objects.filter(user=person, is_primary=True).exclude(team=team).update(
            is_primary=False
        )
    membership, _created = Membership.objects.update_or_create(
        user=person, team=team, defaults={"role": role}
    )
    if is_primary and not membership.is_primary:
        membership.is_primary = True
        membership.save(update_fields=["is_primary"])
    elif not Membership.objects.filter(user=person, is_primary=True).exists():
        # Everyone has a primary team (the scores roll up there): the first one is it.
        membership.is_primary = True
        membership.save(update_fields=["is_primary"])
    return membership


@transaction.atomic
def membership_remove(*, viewer: Viewer, membership: Membership) -> None:
    ensure_admin(viewer)
    if membership.is_primary:
        raise ValidationError(
            _("This is the person's primary team: choose another primary team first.")
        )
    membership.delete()


@transaction.atomic
def person_deactivate(*, viewer: Viewer, person: User) -> None:
    """The person can no longer sign in (Django refuses inactive accounts, their sessions
    included) and leaves reminders, pickers and the team's week; their check-ins, scores and
    comments stay. Open invitations are revoked."""
    ensure_admin(viewer)
    if person.pk == viewer.user.pk:
        raise PermissionDenied(_("You cannot deactivate yourself."))
    User.objects.filter(pk=person.pk).update(is_active=False)
    Invitation.objects.filter(
        user=person, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    person.is_active = False


@transaction.atomic
def person_reactivate(*, viewer: Viewer, person: User) -> None:
    ensure_admin(viewer)
    User.objects.filter(pk=person.pk).update(is_active=True)
    person.is_active = True


@transaction.atomic
def person_hand_over(*, viewer: Viewer, person: User, successor: User) -> int:
    """Everything the person still owns in open cycles (the providers of
    okrapp.core.hooks) now belongs to the successor, in one step."""
    ensure_admin(viewer)
    if successor.pk == person.pk or not successor.is_active:
        raise ValidationError({"successor": _("Choose another active person.")})
    return sum(
        provider.hand_over(person, successor, viewer.user) for provider in hand_over_providers()
    )


# --- Teams ------------------------------------------------------------------------------------


def _save_team(team: Team) -> Team:
    team.full_clean()
    team.save()
    return team


@transaction.atomic
def team_create(*, viewer: Viewer, name: str, parent: Team) -> Team:
    ensure_admin(viewer)
    return _save_team(Team(name=name.strip(), parent=parent))


@transaction.atomic
def team_update(*, viewer: Viewer, team: Team, name: str, parent: Team | None) -> Team:
    """Rename or move a team (with its subtree); a team under itself is refused."""
    ensure_admin(viewer)
    if team.is_company and parent is not None:
        raise ValidationError({"parent": _("The company stays the root of the organisation.")})
    if not team.is_company and parent is None:
        raise ValidationError({"parent": _("Choose the team this one belongs to.")})
    team.name, team.parent = name.strip(), parent
    return _save_team(team)


@transaction.atomic
def team_delete(*, viewer: Viewer, team: Team) -> None:
    """Only an empty team goes: no sub-team, no member, nothing that belongs to it."""
    ensure_admin(viewer)
    attached = Counter()
    attached[str(Team._meta.verbose_name_plural)] = team.children.count()
    attached[str(Membership._meta.verbose_name_plural)] = team.memberships.count()
    if not any(attached.values()):
        try:
            with transaction.atomic():
                team.delete()
            return
        except ProtectedError as error:
            attached.update(str(obj._meta.verbose_name_plural) for obj in error.protected_objects)
    raise ValidationError(
        _("This team cannot be deleted while it still has: %(attached)s.")
        % {"attached": ", ".join(f"{label} ({n})" for label, n in attached.items() if n)}
    )


# --- Invitations ------------------------------------------------------------------------------

INVITATION_SALT = "okrapp.invitation"


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps([invitation.pk, invitation.nonce], salt=INVITATION_SALT)


def invitation_from_token(token: str) -> Invitation | None:
    """The invitation a link names, while it is usable (open, latest link, not expired)."""
    try:
        pk, nonce = signing.loads(token, salt=INVITATION_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    invitation = (
        Invitation.objects.filter(pk=pk, nonce=nonce).select_related("user").first()
        if isinstance(pk, int) and isinstance(nonce, str)
        else None
    )
    if invitation is None or not invitation.is_usable() or not invitation.user.is_active:
        return None
    return invitation


def _send(invitation: Invitation) -> None:
    """The email goes out after the commit, once per link (the job's key)."""
    invitation.nonce = secrets.token_hex(16)
    invitation.expires_at = timezone.now() + datetime.timedelta(days=settings.INVITATION_DAYS)
    invitation.save(update_fields=["nonce", "expires_at"])
    job_record(
        task="okrapp.core.tasks.send_invitation",
        kwargs={"invitation_id": invitation.pk, "nonce": invitation.nonce},
        key=f"invitation:{invitation.pk}:{invitation.nonce}",
    )


@transaction.atomic
def person_invite(*, viewer: Viewer, person: User) -> Invitation:
    """Invite someone already in the organisation who has not chosen a password."""
    ensure_admin(viewer)
    if person.has_usable_password() or person.last_login is not None:
        raise ValidationError(
            _("%(email)s already signs in: no invitation is needed.") % {"email": person.email}
        )
    if Invitation.objects.filter(
        user=person, accepted_at__isnull=True, revoked_at__isnull=True
    ).exists():
        raise ValidationError(
            _("%(email)s already has a pending invitation: resend it instead.")
            % {"email": person.email}
        )
    invitation = Invitation(user=person, invited_by=viewer.user, expires_at=timezone.now())
    invitation.save()
    _send(invitation)
    return invitation


@transaction.atomic
def invitation_create(
    *,
    viewer: Viewer,
    email: str,
    display_name: str,
    team: Team,
    role: str = Membership.Role.MEMBER,
    language: str = "",
) -> Invitation:
    """The person joins the organisation now, without a password, and receives a link to
    choose one. An email that is already someone's is refused."""
    person = person_create(
        viewer=viewer,
        email=email,
        display_name=display_name,
        team=team,
        role=role,
        language=language,
    )
    return person_invite(viewer=viewer, person=person)


@transaction.atomic
def invitation_resend(*, viewer: Viewer, invitation: Invitation) -> Invitation:
    """A new link, valid from now; the previous link stops working."""
    ensure_admin(viewer)
    if not invitation.is_open:
        raise ValidationError(_("This invitation is no longer pending."))
    _send(invitation)
    return invitation


@transaction.atomic
def invitation_revoke(*, viewer: Viewer, invitation: Invitation) -> None:
    """The link stops working; a person who never signed in is deactivated with it."""
    ensure_admin(viewer)
    revoked = Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    if revoked and invitation.user.last_login is None and not invitation.user.has_usable_password():
        User.objects.filter(pk=invitation.user_id).update(is_active=False)
    invitation.refresh_from_db()


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password: str) -> User:
    """Single use: the conditional UPDATE lets one acceptance through, even two at once."""
    accepted = Invitation.objects.filter(
        pk=invitation.pk,
        nonce=invitation.nonce,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).update(accepted_at=timezone.now())
    if not accepted:
        raise ValidationError(_("This invitation link has expired or was already used."))
    person = invitation.user
    person.set_password(password)
    person.save(update_fields=["password"])
    invitation_accepted(invitation)  # the admin who sent it hears of it (checkins)
    return person


# --- The org-chart import ---------------------------------------------------------------------


@dataclass
class ImportResult:
    plan: orgchart.Plan
    written: bool = False
    invited: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[tuple[int, str]]:
        return self.plan.errors

    @property
    def counts(self) -> dict[str, int]:
        return {action: self.plan.count(action) for action in ("create", "change", "unchanged")}

    def as_dict(self) -> dict:
        plan = self.plan
        return {
            "written": self.written,
            "created": [p.email for p in plan.people if p.action == "create"],
            "changed": [
                {"email": p.email, "line": p.line, "changes": p.changes}
                for p in plan.people
                if p.action == "change"
            ],
            "unchanged": [p.email for p in plan.people if p.action == "unchanged"],
            "new_teams": [{"name": name, "parent": parent} for name, parent in plan.new_teams],
            "moved_teams": [{"name": name, "parent": parent} for name, parent in plan.moved_teams],
            "deactivated": plan.deactivated,
            "invited": self.invited,
            "errors": [{"line": line, "message": message} for line, message in plan.errors],
        }


def _organisation() -> tuple[orgchart.Organisation, dict[str, Team], dict[str, User]]:
    """The organisation as plain values for orgchart.plan_import, in three queries."""
    teams = list(Team.objects.order_by("path"))
    by_id = {team.pk: team for team in teams}
    names = Counter(team.name for team in teams)
    company = next((team for team in teams if team.parent_id is None), None)
    team_parents = {
        team.name: (
            ""
            if team.parent_id is None or team.parent_id == company.pk
            else by_id[team.parent_id].name
        )
        for team in teams
        if team.parent_id is not None
    }
    people = {person.email: person for person in User.objects.all()}
    roles: dict[int, dict[str, str]] = {}
    primary: dict[int, str] = {}
    for user_id, team_id, role, is_primary in Membership.objects.values_list(
        "user_id", "team_id", "role", "is_primary"
    ):
        roles.setdefault(user_id, {})[by_id[team_id].name] = role
        if is_primary:
            primary[user_id] = by_id[team_id].name
    states = {
        email: orgchart.PersonState(
            name=person.display_name,
            language=person.language,
            is_active=person.is_active,
            primary_team=primary.get(person.pk, ""),
            roles=roles.get(person.pk, {}),
        )
        for email, person in people.items()
    }
    organisation = orgchart.Organisation(
        company=company.name if company else "",
        team_parents=team_parents,
        ambiguous_teams=frozenset(name for name, n in names.items() if n > 1),
        people=states,
    )
    return organisation, {team.name: team for team in teams}, people


def org_import(
    *,
    viewer: Viewer,
    data: bytes,
    deactivate_missing: bool = False,
    dry_run: bool = False,
    invite: bool = False,
) -> ImportResult:
    """Read the org chart (okrapp.core.orgchart), plan it against the organisation and, unless
    it has errors or this is a dry run, apply every row in one transaction. Importing the
    same file twice changes nothing the second time."""
    ensure_admin(viewer)
    chart = orgchart.parse_chart(data)
    with transaction.atomic():
        organisation, teams, people = _organisation()
        if not organisation.company:
            chart.errors.append((0, _("Create the company (the root team) first.")))
        plan = orgchart.plan_import(
            chart,
            organisation,
            deactivate_missing=deactivate_missing,
            keep=frozenset({viewer.user.email}),
        )
        result = ImportResult(plan=plan)
        if plan.errors or dry_run:
            return result
        _apply(viewer, chart, plan, teams, people, result, invite=invite)
        result.written = True
    return result


def _apply(viewer, chart, plan, teams, people, result, *, invite: bool) -> None:
    """1. Create the new teams, parents first; move the others. 2. Create and change the
    people and their primary memberships (bulk for the new ones). 3. Deactivate the missing.
    4. Invite the new people when asked."""
    company = Team.company()
    for name, parent in plan.new_teams:
        teams[name] = _save_team(Team(name=name, parent=teams[parent] if parent else company))
    for name, parent in plan.moved_teams:
        team = teams[name]
        team.parent = teams[parent] if parent else company
        _save_team(team)
    rows = {row.email: row for row in chart.rows}
    new = [rows[p.email] for p in plan.people if p.action == "create"]
    created = []
    for row in new:
        # What set_unusable_password() stores, drawn faster: Django's draw costs half a
        # millisecond a person.
        password = UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)
        created.append(
            User(email=row.email, display_name=row.name, language=row.language, password=password)
        )
    User.objects.bulk_create(created, batch_size=1000)
    created = list(User.objects.filter(email__in=[row.email for row in new]))
    Membership.objects.bulk_create(
        [
            Membership(
                user=person,
                team=teams[rows[person.email].team],
                role=rows[person.email].role,
                is_primary=True,
            )
            for person in created
        ],
        batch_size=1000,
    )
    for outcome in plan.people:
        if outcome.action != "change":
            continue
        row, person = rows[outcome.email], people[outcome.email]
        person.display_name = row.name
        person.language = row.language or person.language
        person.is_active = True
        person.save(update_fields=["display_name", "language", "is_active"])
        team = teams[row.team]
        previous = Membership.objects.filter(user=person, is_primary=True).exclude(team=team)
        previous.delete()  # a new primary team from HR is a move, not one more team
        Membership.objects.update_or_create(
            user=person, team=team, defaults={"role": row.role, "is_primary": True}
        )
    if plan.deactivated:
        User.objects.filter(email__in=plan.deactivated).update(is_active=False)
    if invite:
        for person in created:
            person_invite(viewer=viewer, person=person)
            result.invited.append(person.email)
