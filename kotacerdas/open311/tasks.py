"""Open311 background work. Thin: the task calls intake.process_token."""

from __future__ import annotations

from django_tasks import task


@task()
def create_from_token(token_id: int) -> str:
    """Files the complaint of a batch-service POST; tokens/{token} shows its number from then on."""
    from kotacerdas.open311 import intake

    token = intake.process_token(token_id)
    return token.status if token is not None else "missing"
