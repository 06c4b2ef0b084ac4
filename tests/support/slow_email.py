"""An email backend for a worker started by a test: each message is written to a file in
EMAIL_FILE_PATH (one file per message, named after the recipient), except that a message to
SLOW_EMAIL_TO hangs after writing `<address>.started`, as an SMTP server that never answers,
so the test can kill the worker mid-email."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        folder = Path(os.environ["EMAIL_FILE_PATH"])
        slow = os.environ.get("SLOW_EMAIL_TO", "")
        for message in email_messages:
            recipient = message.to[0]
            if recipient == slow:
                (folder / f"{recipient}.started").touch()
                time.sleep(3600)
            (folder / f"{recipient}.{uuid.uuid4().hex}.eml").write_bytes(
                message.message().as_bytes()
            )
        return len(email_messages)
