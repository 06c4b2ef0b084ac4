"""A comment's text: who it mentions and how it reads as HTML. Plain values in and out.

A mention is `@` followed by a person's email address (the person picker inserts it). The text
is escaped as a whole; only links (http and https) and the mentions of known people become
markup, and nh3 cleans the result once more, so no markup a writer typed ever reaches a page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import nh3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

MENTION = re.compile(r"(?<![\w@.])@([\w.+-]+@[\w-]+(?:\.[\w-]+)+)")
LINK = re.compile(r"\bhttps?://[^\s<>\"']+[^\s<>\"'.,;:!?)\]]")
TOKEN = re.compile(f"{MENTION.pattern}|({LINK.pattern})")


def mentioned_emails(text: str) -> list[str]:
    """The email addresses mentioned, lower-cased, in order of first mention."""
    seen: dict[str, None] = {}
    for match in MENTION.finditer(text):
        seen.setdefault(match.group(1).lower(), None)
    return list(seen)


def comment_html(text: str, names: Mapping[str, str]) -> SafeString:
    """The comment as HTML: escaped, line breaks kept, links clickable, and each mention of a
    known person (email, lower-cased → display name) shown by name."""
    parts: list[str] = []
    position = 0
    for match in TOKEN.finditer(text):
        parts.append(escape(text[position : match.start()]))
        email, link = match.group(1), match.group(2)
        if link:
            parts.append(f'<a href="{escape(link)}" rel="nofollow noopener">{escape(link)}</a>')
        elif email.lower() in names:
            parts.append(f'<strong class="mention">@{escape(names[email.lower()])}</strong>')
        else:
            parts.append(escape(match.group(0)))
        position = match.end()
    parts.append(escape(text[position:]))
    html = "".join(parts).replace("\r\n", "\n").replace("\n", "<br>")
    cleaned = nh3.clean(
        html,
        tags={"a", "br", "strong"},
        attributes={"a": {"href"}, "strong": {"class"}},
        url_schemes={"http", "https"},
        link_rel="nofollow noopener",
    )
    return mark_safe(cleaned)  # escaped above, then cleaned by nh3
