"""`{% squeeze %}…{% endsqueeze %}`: whitespace between tags becomes one newline.

For fragments repeated many times on a page (the editor's key result rows): the indentation
of the templates costs kilobytes. The browser renders the result the same way — whitespace
between tags still separates them — unlike `{% spaceless %}`, which removes it and would join
inline elements. Not for <pre> or <textarea>, whose whitespace is content.
"""

from __future__ import annotations

import re

from django import template
from django.utils.safestring import mark_safe

register = template.Library()

BETWEEN_TAGS = re.compile(r">\s+<")


class SqueezeNode(template.Node):
    def __init__(self, nodelist) -> None:
        self.nodelist = nodelist

    def render(self, context) -> str:
        return mark_safe(BETWEEN_TAGS.sub(">\n<", self.nodelist.render(context).strip()))


@register.tag
def squeeze(parser, token):
    nodelist = parser.parse(("endsqueeze",))
    parser.delete_first_token()
    return SqueezeNode(nodelist)
