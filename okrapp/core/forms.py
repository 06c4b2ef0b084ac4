from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from okrapp.core import numbers
from okrapp.core.models import Membership, Team, User
from okrapp.core.pickers import use_picker


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "language", "reminders_opt_out"]


class LargeSelect(forms.Select):
    """A <select> rendered in Python, for the lists that grow with the organisation (people,
    teams): one template render per option costs seconds with thousands of people."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        final_attrs["name"] = name
        chosen = {"" if value is None else str(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (str(option), mark_safe(" selected") if str(option) in chosen else "", label)
                for option, label in self.choices
            ),
        )
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


class LocalizedDecimalField(forms.CharField):
    """A number typed as people write it ("1 234,5", "1234.5", "45 %"), read by
    okrapp.core.numbers and shown in the active language. Also the form field of a model's
    DecimalField (ModelForm `field_classes`): it then keeps that field's decimal places."""

    def __init__(self, *args, max_digits=None, decimal_places=None, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        kwargs.pop("min_value", None), kwargs.pop("max_value", None), kwargs.pop("step_size", None)
        self.decimal_places = decimal_places
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return numbers.format_decimal(value, grouping=False)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            number = numbers.parse_decimal(value, english=get_language().startswith("en"))
        except numbers.NumberError as exc:
            raise ValidationError(str(exc), code="invalid") from None
        if self.decimal_places is not None:
            if number != number.quantize(Decimal(1).scaleb(-self.decimal_places)):
                raise ValidationError(
                    _("Use at most %(places)d decimal places.") % {"places": self.decimal_places},
                    code="max_decimal_places",
                )
            number = number.quantize(Decimal(1).scaleb(-self.decimal_places))
        return number

    def has_changed(self, initial, data) -> bool:
        try:
            return self.to_python(data) != (None if initial in (None, "") else Decimal(initial))
        except (ValidationError, ArithmeticError, ValueError, TypeError):
            return True


def error_summary(form: forms.BaseForm, *, row_label: str = "") -> list[dict]:
    """A refused form's errors for components/error_summary.html, in the form's order: each
    with the id of its field (the form's top for errors of the whole form), the field's
    label (prefixed with `row_label`, "Key result 2", for a formset's row) and the message."""
    errors = []
    for name, messages in form.errors.items():
        field = form.fields.get(name)
        if field is None or name == NON_FIELD_ERRORS:
            anchor, label = "error-summary", row_label
        else:
            bound = form[name]
            anchor = bound.auto_id if not field.widget.is_hidden else "error-summary"
            label = f"{row_label} · {bound.label}" if row_label else bound.label
        errors.extend({"anchor": anchor, "label": label, "message": m} for m in messages)
    return errors


def add_service_errors(form: forms.BaseForm, error: ValidationError | PermissionDenied) -> None:
    """A service's refusal on the form: each error beside the field it names when the form
    has that field, else above the form."""
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error) or _("You may not do this."))
        return
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages in error.message_dict.items():
        field = name if name in form.fields and name != NON_FIELD_ERRORS else None
        form.add_error(field, messages)


def form_status(request, *, refused: bool) -> int:
    """The status of a page showing a form: 200, or once a submission is refused (a form
    error, or a service that said no) 400 — 422 for htmx, which swaps that answer in
    (base.html's htmx config) so the errors show where the form was."""
    if not refused:
        return 200
    return 422 if getattr(request, "htmx", False) else 400


# --- The organisation's pages (admins) --------------------------------------------------------


class TeamChoiceField(forms.ModelChoiceField):
    """A team, with a picker (okrapp.core.pickers): any team, for the admins' pages."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("queryset", Team.objects.none())
        super().__init__(**kwargs)
        use_picker(self, source="teams", viewer=None)


class PersonChoiceField(forms.ModelChoiceField):
    """An active person, with a picker (okrapp.core.pickers)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("queryset", User.objects.none())
        super().__init__(**kwargs)
        use_picker(self, source="people", viewer=None)


class TeamFilterForm(forms.Form):
    """A list page's team filter: a picker, not a <select> of every team."""

    team = TeamChoiceField(label=gettext_lazy("Team"), required=False)

    def __init__(self, *args, team_id: int | None, field_id: str, viewer=None, **kwargs) -> None:
        super().__init__(*args, initial={"team": team_id}, **kwargs)
        field = self.fields["team"]
        field.empty_label = gettext_lazy("All teams")
        use_picker(field, source="teams", viewer=viewer)
        field.widget.attrs["id"] = field_id


class PersonForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("email address"), max_length=254)
    display_name = forms.CharField(label=gettext_lazy("display name"), max_length=150)
    language = forms.ChoiceField(
        label=gettext_lazy("preferred language"),
        choices=[("", "—"), *User.Language.choices],
        required=False,
    )
    is_staff = forms.BooleanField(
        label=gettext_lazy("administrator"),
        required=False,
        help_text=gettext_lazy("Administrators run the organisation: people, teams and cycles."),
    )


class PersonCreateForm(PersonForm):
    team = TeamChoiceField(label=gettext_lazy("primary team"))
    role = forms.ChoiceField(
        label=gettext_lazy("role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )
    invite = forms.BooleanField(
        label=gettext_lazy("Send an invitation"),
        required=False,
        initial=True,
        help_text=gettext_lazy("An email with a link to choose a password; it works once."),
    )


class MembershipForm(forms.Form):
    team = TeamChoiceField(label=gettext_lazy("team"))
    role = forms.ChoiceField(
        label=gettext_lazy("role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )
    is_primary = forms.BooleanField(label=gettext_lazy("primary team"), required=False)


class TeamForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("name"), max_length=150)
    parent = TeamChoiceField(label=gettext_lazy("parent team"), required=False)


class HandOverForm(forms.Form):
    successor = PersonChoiceField(label=gettext_lazy("Hand over to"))

    def __init__(self, *args, person: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        use_picker(
            self.fields["successor"], source="people", viewer=None, params={"exclude": person.pk}
        )


class OrgImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy(
            "Columns email, name, team, parent_team, role (lead or member), language (fr or en), "
            "in any order, comma- or semicolon-separated, UTF-8."
        ),
    )
    deactivate_missing = forms.BooleanField(
        label=gettext_lazy("Deactivate people missing from the file"), required=False
    )
    invite = forms.BooleanField(label=gettext_lazy("Invite the people created"), required=False)
