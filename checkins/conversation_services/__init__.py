"""Every write of the conversations: comments, reactions, nudges, notifications and their
emails. One transaction each; notifications are written after the change commits (a recorded
job, okrapp.core.jobs), once per person and event (a unique key), in bulk.

- `comments`: comment_create, comment_update, comment_delete, and where a thread lives;
- `reactions`: reaction_toggle;
- `notifications`: Event, notifications_create, what a comment or a check-in tells whom,
  the email preferences;
- `nudges`: nudge_send;
- `emails`: the immediate emails and the daily digest, each row claimed before sending;
- `events`: what the layers below announce through their hooks (made owner, grading
  opened, an invitation accepted);
- `weekly`: the weekly digest of leads and executives (content: checkins.digests).

The names below are the package's interface; callers import them from here.
"""

from __future__ import annotations

from checkins.conversation_services.comments import (
    MAX_MENTIONS,
    Written,
    comment_create,
    comment_delete,
    comment_thread,
    comment_update,
    thread_url,
)
from checkins.conversation_services.emails import digests_send, notification_email_send
from checkins.conversation_services.notifications import (
    Event,
    checkin_record_notifications,
    notifications_create,
    notify_checkin,
    notify_comment,
    preferences_set,
)
from checkins.conversation_services.nudges import nudge_send
from checkins.conversation_services.reactions import reaction_toggle
from checkins.conversation_services.weekly import weekly_digests_send

__all__ = [
    "MAX_MENTIONS",
    "Event",
    "Written",
    "checkin_record_notifications",
    "comment_create",
    "comment_delete",
    "comment_thread",
    "comment_update",
    "digests_send",
    "notification_email_send",
    "notifications_create",
    "notify_checkin",
    "notify_comment",
    "nudge_send",
    "preferences_set",
    "reaction_toggle",
    "thread_url",
    "weekly_digests_send",
]
