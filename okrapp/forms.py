from __future__ import annotations

from django import forms

from okrapp.models import User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "language", "reminders_opt_out"]
