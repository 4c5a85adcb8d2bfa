"""Notifications are rows first, then sent; failures are kept and retried; logs never show personal data."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from kotacerdas.core import notify
from kotacerdas.core.logging import MaskPersonalDataFilter
from kotacerdas.core.messaging import ConsoleMessagingBackend, MessagingBackend
from kotacerdas.core.models import NoticeChannel, Notification


class FlakyGateway(MessagingBackend):
    calls = 0

    def send(self, channel: str, phone: str, text: str) -> None:
        FlakyGateway.calls += 1
        if FlakyGateway.calls == 1:
            raise ConnectionError("gateway down")


def test_it_writes_one_row_per_channel_and_delivers_after_commit(people, django_capture_on_commit_callbacks):
    ConsoleMessagingBackend.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify.queue(user=people.wati, subject="Aduan MRK-2026-000001 diterima", body="Terima kasih.")
    assert {r.channel for r in rows} == {NoticeChannel.EMAIL, NoticeChannel.WHATSAPP}
    assert all(Notification.objects.get(pk=r.pk).sent_at for r in rows)
    assert mail.outbox[-1].to == ["wati@contoh.id"]
    assert ConsoleMessagingBackend.sent[-1][:2] == ("whatsapp", "081234567890")


def test_it_keeps_a_failed_send_and_retries_it(db, settings):
    from kotacerdas.core import messaging

    settings.MESSAGING_BACKEND = "kotacerdas.core.tests.test_notify.FlakyGateway"
    messaging.get_backend.cache_clear()
    try:
        FlakyGateway.calls = 0
        row = Notification.objects.create(channel=NoticeChannel.SMS, address="081200000001", subject="s", body="b")
        assert notify.send(row) is False
        row.refresh_from_db()
        assert row.sent_at is None and row.attempts == 1 and "ConnectionError" in row.last_error
        assert notify.retry_unsent(now=timezone.now() + timedelta(minutes=5)) == 1
        row.refresh_from_db()
        assert row.sent_at is not None and row.attempts == 2
        assert notify.send(row) is True and FlakyGateway.calls == 2  # never sent twice
    finally:
        messaging.get_backend.cache_clear()


@pytest.mark.parametrize("message", [
    "reporter 081234567890 wrote in", "mail budi@contoh.id failed", "NIK 1271010101900001 seen",
])
def test_it_masks_personal_data_in_log_records(message):
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s", (message,), None)
    MaskPersonalDataFilter().filter(record)
    text = record.getMessage()
    for secret in ("081234567890", "budi@contoh.id", "1271010101900001"):
        assert secret not in text
