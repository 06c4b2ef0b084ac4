from __future__ import annotations

from okrapp.core.forms import LargeSelect


def test_large_select_marks_the_chosen_option_and_escapes_labels():
    widget = LargeSelect(choices=[("", "Everyone"), (1, "Léa <Lead>"), (2, "Marc")])
    html = widget.render("owner", "1", attrs={"id": "id_owner"})
    assert html.startswith('<select name="owner" id="id_owner">') or 'id="id_owner"' in html
    assert '<option value="1" selected>Léa &lt;Lead&gt;</option>' in html
    assert '<option value="2">Marc</option>' in html
    assert '<option value="">Everyone</option>' in html


def test_large_select_without_a_value_selects_the_empty_choice():
    html = LargeSelect(choices=[("", "Everyone"), (1, "Léa")]).render("owner", None)
    assert '<option value="" selected>Everyone</option>' in html


def test_a_service_error_shows_beside_the_field_it_names_or_above_the_form():
    from django import forms as django_forms
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils import translation

    from okrapp.core.forms import add_service_errors

    class TitleForm(django_forms.Form):
        title = django_forms.CharField()

    form = TitleForm({"title": "x"})
    form.is_valid()
    with translation.override("en"):
        add_service_errors(form, ValidationError({"title": "Too short.", "cycle": "Closed."}))
        add_service_errors(form, PermissionDenied())
    assert form.errors["title"] == ["Too short."]
    assert form.non_field_errors() == ["Closed.", "You may not do this."]
