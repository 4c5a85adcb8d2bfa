"""What LAPOR! receives. Built when the change happens and frozen in the outbox row.

Privacy decisions (egov-rules §9 rule 5/6, UU 27/2022 data minimisation), checked by the tests:

- Texts are the public copy (`public_title`/`public_description`, timeline messages as stored): NIK, phone numbers
  and e-mail addresses are already masked in them. The staff original never leaves.
- The pelapor block (name, e-mail, phone) goes only when the complaint is neither anonim nor rahasia. Anonim hides
  the identity from everyone outside the coordinator; for rahasia we keep it here too, because the reporter talks
  to the city through our channels and LAPOR! does not need to reach them. Both flags always travel as
  attributes (`rahasia`, `anonim`), as in LAPOR!'s own submit API (§3.5), so LAPOR! hides the report as well.
- The NIK is never sent: the old LAPOR! submit API carried no NIK, and nothing in the flow needs it.
- A later change of the flags is sent as a `flags` follow-up; turning anonim on asks LAPOR! to drop the identity.
  Turning it off sends no identity afterwards (the report went without it; the coordinator can contact LAPOR!).
"""

from __future__ import annotations

from typing import Any

from kotacerdas.complaints.models import Complaint, ComplaintEvent, EventKind
from kotacerdas.lapor.gateway import lapor_status_for
from kotacerdas.lapor.models import MessageKind
from kotacerdas.lib import pii

# Timeline entries that LAPOR! hears about once a complaint is forwarded, and as what.
FOLLOWUP_EVENTS: dict[str, str] = {
    EventKind.RESPONSE: MessageKind.FOLLOWUP,
    EventKind.RESOLVED: MessageKind.FOLLOWUP,
    EventKind.REOPENED: MessageKind.FOLLOWUP,
    EventKind.REROUTED: MessageKind.STATUS,
    EventKind.CONFIRMED: MessageKind.STATUS,
    EventKind.AUTO_CLOSED: MessageKind.STATUS,
    EventKind.MERGED: MessageKind.STATUS,
    EventKind.FLAGS: MessageKind.STATUS,
}


def shares_identity(complaint: Complaint) -> bool:
    return not complaint.is_anonim and not complaint.is_rahasia


def _pelapor(complaint: Complaint) -> dict[str, str] | None:
    if not shares_identity(complaint):
        return None
    if complaint.reporter_id:
        user = complaint.reporter
        return {"nama": user.get_full_name() or user.get_username(), "email": user.email or "",
                "telepon": getattr(user, "phone", "") or ""}
    return {"nama": complaint.reporter_name, "email": complaint.reporter_email, "telepon": complaint.reporter_phone}


def report_payload(complaint: Complaint) -> dict[str, Any]:
    """A verified complaint as LAPOR! receives it."""
    return {
        "external_id": complaint.tracking_no,  # our id on their side, as FixMyStreet keeps fixmystreet_id
        "title": complaint.public_title or pii.mask_personal_data(complaint.title),
        "content": complaint.public_description or pii.mask_personal_data(complaint.description),
        "category": complaint.category.code,
        "klasifikasi": complaint.classification,
        "channel": complaint.channel,
        "created_at": complaint.created_at.isoformat(),
        "location": {
            "lat": complaint.lat, "lon": complaint.lon, "address": pii.mask_personal_data(complaint.address),
            "kelurahan": complaint.kelurahan.code if complaint.kelurahan_id else "",
            "kecamatan": complaint.kecamatan.code if complaint.kecamatan_id else "",
        },
        "instansi": complaint.agency.name if complaint.agency_id else "",
        "status": lapor_status_for(complaint),
        "rahasia": complaint.is_rahasia,
        "anonim": complaint.is_anonim,
        "pelapor": _pelapor(complaint),
    }


def followup_payload(event: ComplaintEvent) -> dict[str, Any]:
    complaint = event.complaint
    payload: dict[str, Any] = {
        "external_id": complaint.tracking_no,
        "external_event_id": event.pk,
        "event": event.kind,
        "at": event.at.isoformat(),
        "status": lapor_status_for(complaint),
    }
    if event.kind == EventKind.FLAGS:
        payload.update(type="flags", rahasia=complaint.is_rahasia, anonim=complaint.is_anonim)
        payload.pop("status")
        return payload
    # Messages on public timeline entries are stored masked; mask again in case a caller did not.
    message = pii.mask_personal_data(event.message or "") if event.is_public else ""
    kind = FOLLOWUP_EVENTS.get(event.kind)
    if kind == MessageKind.FOLLOWUP and message:
        author = "Pelapor" if event.kind == EventKind.REOPENED else (
            complaint.agency.name if complaint.agency_id else "")
        payload.update(type="tanggapan", message=message, author=author)
    else:
        payload.update(type="status", message=message)
    return payload
