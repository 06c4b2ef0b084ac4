from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from okrapp.integrations.models import WebhookEvent


class ChannelForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    url = forms.CharField(
        label=_("Apprise address"),
        max_length=2000,
        help_text=_(
            "For example slack://…, msteams://…, mmost://…, discord://…, tgram://…, json://…; "
            "it holds the channel's credentials and is never shown again in full."
        ),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    language = forms.ChoiceField(
        label=_("Language of the messages"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
    )


class EndpointForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    url = forms.CharField(
        label=_("Address"),
        max_length=500,
        help_text=_("An https:// address that receives a signed POST for each event."),
        widget=forms.URLInput(attrs={"autocomplete": "off"}),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )


class EndpointEditForm(EndpointForm):
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_("Switching it back on forgets its past failures."),
    )
