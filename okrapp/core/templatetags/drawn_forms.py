"""A form's fields drawn once per content (okrapp.core.drawings.draw_form)."""

from __future__ import annotations

from django import template

from okrapp.core import drawings

register = template.Library()


@register.simple_tag
def drawn_fields(form, template_name: str = "components/form_fields.html", **values):
    """`template_name` (by default components/form_fields.html) drawn for `form`, and for
    `values` (plain values, which key the drawing with the form's description)."""
    return drawings.draw_form(template_name, form, **values)
