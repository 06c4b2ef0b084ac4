"""A form's fields drawn once per content (okrapp.core.drawings.draw_form): what the fields
show keys the drawing, so a form that shows anything else is drawn anew."""

from __future__ import annotations

import pytest
from django import forms
from django.utils import translation

from okrapp.core import drawings

pytestmark = pytest.mark.django_db

TEMPLATE = "components/form_fields.html"


class NoteForm(forms.Form):
    title = forms.CharField(label="Title", max_length=20)
    kind = forms.ChoiceField(label="Kind", choices=[("a", "Alpha"), ("b", "Beta")])


def test_the_same_fields_are_drawn_once_and_then_shared(drawn):
    first = drawings.draw_form(TEMPLATE, NoteForm(initial={"title": "Hello"}))
    second = drawings.draw_form(TEMPLATE, NoteForm(initial={"title": "Hello"}))
    assert first == second and 'value="Hello"' in first
    assert len(drawn) == 1


def test_another_value_another_choice_or_an_error_draws_the_form_anew(drawn):
    drawings.draw_form(TEMPLATE, NoteForm(initial={"title": "Hello"}))
    other_value = drawings.draw_form(TEMPLATE, NoteForm(initial={"title": "Bye"}))
    form = NoteForm(initial={"title": "Hello"})
    form.fields["kind"].choices = [("c", "Gamma")]
    other_choices = drawings.draw_form(TEMPLATE, form)
    with translation.override("en"):
        refused = drawings.draw_form(TEMPLATE, NoteForm({"title": "x" * 30, "kind": "a"}))
    assert 'value="Bye"' in other_value and "Gamma" in other_choices
    assert "at most 20 characters" in refused
    assert len(drawn) == 4


def test_each_language_has_its_drawing(drawn):
    with translation.override("fr"):
        french = drawings.draw_form(TEMPLATE, NoteForm({"kind": "a"}))
    with translation.override("en"):
        english = drawings.draw_form(TEMPLATE, NoteForm({"kind": "a"}))
    assert "Ce champ est obligatoire" in french and "This field is required" in english
    assert len(drawn) == 2


def test_values_are_escaped_in_the_shared_drawing():
    html = drawings.draw_form(TEMPLATE, NoteForm(initial={"title": '"><script>x</script>'}))
    assert "<script>" not in html
