from __future__ import annotations

import logging

from kotacerdas.lib.pii import mask_personal_data


class MaskPersonalDataFilter(logging.Filter):
    """Masks NIK, phone numbers and e-mail addresses in every log record, whatever code wrote it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record is logged as it is
            return True
        masked = mask_personal_data(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
