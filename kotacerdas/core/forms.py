"""Form plumbing shared by every app: an action's ValidationError shown on the form that sent it."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def add_action_errors(form: forms.Form, exc: ValidationError, aliases: dict[str, str] | None = None) -> None:
    """Shows an action's field-keyed ValidationError next to the matching fields; keys the form has no field for
    (and an error without keys) go on top. `aliases`: an action's field names the form calls differently."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for key, messages in exc.message_dict.items():
        name = (aliases or {}).get(key, key)
        form.add_error(name if name in form.fields else None, messages)


class ActionForm(forms.Form):
    # An action's field names that are called differently on the form ("location" -> the map's lat field).
    error_aliases: dict[str, str] = {}

    def add_action_errors(self, exc: ValidationError) -> None:
        add_action_errors(self, exc, self.error_aliases)
