from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from checkins import delivery, plausibility
from checkins.models import COMMENT_LENGTH, TEXT_LENGTH
from objectives.models import Confidence, KeyResult
from okrapp.core import numbers
from okrapp.core.forms import LocalizedDecimalField

CHECKIN_VALUE_LIMIT = Decimal("1e11")


class CheckInForm(forms.Form):
    """One check-in on one key result. A milestone asks "done?" instead of a value.

    Each row of My week carries its own prefix (kr<id>) so every field id is unique."""

    value = LocalizedDecimalField(label=_("Value"))
    done = forms.BooleanField(label=_("Done"), required=False)
    confidence = forms.ChoiceField(label=_("Confidence"), choices=Confidence.choices)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=TEXT_LENGTH)
    blockers = forms.CharField(label=_("Blockers"), required=False, max_length=TEXT_LENGTH)
    # Hidden until a value looks like a slip (checkins.plausibility); then a checkbox, or on
    # My week a "save anyway" button carrying it.
    confirm_jump = forms.BooleanField(
        label=_("Yes, this value is right: save it"), required=False, widget=forms.HiddenInput
    )

    def __init__(
        self,
        *args,
        key_result: KeyResult,
        long_text: bool = False,
        previous: Decimal | None = None,
        **kwargs,
    ):
        kwargs.setdefault("prefix", f"kr{key_result.pk}")
        super().__init__(*args, **kwargs)
        self.key_result = key_result
        # The value this check-in moves from: the key result's current one, or for a
        # correction the value before the check-in corrected.
        self.previous = key_result.current_value if previous is None else previous
        self.asks_confirmation = False
        if key_result.is_milestone:
            del self.fields["value"]
        else:
            del self.fields["done"]
            self.fields["value"].widget.attrs.update({"inputmode": "decimal", "size": 8})
        if long_text:
            for name in ("comment", "blockers"):
                self.fields[name].widget = forms.Textarea(attrs={"rows": 3})
        else:
            self.fields["comment"].widget.attrs["placeholder"] = _("What moved this week?")
            self.fields["blockers"].widget.attrs["placeholder"] = _("Anything in the way?")

    def clean_value(self):
        # Past 15 significant digits a value does not read back from every database (SQLite
        # stores a float); a confirmed jump must still be one it can read back.
        value = self.cleaned_data.get("value")
        if value is not None and abs(value) >= CHECKIN_VALUE_LIMIT:
            raise forms.ValidationError(_("This value is too large."), code="too_large")
        return value

    def clean(self):
        cleaned = super().clean()
        value = cleaned.get("value")
        if self.key_result.is_milestone or value is None or cleaned.get("confirm_jump"):
            return cleaned
        reason = plausibility.implausible_move(
            start=self.key_result.start_value,
            target=self.key_result.target_value,
            previous=self.previous,
            value=value,
        )
        if reason is not None:
            self.asks_confirmation = True
            self.fields["confirm_jump"].widget = forms.CheckboxInput()
            self.add_error("value", self._implausible_message(reason, value))
        return cleaned

    def _implausible_message(self, reason: str, value: Decimal) -> str:
        unit = self.key_result.display_unit
        values = {
            "value": numbers.format_with_unit(value, unit),
            "previous": numbers.format_with_unit(self.previous, unit),
            "target": numbers.format_with_unit(self.key_result.target_value, unit),
        }
        if reason == plausibility.PAST_TARGET:
            message = _(
                "%(value)s is far past the target (%(target)s), from %(previous)s: is it "
                "right? Correct it, or save it anyway."
            )
        else:
            message = _(
                "%(value)s goes far back from %(previous)s (target %(target)s): is it right? "
                "Correct it, or save it anyway."
            )
        return message % values

    @classmethod
    def initial_for(cls, key_result: KeyResult, checkin=None) -> dict:
        source = checkin or key_result
        value = checkin.value if checkin else key_result.current_value
        return {
            "value": value,
            "done": value == key_result.target_value,
            "confidence": source.confidence or Confidence.ON_TRACK,
            "comment": getattr(checkin, "comment", ""),
            "blockers": getattr(checkin, "blockers", ""),
        }

    def checkin_value(self) -> Decimal:
        if self.key_result.is_milestone:
            done = self.cleaned_data["done"]
            return self.key_result.target_value if done else self.key_result.start_value
        return self.cleaned_data["value"]

    def checkin_fields(self) -> dict:
        """The check-in's values, as the services take them (checkin_create, checkin_update)."""
        return {
            "value": self.checkin_value(),
            "confidence": self.cleaned_data["confidence"],
            "comment": self.cleaned_data["comment"],
            "blockers": self.cleaned_data["blockers"],
        }


class CommentForm(forms.Form):
    """A comment: plain text; `@` followed by an email address mentions that person."""

    body = forms.CharField(
        label=_("Comment"),
        max_length=COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "class": "comment-body"}),
        help_text=_("Plain text; links become clickable. Mention someone with @ and their email."),
    )

    def __init__(self, *args, prefix_id: str = "", **kwargs):
        if prefix_id:
            kwargs.setdefault("prefix", prefix_id)
        super().__init__(*args, **kwargs)


class NotificationPreferencesForm(forms.Form):
    """For each kind of event, how the person hears of it by email (in-app is always on)."""

    def __init__(self, *args, initial_choices: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in delivery.preference_kinds():
            self.fields[kind] = forms.ChoiceField(
                label=label,
                choices=delivery.email_choices(kind),
                initial=initial_choices.get(kind) or delivery.default_email(kind),
            )
