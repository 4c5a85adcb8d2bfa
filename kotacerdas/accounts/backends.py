"""Log in with a username or an e-mail address (citizens remember their e-mail, staff their username)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest


class EmailOrUsernameBackend(ModelBackend):
    """ModelBackend that also accepts the account's e-mail address in the username field.

    An address shared by more than one account (possible for accounts an admin made by hand) matches none of
    them: guessing which one was meant could let one person into another's account.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        User = get_user_model()
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if not username or password is None:
            return None
        username = username.strip()
        if "@" in username and not User.objects.filter(username=username).exists():
            matches = list(User.objects.filter(email__iexact=username)[:2])
            if len(matches) != 1:
                # Same cost as a real check, so response time does not reveal which addresses have accounts.
                User().set_password(password)
                return None
            user = matches[0]
            if user.check_password(password) and self.user_can_authenticate(user):
                return user
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
