"""Daily settlement: parsing, matching and its edge cases; nothing is counted twice."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from rest_framework.authtoken.models import Token

from kotacerdas.core.models import AuditLog
from kotacerdas.parking import actions, selectors, settlement
from kotacerdas.parking.models import PaymentProvider, SettlementFile, SettlementLine, SettlementLineStatus

HEADER = "reference,merchant_id,amount,fee,paid_at,settlement_date\n"


def csv_for(parking: Any, rows: list[tuple[str, int]], day: date | None = None) -> bytes:
    day = day or parking.now.date()
    lines = [f"{ref},ID1021000000101,{amount},21,{parking.now.isoformat()},{day.isoformat()}" for ref, amount in rows]
    return (HEADER + "\n".join(lines) + "\n").encode()


def statuses(file: SettlementFile) -> dict[str, str]:
    return {line.reference: line.status for line in file.lines.all()}


def test_every_line_matches_its_webhook_transaction(parking: Any, people: Any) -> None:
    a, b = parking.pay(reference="A").transaction, parking.pay(reference="B").transaction

    file = actions.do_import_settlement(provider=parking.provider, data=csv_for(parking, [("A", 3000), ("B", 3000)]),
                                        filename="agg-harian.csv", actor=people.hendra)

    assert (file.lines_total, file.lines_matched, file.lines_unmatched, file.amount_total) == (2, 2, 0, 6000)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.settled and b.settled and a.settlement_line.file == file
    assert file.settlement_date == parking.now.date()
    assert AuditLog.objects.filter(action="parking.settlement_imported", actor=people.hendra).exists()


def test_reimport_of_the_same_bytes_returns_the_first_file(parking: Any) -> None:
    parking.pay(reference="A")
    data = csv_for(parking, [("A", 3000)])

    first = actions.do_import_settlement(provider=parking.provider, data=data, filename="x.csv")
    second = actions.do_import_settlement(provider=parking.provider, data=data, filename="x-lagi.csv")

    assert second.pk == first.pk
    assert SettlementFile.objects.count() == 1 and SettlementLine.objects.count() == 1


def test_line_for_unknown_reference_is_listed_unmatched(parking: Any) -> None:
    parking.pay(reference="A")

    file = actions.do_import_settlement(provider=parking.provider, data=csv_for(parking, [("A", 3000),
                                                                                          ("HANTU", 3000)]),
                                        filename="x.csv")

    assert statuses(file) == {"A": SettlementLineStatus.MATCHED, "HANTU": SettlementLineStatus.UNMATCHED}
    assert (file.lines_matched, file.lines_unmatched) == (1, 1)


def test_refused_payment_has_no_transaction_so_its_line_is_unmatched(parking: Any) -> None:
    parking.pay(reference="ASING", merchant_id="ID9999PRIBADI01")

    file = actions.do_import_settlement(provider=parking.provider, data=csv_for(parking, [("ASING", 3000)]),
                                        filename="x.csv")

    assert statuses(file) == {"ASING": SettlementLineStatus.UNMATCHED}


def test_transaction_without_a_line_stays_unmatched(parking: Any) -> None:
    parking.pay(reference="A")
    missing = parking.pay(reference="B").transaction

    actions.do_import_settlement(provider=parking.provider, data=csv_for(parking, [("A", 3000)]), filename="x.csv")

    assert list(selectors.unmatched_transactions(parking.provider, parking.now.date())) == [missing]
    assert not missing.settled


def test_amount_mismatch_links_but_does_not_settle_and_flags(parking: Any) -> None:
    tx = parking.pay(reference="A").transaction

    file = actions.do_import_settlement(provider=parking.provider, data=csv_for(parking, [("A", 2000)]),
                                        filename="x.csv")

    tx.refresh_from_db()
    assert statuses(file) == {"A": SettlementLineStatus.AMOUNT_MISMATCH}
    assert not tx.settled and actions.FLAG_SETTLEMENT_AMOUNT in tx.flags
    assert tx.settlement_line.file == file  # reached: not listed as missing from the settlement
    assert list(selectors.unmatched_transactions(parking.provider, parking.now.date())) == []
    assert (file.lines_matched, file.lines_unmatched) == (0, 1)


def test_line_for_an_already_settled_transaction_is_a_duplicate(parking: Any) -> None:
    tx = parking.pay(reference="A").transaction
    first = actions.do_import_settlement(provider=parking.provider, data=csv_for(parking, [("A", 3000)]),
                                         filename="x.csv")

    corrected = csv_for(parking, [("A", 3000), ("A", 3000)]).replace(b"21,", b"22,")  # other bytes, same line
    second = actions.do_import_settlement(provider=parking.provider, data=corrected, filename="y.csv")

    assert statuses(second) == {"A": SettlementLineStatus.DUPLICATE}
    assert [line.status for line in second.lines.all()] == [SettlementLineStatus.DUPLICATE] * 2
    tx.refresh_from_db()
    assert tx.settlement_line.file == first  # still settled once, by the first file


def test_same_reference_twice_in_one_file_settles_once(parking: Any) -> None:
    parking.pay(reference="A")

    file = actions.do_import_settlement(provider=parking.provider, data=csv_for(parking, [("A", 3000), ("A", 3000)]),
                                        filename="x.csv")

    assert [line.status for line in file.lines.all()] == [SettlementLineStatus.MATCHED,
                                                          SettlementLineStatus.DUPLICATE]
    assert file.lines_matched == 1


def test_lines_match_only_the_providers_own_webhook_transactions(parking: Any) -> None:
    parking.pay(reference="HH", channel="handheld", origin="jukir:J-001", provider=None)
    other = PaymentProvider.objects.create(code="lain", name="Lain", webhook_secret="x")
    parking.pay(reference="L", origin="lain", provider=other)

    file = actions.do_import_settlement(provider=parking.provider, data=csv_for(parking, [("HH", 3000), ("L", 3000)]),
                                        filename="x.csv")

    assert set(statuses(file).values()) == {SettlementLineStatus.UNMATCHED}


def test_bad_file_is_refused_naming_the_line_and_stores_nothing(parking: Any) -> None:
    data = (HEADER + "A,ID1,3000,0,2026-01-05T08:00:00+07:00,2026-01-05\nB,ID1,tiga,0,,2026-01-05\n").encode()

    with pytest.raises(ValidationError) as exc:
        actions.do_import_settlement(provider=parking.provider, data=data, filename="x.csv")

    assert "Baris 2" in exc.value.message_dict["file"][0]
    assert not SettlementFile.objects.exists()


def test_import_needs_a_manager(parking: Any, people: Any) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        actions.do_import_settlement(provider=parking.provider, data=csv_for(parking, []), filename="x.csv",
                                     actor=people.walikota)


def test_parse_accepts_semicolons_bom_thousand_dots_and_derives_the_date() -> None:
    data = "\ufeffreference;amount;fee;paid_at\nA;3.000;;2026-01-05T23:30:00+07:00\nB;3000,00;21;\n".encode()

    parsed = settlement.parse(data, tz="Asia/Jakarta")

    assert [(line.reference, line.amount, line.fee) for line in parsed.lines] == [("A", 3000, 0), ("B", 3000, 21)]
    assert parsed.settlement_date == date(2026, 1, 5)


@pytest.mark.parametrize(("data", "needle"), [
    (b"", "kosong"),
    (b"ref,amount\nA,1\n", "reference"),
    (b"reference,amount\nA,3000.5\n", "bulat"),
    (b"reference,amount,paid_at\nA,3000,2026-01-05T08:00:00\n", "zona"),
    (b"reference,amount,settlement_date\nA,1,2026-01-05\nB,1,2026-01-06\n", "satu tanggal"),
    (b"reference,amount\nA,1\n", "settlement_date"),
    (b"\xff\xfe", "UTF-8"),
])
def test_parse_errors_say_what_is_wrong(data: bytes, needle: str) -> None:
    with pytest.raises(settlement.SettlementError) as exc:
        settlement.parse(data, tz="Asia/Jakarta")

    assert needle in str(exc.value)


def test_classify_is_pure_and_first_line_wins() -> None:
    line = settlement.Line(1, "A", "", 3000, 0, datetime(2026, 1, 5).astimezone())
    again = settlement.Line(2, "A", "", 3000, 0, None)
    tx = settlement.TxView(7, 3000, "", False)

    assert settlement.classify([line, again], {"A": tx}) == [
        (line, SettlementLineStatus.MATCHED, 7), (again, SettlementLineStatus.DUPLICATE, None)]


def test_upload_through_the_api(parking: Any, people: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    parking.pay(reference="A")
    token, _ = Token.objects.get_or_create(user=people.hendra)
    client = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    data = csv_for(parking, [("A", 3000), ("X", 5000)])

    first = client.post("/api/v1/parking/settlements/", {"provider": "agg",
                                                         "file": SimpleUploadedFile("s.csv", data)})
    again = client.post("/api/v1/parking/settlements/", {"provider": "agg",
                                                         "file": SimpleUploadedFile("s.csv", data)})
    lines = client.get(f"/api/v1/parking/settlements/{first.json()['id']}/lines/?status=tidak_ada").json()

    assert first.status_code == 201 and first.json()["lines_matched"] == 1
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert [row["reference"] for row in lines["results"]] == ["X"]
    bad = client.post("/api/v1/parking/settlements/", {"provider": "agg",
                                                       "file": SimpleUploadedFile("s.csv", b"x,y\n1,2\n")})
    assert bad.status_code == 400 and "file" in bad.json()
