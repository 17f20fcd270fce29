"""Rotation plans: imported all or nothing, re-imports update the cohort, reminders planned."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from bot.context import Services
from bot.hr import checking
from bot.hr.imports import Applied, apply
from db.models import Rotation, RotationMessage

TEMPLATES = Path(__file__).resolve().parent.parent / "content" / "templates"
HEADER = "NIP,Unit Tujuan,Jabatan Tujuan,Jenis Jabatan Tujuan,TMT,Nomor SK,Kelompok,Alasan\n"
NIP_A, NIP_B = "198805142012031002", "199107232019022001"


def _today() -> date:
    return datetime.now(UTC).date()


async def _employees(services: Services) -> None:
    content = (TEMPLATES / "pegawai.csv").read_bytes()
    parsed = checking.parse(content, "pegawai.csv", "employees", _today())
    assert (await apply(services.sessions, parsed, 1)).inserted == 2


async def _import(services: Services, text: str) -> Applied:
    parsed = checking.parse(text.encode(), "rotasi.csv", "rotations", _today())
    return await apply(services.sessions, parsed, 1, services.planner)


def _plan(tmt_a: date, tmt_b: date) -> str:
    return (
        HEADER
        + f"{NIP_A},PROV-BPSDM,Analis SDM Aparatur Ahli Muda,Fungsional,{tmt_a},,Rotasi Uji,"
        + "Penguatan BPSDM\n"
        + f"{NIP_B},Dinas Kesehatan Kabupaten Kerinci,Pengadministrasi Perkantoran,Pelaksana,"
        + f"{tmt_b},800/1/2027,Rotasi Uji,\n"
    )


async def _rotations(services: Services) -> dict[int, Rotation]:
    async with services.sessions() as session:
        return {r.id: r for r in (await session.scalars(select(Rotation))).all()}


async def _messages(services: Services) -> list[tuple[int, str, int, date, str]]:
    async with services.sessions() as session:
        rows = await session.execute(
            select(RotationMessage.rotation_id, RotationMessage.kind,
                   RotationMessage.offset_days, RotationMessage.tmt, RotationMessage.state)
            .order_by(RotationMessage.rotation_id, RotationMessage.due_at)
        )  # fmt: skip
        return list(rows)


async def test_the_template_imports_with_every_reminder_and_check_in_planned(
    services: Services,
) -> None:
    await _employees(services)
    content = (TEMPLATES / "rotasi.csv").read_bytes()
    parsed = checking.parse(content, "rotasi.csv", "rotations", date(2026, 12, 3))
    applied = await apply(services.sessions, parsed, 1, services.planner)
    assert (applied.inserted, applied.updated, applied.errors) == (2, 0, ())
    rotations = await _rotations(services)
    assert {r.cohort for r in rotations.values()} == {"Rotasi Februari 2027"}
    kerinci = next(r for r in rotations.values() if r.sk_number is None)
    assert kerinci.to_position_type == "pelaksana"
    assert kerinci.reason
    planned = await _messages(services)
    # 30, 14, 7 and 1 days before, 30 and 90 days after, for each of the two people
    offsets = sorted((kind, offset) for _, kind, offset, _, _ in planned)
    assert offsets == sorted([("reminder", d) for d in (30, 14, 7, 1)] * 2
                             + [("checkin", d) for d in (30, 90)] * 2)  # fmt: skip


async def test_a_re_import_updates_moves_and_cancels_within_the_cohort(
    services: Services,
) -> None:
    await _employees(services)
    tmt = _today() + timedelta(days=40)
    first = await _import(services, _plan(tmt, tmt))
    again = await _import(services, _plan(tmt, tmt))
    assert (first.inserted, again.inserted, again.updated, again.cancelled) == (2, 0, 0, 0)
    before = await _messages(services)
    moved = tmt + timedelta(days=10)
    only_a = _plan(moved, tmt).splitlines(keepends=True)[:2]
    third = await _import(services, "".join(only_a))
    assert (third.inserted, third.updated, third.cancelled) == (0, 1, 1)
    rotations = await _rotations(services)
    status = {r.to_unit_id is not None and r.status for r in rotations.values()}
    assert status == {"planned", "cancelled"}
    a = next(r for r in rotations.values() if r.status == "planned")
    assert a.tmt == moved
    after = await _messages(services)
    assert before != after
    assert {m[3] for m in after if m[0] == a.id} == {moved}
    b_states = {m[4] for m in after if m[0] != a.id}
    assert b_states == {"cancelled"}


async def test_a_bad_plan_is_rejected_whole_with_a_reason_per_row(services: Services) -> None:
    await _employees(services)
    tmt = _today() + timedelta(days=40)
    bad = (
        _plan(tmt, tmt)
        + f"{NIP_A},Dinas Antah Berantah,Staf,Pelaksana,{tmt},,Rotasi Lain,\n"
        + f'{NIP_B},PROV-BKD,Staf,Kepala,31-02-2027,,Rotasi Lain,=HYPERLINK("x")\n'
        + f"{NIP_A},PROV-BKD,Staf,Pelaksana,{tmt},,,\n"
        + f"{NIP_A},PROV-BKD,Staf,Pelaksana,{tmt},,Rotasi Uji,\n"
    )
    applied = await _import(services, bad)
    reasons = {(e.row, e.column) for e in applied.errors}
    assert {(4, "unit"), (5, "position_type"), (5, "tmt"), (5, "reason"), (6, "cohort"),
            (7, "nip")} <= reasons  # fmt: skip
    assert applied.inserted == 0
    assert await _rotations(services) == {}


async def test_an_unknown_nip_rejects_the_plan(services: Services) -> None:
    await _employees(services)
    tmt = _today() + timedelta(days=40)
    text = _plan(tmt, tmt) + f"199001012015011001,PROV-BKD,Staf,Pelaksana,{tmt},,Rotasi Uji,\n"
    applied = await _import(services, text)
    assert [(e.row, e.column) for e in applied.errors] == [(4, "nip")]
    assert await _rotations(services) == {}


async def test_a_past_tmt_is_kept_with_a_warning(services: Services) -> None:
    await _employees(services)
    past, future = _today() - timedelta(days=3), _today() + timedelta(days=40)
    applied = await _import(services, _plan(past, future))
    assert applied.inserted == 2
    assert [(w.row, w.column, w.severity) for w in applied.warnings] == [(2, "tmt", "warning")]


async def test_a_plan_named_like_any_file_is_recognised_by_its_columns(
    services: Services,
) -> None:
    await _employees(services)
    tmt = _today() + timedelta(days=40)
    plan = _plan(tmt, tmt).encode()
    parsed = checking.parse(plan, "data.csv", "employees", _today(), guessed=True)
    assert parsed.kind == "rotations"
    assert parsed.errors == []
    employees = (TEMPLATES / "pegawai.csv").read_bytes()
    guess = checking.parse(employees, "data.csv", "employees", _today(), guessed=True)
    assert guess.kind == "employees"
    # Said outright (the CLI's kind argument), the kind stands: the columns are reported missing.
    stated = checking.parse(plan, "data.csv", "employees", _today())
    assert stated.kind == "employees"
    assert stated.errors
