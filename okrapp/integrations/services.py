"""Writes of the integrations: chat channels and webhook endpoints (rights checked inside),
the deliveries an event records, and sending each one exactly once.

Sending, for a chat message as for a webhook delivery:

1. The row is recorded in the transaction of the change that calls for it, with a job
   (okrapp.core.jobs) that offers it to the broker after the commit: a broker that is down
   costs a delay, never the request.
2. The task claims the row with a conditional UPDATE (pending and due → sending): a second
   worker, or the same job offered twice, finds it claimed and sends nothing.
3. The send happens outside any transaction; the outcome is written on the row: delivered,
   or back to pending with a delay that doubles (okrapp.integrations.signing), or given up.
4. Every minute, `deliveries_sweep` records a job for each row due again, and puts back to
   pending (logged) a row claimed by a worker that died mid-send.
"""

from __future__ import annotations

import datetime
import http.client
import json
import logging
import time
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from checkins.conversation_services import Event, notifications_create
from checkins.models import CheckIn, NotificationKind
from kpis import health
from kpis.models import KPI
from objectives.models import Objective
from okrapp.core import outbound
from okrapp.core.jobs import job_record
from okrapp.core.models import Team, User
from okrapp.core.permissions import Viewer
from okrapp.core.secrets import SecretBox
from okrapp.integrations import chat, permissions, selectors, signing
from okrapp.integrations.models import (
    ChatChannel,
    ChatMessage,
    Delivery,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)

logger = logging.getLogger(__name__)

secret_box = SecretBox(
    "INTEGRATIONS_SECRETS_KEY",
    purpose="chat channels and webhooks",
    unreadable="The secret cannot be decrypted with this key.",
    dev_label="integrations-secrets",
)

CHAT_TASK = "okrapp.integrations.tasks.send_chat_message"
WEBHOOK_TASK = "okrapp.integrations.tasks.send_webhook_delivery"
DISABLE_AFTER = datetime.timedelta(days=1)


# --- Chat channels ---------------------------------------------------------------------------


def _clean_channel_url(url: str) -> str:
    url = (url or "").strip()
    if not url:
        raise ValidationError({"url": _("Give the channel's Apprise address.")})
    if len(url) > 2000:
        raise ValidationError({"url": _("The address is too long.")})
    try:
        chat.validate(url)
        chat.hint(url)
    except chat.ChannelRefused as refused:
        raise ValidationError({"url": str(refused)}) from None
    except ValueError:
        raise ValidationError({"url": _("This is not an address Apprise can post to.")}) from None
    return url


@transaction.atomic
def channel_create(*, viewer: Viewer, team: Team, name: str, url: str, language: str):
    if not permissions.can_manage_channels(viewer, team):
        raise ValidationError(_("Only the team's leads and administrators set its channels."))
    url = _clean_channel_url(url)
    channel = ChatChannel(
        team=team,
        name=(name or "").strip()[:100],
        url_encrypted=secret_box.encrypt(url),
        url_hint=chat.hint(url),
        language=language,
        created_by=viewer.user,
    )
    channel.full_clean()
    channel.save()
    return channel


@transaction.atomic
def channel_delete(*, viewer: Viewer, channel: ChatChannel) -> None:
    if not permissions.can_manage_channels(viewer, channel.team):
        raise ValidationError(_("Only the team's leads and administrators set its channels."))
    channel.delete()


def channel_test(*, viewer: Viewer, channel: ChatChannel) -> bool:
    """Post a test message now (not through a task: the person waits for the answer)."""
    if not permissions.can_manage_channels(viewer, channel.team):
        raise ValidationError(_("Only the team's leads and administrators set its channels."))
    with translation.override(channel.language):
        title = _("Test message")
        body = _("This channel will receive the news of the team “%(team)s”.") % {
            "team": channel.team.name
        }
    try:
        return chat.send(secret_box.decrypt(channel.url_encrypted), title=title, body=body)
    except chat.ChannelRefused as refused:
        raise ValidationError(str(refused)) from None
    except Exception:
        logger.warning("Test message to chat channel %s failed", channel.pk, exc_info=True)
        return False


def chat_message_record(*, channel: ChatChannel, key: str, title: str, body: str) -> bool:
    """One message per channel per event (the unique key): False when it already exists."""
    with transaction.atomic():
        message, created = ChatMessage.objects.get_or_create(
            channel=channel,
            key=key[:200],
            defaults={"title": title[:200], "body": body, "next_attempt_at": timezone.now()},
        )
        if created:
            job_record(task=CHAT_TASK, kwargs={"message_id": message.pk}, key=_job_key(message, 0))
    return created


def _post_to_team(team_id: int | None, key: str, build) -> int:
    """Record `build()` (title, body), rendered in each channel's language, on every channel of
    the team."""
    if team_id is None:
        return 0
    count = 0
    for channel in selectors.team_channels(team_id):
        with translation.override(channel.language):
            title, body = build()
        count += chat_message_record(channel=channel, key=key, title=title, body=body)
    return count


def _chat_off_track(checkin_id: int) -> None:
    checkin = (
        CheckIn.objects.select_related("key_result__objective", "author")
        .filter(pk=checkin_id)
        .first()
    )
    if checkin is None:
        return
    objective = checkin.key_result.objective
    # A channel may reach people outside the objective's readers: private ones stay out.
    if objective.visibility != Objective.Visibility.PUBLIC:
        return
    url = selectors.absolute(reverse("checkins:key_result", args=[checkin.key_result_id]))

    def build():
        return (
            _("Key result off track"),
            _("“%(title)s” went off track (check-in by %(author)s). %(url)s")
            % {"title": checkin.key_result.title, "author": checkin.author, "url": url},
        )

    _post_to_team(objective.team_id, f"off-track:{checkin.pk}", build)


def _chat_kpi_alert(kpi_id: int, status: str) -> None:
    if status != health.RED:
        return
    kpi = KPI.objects.filter(pk=kpi_id).first()
    if kpi is None or kpi.visibility != KPI.Visibility.PUBLIC:
        return
    url = selectors.absolute(reverse("kpis:detail", args=[kpi.pk]))

    def build():
        return (
            _("KPI in alert"),
            _("The KPI “%(name)s” is in alert. %(url)s") % {"name": kpi.name, "url": url},
        )

    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    _post_to_team(kpi.team_id, f"kpi-alert:{kpi.pk}:{stamp}", build)


# --- Events ----------------------------------------------------------------------------------


def event_record(event: str, data: dict) -> None:
    """The listener of okrapp.core.hooks.event_emit, inside the change's transaction: one
    query when no endpoint listens, then a delivery (and its job) per endpoint."""
    if event in WebhookEvent.values:
        webhook_deliveries_record(event=event, ids=data)
    if event == "key_result.off_track":
        _chat_off_track(data["checkin_id"])
    elif event == "kpi.status_changed":
        _chat_kpi_alert(data["kpi_id"], data["status"])


def webhook_body(*, delivery_id: uuid.UUID, event: str, data: dict, now=None) -> str:
    now = now or timezone.now()
    payload = {"id": str(delivery_id), "timestamp": now.isoformat(), "event": event, "data": data}
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def webhook_deliveries_record(*, event: str, ids: dict) -> int:
    endpoints = selectors.subscribed_endpoints(event)
    if not endpoints:
        return 0
    data = selectors.event_data(event, ids)
    if data is None:
        return 0
    for endpoint in endpoints:
        event_id = uuid.uuid4()
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint,
            event_id=event_id,
            event=event,
            body=webhook_body(delivery_id=event_id, event=event, data=data),
            next_attempt_at=timezone.now(),
        )
        job_record(
            task=WEBHOOK_TASK, kwargs={"delivery_id": delivery.pk}, key=_job_key(delivery, 0)
        )
    return len(endpoints)


# --- Weekly posts ----------------------------------------------------------------------------


def _label(week) -> str:
    return f"{week.iso_year}-W{week.iso_week:02d}"


def weekly_posts_record(*, now: datetime.datetime | None = None) -> int:
    """Monday, after the reminders: on each team's channels, who still owes a check-in this
    week, and the team's weekly digest of the week that ended (checkins.digests). Keyed by
    the week, so running twice posts once. A few queries per team with a channel."""
    from checkins import selectors as checkin_selectors
    from checkins.digests import last_week, weekly_digest_for, weekly_digest_text
    from okrapp.core.weeks import week_of

    now = now or timezone.now()
    week = week_of(now)
    ended = last_week(now)
    count = 0
    team_ids = ChatChannel.objects.values_list("team_id", flat=True).distinct()
    for team in Team.objects.filter(pk__in=team_ids).order_by("path"):
        due = list(
            checkin_selectors.key_results_due(week)
            .filter(owner__memberships__team=team, objective__visibility="public")
            .values_list("owner__display_name", flat=True)
        )
        owners = sorted(set(due))
        url = selectors.absolute(reverse("checkins:team_week"))
        count_due = len(due)

        def reminder(owners=owners, count_due=count_due, url=url, team=team):
            if not count_due:
                body = _("Everyone in %(team)s has checked in this week. %(url)s") % {
                    "team": team.name,
                    "url": url,
                }
            else:
                body = ngettext(
                    "%(count)s key result of %(team)s awaits this week's check-in, by: "
                    "%(people)s. %(url)s",
                    "%(count)s key results of %(team)s await this week's check-in, by: "
                    "%(people)s. %(url)s",
                    count_due,
                ) % {
                    "count": count_due,
                    "team": team.name,
                    "people": ", ".join(owners),
                    "url": url,
                }
            return _("This week's check-in"), body

        count += _post_to_team(team.pk, f"weekly-reminder:{_label(week)}", reminder)
        digest = weekly_digest_for(team, ended)

        def digest_message(digest=digest, team=team):
            return (
                _("Weekly digest of %(team)s") % {"team": team.name},
                weekly_digest_text(digest),
            )

        count += _post_to_team(team.pk, f"weekly-digest:{_label(ended)}", digest_message)
    return count


# --- Webhook endpoints -----------------------------------------------------------------------


def clean_endpoint_url(url: str) -> str:
    url = (url or "").strip()
    if not url.startswith("https://") and not (
        settings.OUTBOUND_ALLOW_PRIVATE and url.startswith("http://")
    ):
        raise ValidationError({"url": _("The address must start with https://.")})
    try:
        outbound.check_url(url)
    except outbound.OutboundRefused as refused:
        raise ValidationError({"url": str(refused)}) from None
    except ValueError:  # urlsplit: "https://[nonsense"
        raise ValidationError({"url": _("Enter a valid URL.")}) from None
    return url


def _clean_events(events) -> list[str]:
    if not isinstance(events, (list, tuple)) or not events:
        raise ValidationError({"events": _("Choose at least one event.")})
    unknown = [event for event in events if event not in WebhookEvent.values]
    if unknown:
        raise ValidationError({"events": _("Unknown event.")})
    return sorted(set(events))


@transaction.atomic
def endpoint_create(*, viewer: Viewer, name: str, url: str, events) -> tuple:
    """A new endpoint and its signing secret, returned once, in clear (the page and the API
    show it once; it is stored encrypted)."""
    permissions.ensure_may_manage_webhooks(viewer)
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(
        owner=viewer.user,
        name=(name or "").strip(),
        url=clean_endpoint_url(url),
        events=_clean_events(events),
        secret_encrypted=secret_box.encrypt(secret),
    )
    endpoint.full_clean()
    endpoint.save()
    return endpoint, secret


@transaction.atomic
def endpoint_update(*, viewer: Viewer, endpoint: WebhookEndpoint, **changes) -> WebhookEndpoint:
    """Change the name, address, events, or switch it on (which forgets past failures) or
    off."""
    permissions.ensure_may_manage_webhooks(viewer)
    if "name" in changes:
        endpoint.name = (changes["name"] or "").strip()
    if "url" in changes:
        endpoint.url = clean_endpoint_url(changes["url"])
    if "events" in changes:
        endpoint.events = _clean_events(changes["events"])
    if "is_active" in changes:
        active = bool(changes["is_active"])
        if active and not endpoint.is_active:
            endpoint.failing_since, endpoint.disabled_at = None, None
        if not active and endpoint.is_active:
            endpoint.disabled_at = timezone.now()
        endpoint.is_active = active
    endpoint.full_clean()
    endpoint.save()
    return endpoint


@transaction.atomic
def endpoint_delete(*, viewer: Viewer, endpoint: WebhookEndpoint) -> None:
    permissions.ensure_may_manage_webhooks(viewer)
    endpoint.delete()


# --- Sending ---------------------------------------------------------------------------------


def _job_key(row: Delivery, attempts: int) -> str:
    """One job per attempt of a row: the row's claim, not the job, guards against twice."""
    kind = "webhook-delivery" if isinstance(row, WebhookDelivery) else "chat-message"
    return f"{kind}:{row.pk}:{attempts}"


def _claim(model: type[Delivery], pk: int) -> bool:
    """Pending and due → sending, for exactly one worker (a conditional UPDATE)."""
    now = timezone.now()
    return (
        model.objects.filter(
            pk=pk, status=Delivery.Status.PENDING, next_attempt_at__lte=now
        ).update(status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
        == 1
    )


@dataclass(frozen=True)
class Outcome:
    delivered: bool
    response_code: int | None = None
    duration_ms: int | None = None
    error: str = ""


def _finish(model: type[Delivery], row: Delivery, outcome: Outcome) -> str:
    now = timezone.now()
    fields = {
        "response_code": outcome.response_code,
        "duration_ms": outcome.duration_ms,
        "error": outcome.error[:300],
    }
    if outcome.delivered:
        status = Delivery.Status.SENT
        fields["sent_at"] = now
    elif row.attempts >= signing.MAX_ATTEMPTS:
        status = Delivery.Status.FAILED
    else:
        status = Delivery.Status.PENDING
        fields["next_attempt_at"] = now + datetime.timedelta(
            seconds=signing.retry_delay_seconds(row.attempts)
        )
    model.objects.filter(pk=row.pk, status=Delivery.Status.SENDING).update(status=status, **fields)
    return status


def _post_webhook(delivery: WebhookDelivery) -> Outcome:
    secret = secret_box.decrypt(delivery.endpoint.secret_encrypted)
    body = delivery.body.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "okr-kpi-webhooks/1",
        "X-OKR-Event": delivery.event,
        "X-OKR-Delivery": str(delivery.event_id),
        signing.SIGNATURE_HEADER: signing.signature(secret, body),
    }
    started = time.monotonic()
    try:
        answer = outbound.post(delivery.endpoint.url, body, headers)
    except outbound.OutboundRefused as refused:
        return Outcome(False, error=str(refused))
    except (OSError, http.client.HTTPException) as error:
        elapsed = int((time.monotonic() - started) * 1000)
        return Outcome(False, duration_ms=elapsed, error=f"{type(error).__name__}: {error}")
    elapsed = int((time.monotonic() - started) * 1000)
    delivered = 200 <= answer.status < 300
    return Outcome(delivered, answer.status, elapsed, "" if delivered else f"HTTP {answer.status}")


def webhook_delivery_send(*, delivery_id: int) -> str | None:
    """Claim the delivery, post it, record the outcome; None when another worker has it or
    it is not due. Safe to call any number of times."""
    if not _claim(WebhookDelivery, delivery_id):
        return None
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    if not delivery.endpoint.is_active:
        outcome = Outcome(False, error="The endpoint is switched off.")
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED, error=outcome.error
        )
        return Delivery.Status.FAILED
    outcome = _post_webhook(delivery)
    status = _finish(WebhookDelivery, delivery, outcome)
    _endpoint_health(delivery.endpoint, delivered=outcome.delivered)
    return status


def _endpoint_health(endpoint: WebhookEndpoint, *, delivered: bool) -> None:
    """A success forgets the failures; a day of nothing but failures switches the endpoint
    off and tells its admin (in the app and by email), once."""
    now = timezone.now()
    if delivered:
        WebhookEndpoint.objects.filter(pk=endpoint.pk).exclude(failing_since=None).update(
            failing_since=None
        )
        return
    WebhookEndpoint.objects.filter(pk=endpoint.pk, failing_since=None).update(failing_since=now)
    switched_off = WebhookEndpoint.objects.filter(
        pk=endpoint.pk, is_active=True, failing_since__lte=now - DISABLE_AFTER
    ).update(is_active=False, disabled_at=now)
    if switched_off:
        logger.warning("Webhook endpoint %s switched off after a day of failures", endpoint.pk)
        _tell_owner_switched_off(endpoint)


def _tell_owner_switched_off(endpoint: WebhookEndpoint) -> None:
    owner = User.objects.filter(pk=endpoint.owner_id, is_active=True).first()
    if owner is None:
        return
    with translation.override(owner.language or settings.LANGUAGE_CODE):
        message = _("The webhook “%(name)s” failed for a whole day and is switched off.") % {
            "name": endpoint.name
        }
    url = reverse("integrations:webhook", args=[endpoint.pk])
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    notifications_create(
        events=[
            Event(
                owner,
                NotificationKind.INTEGRATION,
                f"webhook-off:{endpoint.pk}:{stamp}",
                message,
                url,
            )
        ]
    )


def chat_message_send(*, message_id: int) -> str | None:
    """Claim the chat message, post it through Apprise, record the outcome."""
    if not _claim(ChatMessage, message_id):
        return None
    message = ChatMessage.objects.select_related("channel").get(pk=message_id)
    started = time.monotonic()
    try:
        delivered = chat.send(
            secret_box.decrypt(message.channel.url_encrypted),
            title=message.title,
            body=message.body,
        )
        error = "" if delivered else "The chat service refused the message."
    except chat.ChannelRefused as refused:
        delivered, error = False, str(refused)
    except Exception as failure:  # Apprise's plugins raise their own errors
        delivered, error = False, f"{type(failure).__name__}: {failure}"
    elapsed = int((time.monotonic() - started) * 1000)
    return _finish(ChatMessage, message, Outcome(delivered, None, elapsed, error))


def _lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def deliveries_sweep(*, now: datetime.datetime | None = None) -> int:
    """Every minute: a row claimed by a worker that died goes back to pending (logged: it
    may or may not have gone out), and every row due again gets its job."""
    now = now or timezone.now()
    count = 0
    for model, task, name in (
        (WebhookDelivery, WEBHOOK_TASK, "delivery_id"),
        (ChatMessage, CHAT_TASK, "message_id"),
    ):
        stuck = model.objects.filter(status=Delivery.Status.SENDING, claimed_at__lt=now - _lease())
        for pk in stuck.values_list("pk", flat=True)[:1000]:
            logger.error("%s %s was claimed by a worker that died; retrying", model.__name__, pk)
        stuck.update(status=Delivery.Status.PENDING, next_attempt_at=now)
        due = model.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=now)
        for pk, attempts in due.values_list("pk", "attempts")[:1000]:
            with transaction.atomic():
                job_record(task=task, kwargs={name: pk}, key=_job_key(model(pk=pk), attempts))
            count += 1
    return count
