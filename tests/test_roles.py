"""Admin roles: superadmins grant BKD/BKPSDM and OPD roles; each role reaches only its people.

The rules are tested on the services (SQLite and PostgreSQL); the dialogue through the real
Application and the fake Bot API; the operator's side through the real ``asnbot`` command.
"""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.access import SUPER, Access
from bot.career import demo
from bot.config import Config
from bot.context import Services
from bot.hr import stats
from bot.hr.roles import RoleError
from bot.maintenance import seed
from db.models import AuditEntry, Employee, TelegramLink, Unit, User
from tests.bot_harness import press, reply_to, running_bot, services
from tests.conftest import ADMIN_ID
from tests.fake_bot_api import FakeBotApi
from tests.test_cli import run

PEOPLE = demo.generate(360)
KERINCI = [p for p in PEOPLE if p.unit_code.startswith("KERINCI-")]
OTHERS = [p for p in PEOPLE if not p.unit_code.startswith("KERINCI-")]
BKD_ADMIN, OPD_ADMIN, ASN = 9001, 9002, 9003


def _unit_with_people() -> str:
    codes = [p.unit_code for p in KERINCI]
    return max(set(codes), key=codes.count)


async def test_grants_are_checked_replaced_revoked_and_audited(services: Services) -> None:
    await seed(services.sessions, 40)
    roles = services.roles
    for role, scope, key in (("lurah", "KERINCI", "roles.bad_role"),
                             ("bkd", "ATLANTIS", "roles.bad_government"),
                             ("opd", "KERINCI-NOPE", "roles.bad_unit")):  # fmt: skip
        with pytest.raises(RoleError) as caught:
            await roles.grant(ADMIN_ID, BKD_ADMIN, role, scope)
        assert caught.value.key == key
    assert await roles.grant(ADMIN_ID, BKD_ADMIN, "BKD", "kerinci") == Access("gov", "KERINCI")
    opd = await roles.grant(ADMIN_ID, BKD_ADMIN, "opd", "KERINCI-DISDIK")  # replaces the first
    assert (opd.role, opd.region_code) == ("unit", "KERINCI")
    holders = await roles.holders()
    assert [(h.user_id, h.role, h.scope) for h in holders] == [
        (BKD_ADMIN, "unit", "KERINCI-DISDIK")
    ]
    assert await roles.revoke(ADMIN_ID, BKD_ADMIN) is True
    assert await roles.revoke(ADMIN_ID, BKD_ADMIN) is False
    assert await roles.holders() == []
    async with services.sessions() as session:
        actions = [a.action for a in await session.scalars(select(AuditEntry))]
    assert actions == ["role_grant", "role_grant", "role_revoke"]


async def test_a_role_is_granted_by_the_nip_of_a_linked_account_only(services: Services) -> None:
    await seed(services.sessions, 40)
    person = demo.generate(40)[5]
    with pytest.raises(RoleError) as caught:
        await services.roles.user_id(person.nip)
    assert caught.value.key == "roles.not_linked"
    async with services.sessions() as session, session.begin():
        employee = await session.scalar(select(Employee.id).where(Employee.nip == person.nip))
        session.add(User(id=ASN, language="id"))
        await session.flush()
        session.add(TelegramLink(user_id=ASN, employee_id=employee))
    assert await services.roles.user_id(person.nip) == ASN
    assert await services.roles.user_id("  12345 ") == 12345
    with pytest.raises(RoleError):
        await services.roles.user_id("someone")


async def test_each_role_counts_and_finds_only_the_people_it_reaches(services: Services) -> None:
    await seed(services.sessions, 360)
    gov = await services.roles.grant(ADMIN_ID, BKD_ADMIN, "bkd", "KERINCI")
    unit_code = _unit_with_people()
    async with services.sessions() as session:
        unit_id = await session.scalar(select(Unit.id).where(Unit.code == unit_code))
    unit = Access("unit", "KERINCI", unit_id, unit_code)
    in_unit = [p for p in KERINCI if p.unit_code == unit_code]
    assert (await stats.overview(services.sessions, SUPER)).employees == 360
    assert (await stats.overview(services.sessions, gov)).employees == len(KERINCI)
    assert (await stats.overview(services.sessions, unit)).employees == len(in_unit)
    outsider, insider = OTHERS[0], in_unit[0]
    search = services.profiles.search
    assert await search(ADMIN_ID, outsider.name, access=gov) == []
    assert [m.nip for m in await search(ADMIN_ID, outsider.name)] == [outsider.nip]
    assert [m.nip for m in await search(ADMIN_ID, insider.name, access=unit)] == [insider.nip]
    today = services.planner.today(services.clock())
    assert await services.profiles.for_admin(ADMIN_ID, outsider.nip, today, access=unit) is None
    assert await services.profiles.for_admin(ADMIN_ID, insider.nip, today, access=unit)
    assert await services.links.issue_code(outsider.nip, BKD_ADMIN, gov) is None
    assert await services.links.issue_code(insider.nip, BKD_ADMIN, gov) is not None


async def test_a_role_reaches_only_rotations_of_its_units(services: Services) -> None:
    from bot.rotation import demo as rotation_demo

    await seed(services.sessions, 360)
    await rotation_demo.seed_cohort(services.sessions, services.planner, services.clock())
    everyone = await services.readiness_report.people()
    nowhere = Access("gov", "TEBO")  # the demo cohort moves provincial staff only
    assert everyone
    assert await services.readiness_report.people(access=nowhere) == []
    assert await services.rotations.cohorts(nowhere) == []
    async with services.sessions() as session:
        from db.models import Rotation

        first = await session.scalar(select(Rotation.id).order_by(Rotation.id))
    assert first is not None
    assert await services.rotations.cancel(first, BKD_ADMIN, nowhere) is False
    province = Access("gov", "PROV")
    assert len(await services.readiness_report.people(access=province)) == len(everyone)
    assert await services.rotations.cancel(first, BKD_ADMIN, province) is True


def _menu(api: FakeBotApi, chat: int) -> list[str]:
    key = (json.dumps({"chat_id": chat, "type": "chat"}), "")
    return [c["command"] for c in api.commands.get(key, [])]


async def test_a_superadmin_grants_and_revokes_roles_in_the_bot(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    async with running_bot(bot_config) as app:
        svc = services(app)
        await seed(svc.sessions, 360)
        granted = await reply_to(fake_api, ADMIN_ID, f"/peran beri {BKD_ADMIN} bkd KERINCI")
        assert "KERINCI" in granted.params["text"]
        assert "admin" in _menu(fake_api, BKD_ADMIN)
        assert "kesiapan" in _menu(fake_api, BKD_ADMIN)
        assert "peran" not in _menu(fake_api, BKD_ADMIN)
        assert "peran" in _menu(fake_api, ADMIN_ID)

        menu = await reply_to(fake_api, BKD_ADMIN, "/admin")
        assert "Kabupaten Kerinci" in menu.params["text"]
        assert f"Pegawai dalam basis data: {len(KERINCI)}" in menu.params["text"]
        data = [d for _, d in fake_api.buttons(menu)]
        assert "adm:pertanyaan" in data
        assert "adm:kesiapan" in data
        assert "adm:peran" not in data
        listing = await press(fake_api, BKD_ADMIN, menu, "adm:pertanyaan")
        assert "pertanyaan" in listing.params["text"].lower()
        for command in ("/peran", "/audit", "/muat_ulang"):
            refused = await reply_to(fake_api, BKD_ADMIN, command)
            assert "tidak saya kenal" in refused.params["text"]
        helped = await reply_to(fake_api, BKD_ADMIN, "/bantuan")
        assert "/kesiapan" in helped.params["text"]
        assert "/peran" not in helped.params["text"]
        assert "Kabupaten Kerinci" in helped.params["text"]

        plain = await reply_to(fake_api, ASN, "/bantuan")
        assert "/admin" not in plain.params["text"]
        assert "/profil" in plain.params["text"]
        assert "tidak saya kenal" in (await reply_to(fake_api, ASN, "/admin")).params["text"]

        revoked = await reply_to(fake_api, ADMIN_ID, f"/peran cabut {BKD_ADMIN}")
        assert str(BKD_ADMIN) in revoked.params["text"]
        assert _menu(fake_api, BKD_ADMIN) == []
        after = await reply_to(fake_api, BKD_ADMIN, "/admin")
        assert "tidak saya kenal" in after.params["text"]

        log = await reply_to(fake_api, ADMIN_ID, "/audit")
        for action in ("role_grant", "role_revoke", "/admin", "/peran"):
            assert action in log.params["text"]
        before = len(fake_api.sent(ADMIN_ID, "sendDocument"))
        await fake_api.send_text(ADMIN_ID, "/audit xlsx")
        sent = await fake_api.wait_for("sendDocument", ADMIN_ID, before + 1)
    sheet = load_workbook(BytesIO(next(iter(sent[-1].files.values())))).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][3] == "Tindakan"
    assert {r[3] for r in rows[1:]} >= {"role_grant", "role_revoke", "/admin"}


async def test_a_role_granted_before_the_first_message_counts_at_once(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    async with running_bot(bot_config) as app:
        svc = services(app)
        await seed(svc.sessions, 40)
        await svc.roles.grant(None, OPD_ADMIN, "opd", "PROV-BKD")
        first = await reply_to(fake_api, OPD_ADMIN, "/admin")
    assert "PROV-BKD" in first.params["text"]


def test_operators_grant_list_revoke_and_export_the_audit_from_the_cli(tmp_path: Path) -> None:
    granted = run(["admin", "grant", "777", "opd", "KERINCI-BKPSDM"], tmp_path)
    assert granted.returncode == 0, granted.stderr
    wrong = run(["admin", "grant", "777", "bkd", "ATLANTIS"], tmp_path)
    assert wrong.returncode == 2
    assert "unknown government" in wrong.stderr
    listed = run(["admin", "list"], tmp_path, ASNBOT_SUPERADMINS="11")
    assert "11\tsuperadmin" in listed.stdout
    assert "777\topd\tKERINCI-BKPSDM" in listed.stdout
    assert "role revoked" in run(["admin", "revoke", "777"], tmp_path).stdout
    assert "777" not in run(["admin", "list"], tmp_path).stdout
    exported = run(["audit", "export", str(tmp_path / "audit.xlsx")], tmp_path)
    assert exported.returncode == 0, exported.stderr
    sheet = load_workbook(tmp_path / "audit.xlsx").active
    assert sheet is not None
    actions = [r[3] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert actions == ["role_revoke", "role_grant"]  # newest first
