"""HR's side through the real Application: a plan sent as a file, /rotasi, moving a TMT,
cancelling, /kesiapan (chart and workbook, no breakdown under 5 answers), mentors; and the
operator's CLI (reminders due, readiness export)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import select

from bot.accounts.linking import link_directly
from bot.cli import cli
from bot.config import Config
from bot.context import Services
from bot.jobs import send_due
from bot.maintenance import seed
from bot.rotation import demo
from bot.rotation.report import K_ANONYMITY
from db.models import AuditEntry, Rotation, RotationMessage
from tests.bot_harness import press, reply_to, running_bot, services
from tests.conftest import ADMIN_ID
from tests.fake_bot_api import FakeBotApi

MENTEE, MENTOR = 5201, 5202


async def _demo(svc: Services) -> None:
    await seed(svc.sessions, 360)
    assert await demo.seed_cohort(svc.sessions, svc.planner, svc.clock()) == demo.SIZE


async def test_a_plan_file_sent_to_the_bot_is_imported_and_listed(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    async with running_bot(bot_config) as app:
        svc = services(app)
        await seed(svc.sessions, 360)
        today = svc.planner.today(svc.clock())
        rows = demo.rows(today)[:6]
        header = "NIP,Unit Tujuan,Jabatan Tujuan,Jenis Jabatan Tujuan,TMT,Kelompok,Alasan\n"
        body = "".join(
            f"{r['nip']},{r['unit_code']},{r['position_name']},{r['position_type']},"
            f"{r['tmt']},Rotasi Berkas,Uji\n"
            for r in rows if r["position_type"] != "fungsional"
        )  # fmt: skip
        before = len(fake_api.sent(ADMIN_ID))
        await fake_api.send_document(ADMIN_ID, (header + body).encode(), "rencana-rotasi.csv")
        done = (await fake_api.wait_for("sendMessage", ADMIN_ID, before + 1))[before]
        assert "diimpor" in done.params["text"]
        listing = await reply_to(fake_api, ADMIN_ID, "/rotasi")
        assert "Rotasi Berkas" in listing.params["text"]
        members = await reply_to(fake_api, ADMIN_ID, "/rotasi Rotasi Berkas")
        text = members.params["text"]
        assert rows[0]["nip"] not in text  # NIPs are masked for HR too
        assert "*" in text


async def test_hr_moves_and_cancels_and_the_reminders_follow(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    async with running_bot(bot_config) as app:
        svc = services(app)
        await _demo(svc)
        async with svc.sessions() as session:
            first, second = list(await session.scalars(
                select(Rotation.id).order_by(Rotation.tmt, Rotation.id).limit(2)
            ))  # fmt: skip
        new_tmt = svc.planner.today(svc.clock()) + timedelta(days=60)
        moved = await reply_to(fake_api, ADMIN_ID, f"/rotasi_tmt {first} {new_tmt}")
        assert "pengingat dijadwalkan ulang" in moved.params["text"]
        bad = await reply_to(fake_api, ADMIN_ID, f"/rotasi_tmt {first} 2020-01-01")
        assert "/rotasi_tmt ID YYYY-MM-DD" in bad.params["text"]
        ask = await reply_to(fake_api, ADMIN_ID, f"/rotasi_batal {second}")
        done = await press(fake_api, ADMIN_ID, ask, f"rotx:{second}")
        assert "dibatalkan" in done.params["text"]
        async with svc.sessions() as session:
            moved_row = await session.get(Rotation, first)
            cancelled = await session.get(Rotation, second)
            states = set(await session.scalars(
                select(RotationMessage.state).where(RotationMessage.rotation_id == second)
            ))  # fmt: skip
            audit = set(await session.scalars(select(AuditEntry.action)))
        assert moved_row is not None
        assert moved_row.tmt == new_tmt
        assert cancelled is not None
        assert cancelled.status == "cancelled"
        assert states <= {"cancelled", "queued"}
        assert {"rotation_move", "rotation_cancel"} <= audit
        # A person who is not an admin cannot cancel, even with the button's data.
        await reply_to(fake_api, MENTEE, "/start")
        message = {"message_id": 1, "date": 0, "chat": {"id": MENTEE, "type": "private"}}
        answered = len(fake_api.sent(None, "answerCallbackQuery"))
        await fake_api.press(MENTEE, message, f"rotx:{first}")
        await fake_api.wait_for("answerCallbackQuery", None, answered + 1)
        async with svc.sessions() as session:
            still = await session.get(Rotation, first)
        assert still is not None
        assert still.status == "planned"


async def test_kesiapan_sends_figures_chart_and_workbook_hiding_small_groups(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    async with running_bot(bot_config) as app:
        svc = services(app)
        await _demo(svc)
        summary = await svc.readiness_report.summary(demo.COHORT)
        small = [g for g in summary.units if 0 < g.answered < K_ANONYMITY]
        large = [g for g in summary.units if g.answered >= K_ANONYMITY]
        assert small
        assert large
        reply = await reply_to(fake_api, ADMIN_ID, f"/kesiapan {demo.COHORT}")
        text = reply.params["text"]
        assert f"{demo.SIZE} orang" in text
        photo = await fake_api.wait_for("sendPhoto", ADMIN_ID, 1, 30)
        assert photo
        document = (await fake_api.wait_for("sendDocument", ADMIN_ID, 1, 30))[0]
        book = load_workbook(io.BytesIO(document.files["document"]))
        people, units = book.worksheets
        assert people.max_row == demo.SIZE + 1
        nips = [str(row[1].value) for row in people.iter_rows(min_row=2)]
        assert all("*" in n for n in nips)  # masked in what the bot sends
        by_unit = {row[0].value: row for row in units.iter_rows(min_row=2)}
        for group in small:
            assert by_unit[group.name][6].value in (None, "")  # the barrier columns stay empty
        for group in large:
            assert by_unit[group.name][6].value not in (None, "")
        async with svc.sessions() as session:
            assert "readiness_export" in set(await session.scalars(select(AuditEntry.action)))


async def test_a_mentor_is_asked_accepts_and_both_are_introduced(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    async with running_bot(bot_config) as app:
        svc = services(app)
        await _demo(svc)
        mentee_nip, mentor_nip = demo.members()[0].nip, demo.members()[1].nip
        for user, nip in ((MENTEE, mentee_nip), (MENTOR, mentor_nip)):
            await reply_to(fake_api, user, "/start")
            assert await link_directly(svc.sessions, user, nip)
        async with svc.sessions() as session:
            rotation = await session.scalar(
                select(Rotation.id).order_by(Rotation.tmt, Rotation.id).limit(1)
            )
        unlinked = await reply_to(
            fake_api, ADMIN_ID, f"/mentor {rotation} {demo.members()[5].nip}"
        )
        assert "belum menautkan" in unlinked.params["text"]
        offered = await reply_to(fake_api, ADMIN_ID, f"/mentor {rotation} {mentor_nip}")
        assert "dikirim" in offered.params["text"]
        await send_due(app.bot, svc, only_chat=MENTOR)
        offer = [c for c in fake_api.sent(MENTOR) if "mentor" in c.params.get("text", "")][-1]
        assert mentee_nip not in offer.params["text"]
        pairing = fake_api.buttons(offer)[0][1].split(":")[1]
        accepted = await press(fake_api, MENTOR, offer, f"mnt:{pairing}:yes")
        assert f"tg://user?id={MENTEE}" in accepted.params["text"]
        again = await fake_api.press(MENTOR, {"message_id": 1, "date": 0, "chat": {
            "id": MENTOR, "type": "private"}}, f"mnt:{pairing}:no")  # fmt: skip
        assert again
        await send_due(app.bot, svc)
        intro = [t for t in fake_api.texts(MENTEE) if "Mentor Anda" in t]
        assert len(intro) == 1
        assert any("bersedia menjadi mentor" in t for t in fake_api.texts(ADMIN_ID))


def test_the_cli_lists_due_reminders_and_exports_readiness(
    config: Config, tmp_path: object
) -> None:
    import asyncio
    from pathlib import Path

    from bot.context import Services as Built
    from db.migrate import upgrade

    async def prepare() -> None:
        svc = Built.create(config)
        await upgrade(svc.engine)
        await _demo(svc)
        await svc.users.touch(MENTEE, "id")
        assert await link_directly(svc.sessions, MENTEE, demo.first_nip())
        await svc.engine.dispose()

    asyncio.run(prepare())
    env = {"ASNBOT_DATABASE_URL": config.database_url}
    runner = CliRunner()
    at = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT09:00")
    due = runner.invoke(cli, ["reminders", "due", "--at", at], env=env)
    assert due.exit_code == 0, due.output
    assert "nothing was sent" in due.output
    assert "reminder" in due.output
    target = Path(str(tmp_path)) / "kesiapan.xlsx"
    export = runner.invoke(cli, ["readiness", "export", str(target), "--cohort", demo.COHORT],
                           env=env)  # fmt: skip
    assert export.exit_code == 0, export.output
    book = load_workbook(target)
    assert book.worksheets[0].max_row == demo.SIZE + 1
    bad = runner.invoke(cli, ["reminders", "due", "--at", "besok"], env=env)
    assert bad.exit_code == 2


def test_a_plan_imports_from_the_command_line(config: Config, tmp_path: object) -> None:
    from pathlib import Path

    templates = Path(__file__).resolve().parent.parent / "content" / "templates"
    env = {"ASNBOT_DATABASE_URL": config.database_url}
    runner = CliRunner()
    employees = runner.invoke(
        cli, ["import", "employees", str(templates / "pegawai.csv")], env=env
    )
    assert employees.exit_code == 0, employees.output
    plan = runner.invoke(cli, ["import", "rotations", str(templates / "rotasi.csv")], env=env)
    assert plan.exit_code == 0, plan.output
    assert "2 new, 0 updated" in plan.output
    due = runner.invoke(cli, ["reminders", "due"], env=env)
    assert "0 due" in due.output  # nobody in the template plan has linked a Telegram account


async def test_the_console_shows_a_demo_persons_due_reminder_at_start(config: Config) -> None:
    if not config.database_url.startswith("sqlite"):
        pytest.skip("the console's demo data is for the embedded SQLite database")
    from bot.chat_loop import console_identity, run_chat

    nip = demo.first_nip()
    out = io.StringIO()
    code = await run_chat(console_identity(config, nip, False), nip, None, io.StringIO(""), out)
    assert code == 0
    assert "Pengingat rotasi" in out.getvalue()
    assert "#1 [Siap]  #2 [Perlu pendampingan]  #3 [Belum siap]" in out.getvalue()
