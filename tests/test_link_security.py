"""Attacks on linking (issue 7): bursts in one getUpdates batch, deletion, lock-outs, hashes.

Every test runs on SQLite and on PostgreSQL; bursts are pushed before the bot polls again, so
they arrive in one batch and are handled concurrently.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from bot.accounts.dialogs import Dialog
from bot.accounts.linking import MAX_FAILURES, LinkResult, LinkService
from bot.career import demo
from bot.config import Config
from bot.context import Services
from bot.maintenance import seed
from db.models import DialogState, LinkCode, TelegramLink
from tests.bot_harness import reply_to, running_bot, services
from tests.conftest import ADMIN_ID
from tests.fake_bot_api import FakeBotApi

PEOPLE = demo.generate(40)
FIRST = 6001
LINKED = "tertaut sebagai"
INVALID = "tidak cocok"
LIMITED = "Terlalu banyak percobaan"


async def _at_code_step(svc: Services, users: range, nip: str) -> None:
    """Accounts that agreed to the notice, sent /daftar and the NIP (the dialogue rows)."""
    for user in users:
        await svc.users.touch(user, "id")
        await svc.users.give_consent(user)
        await svc.dialogs.save(user, Dialog("link", "code", {"nip": nip}))


async def _burst(api: FakeBotApi, users: range, text: str) -> list[str]:
    """Every account sends ``text`` at once (one getUpdates batch); each one's reply."""
    for user in users:
        await api.send_text(user, text)
    replies = []
    for user in users:
        replies.append(str((await api.wait_for("sendMessage", user, 1, 20))[-1].params["text"]))
    return replies


async def test_one_code_sent_by_five_accounts_at_once_links_one(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    person = PEOPLE[1]
    users = range(FIRST, FIRST + 5)
    async with running_bot(bot_config) as app:
        svc = services(app)
        await seed(svc.sessions, 40)
        issued = await svc.links.issue_code(person.nip, ADMIN_ID)
        assert issued is not None
        await _at_code_step(svc, users, person.nip)
        replies = await _burst(fake_api, users, issued.code)
        async with svc.sessions() as session:
            links = (await session.scalars(select(TelegramLink))).all()
    assert sum(LINKED in r for r in replies) == 1
    assert sum(INVALID in r for r in replies) == 4
    assert len(links) == 1


async def test_a_burst_of_wrong_codes_is_evaluated_at_most_five_times_per_nip(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    person = PEOPLE[2]
    users = range(FIRST, FIRST + 30)
    async with running_bot(bot_config) as app:
        svc = services(app)
        await seed(svc.sessions, 40)
        issued = await svc.links.issue_code(person.nip, ADMIN_ID)
        assert issued is not None
        await _at_code_step(svc, users, person.nip)
        replies = await _burst(fake_api, users, "ZZZZ-ZZZZ")
        # The owner, at the code step on another account, is not locked out.
        await _at_code_step(svc, range(FIRST + 99, FIRST + 100), person.nip)
        owner = await reply_to(fake_api, FIRST + 99, issued.code)
    assert sum(INVALID in r for r in replies) == MAX_FAILURES
    assert sum(LIMITED in r for r in replies) == len(users) - MAX_FAILURES
    assert person.name in owner.params["text"]
    assert LINKED in owner.params["text"]


async def test_parallel_attempts_of_one_account_stay_under_its_limit(services: Services) -> None:
    import asyncio

    await seed(services.sessions, 40)
    nips = [p.nip for p in PEOPLE[:12]]
    results = await asyncio.gather(*(services.links.link(FIRST, n, "ZZZZ-ZZZZ") for n in nips))
    assert sum(r[0] is LinkResult.INVALID for r in results) == MAX_FAILURES


async def test_deleting_chat_data_does_not_reset_the_limits(services: Services) -> None:
    await seed(services.sessions, 40)
    target = PEOPLE[3].nip
    for _ in range(MAX_FAILURES):
        await services.links.link(FIRST, target, "ZZZZ-ZZZZ")
    await services.users.touch(FIRST, "id")
    await services.links.delete_chat_data(FIRST)
    again = await services.links.link(FIRST, PEOPLE[4].nip, "ZZZZ-ZZZZ")
    other_account = await services.links.link(FIRST + 1, target, "ZZZZ-ZZZZ")
    assert again == (LinkResult.RATE_LIMITED, None)
    assert other_account == (LinkResult.RATE_LIMITED, None)


async def test_codes_are_stored_as_a_keyed_hash(services: Services, config: Config) -> None:
    await seed(services.sessions, 40)
    person = PEOPLE[5]
    issued = await services.links.issue_code(person.nip, ADMIN_ID)
    assert issued is not None
    async with services.sessions() as session:
        stored = (await session.scalars(select(LinkCode))).one().code_hash
    bare = issued.code.replace("-", "")
    plain = {hashlib.sha256(f"{person.nip}:{c}".encode()).hexdigest() for c in (bare, issued.code)}
    other_key = LinkService(services.sessions, b"another server key of 32 bytes!!")
    assert stored not in plain
    assert await other_key.link(FIRST, person.nip, issued.code) == (LinkResult.INVALID, None)
    assert (await services.links.link(FIRST, person.nip, issued.code))[0] is LinkResult.LINKED


async def test_link_and_dialogue_end_together_and_a_resent_code_is_recognised(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    person = PEOPLE[6]
    async with running_bot(bot_config) as app:
        svc = services(app)
        await seed(svc.sessions, 40)
        issued = await svc.links.issue_code(person.nip, ADMIN_ID)
        assert issued is not None
        await _at_code_step(svc, range(FIRST, FIRST + 1), person.nip)
        first = await svc.links.link(FIRST, person.nip, issued.code)
        async with svc.sessions() as session:
            dialog = await session.get(DialogState, FIRST)
        # The reply was lost: the user sends the code, then the NIP, again.
        code_again = await reply_to(fake_api, FIRST, issued.code.lower())
        nip_again = await reply_to(fake_api, FIRST, person.nip)
        # ...or the dialogue row survived (killed before our commit): the same code again.
        await svc.dialogs.save(FIRST, Dialog("link", "code", {"nip": person.nip}))
        in_dialog = await reply_to(fake_api, FIRST, issued.code)
        stranger = await reply_to(fake_api, FIRST + 1, issued.code)
    assert first[0] is LinkResult.LINKED
    assert dialog is None
    assert "sudah tertaut" in code_again.params["text"]
    assert "sudah tertaut" in nip_again.params["text"]
    assert person.nip in nip_again.params["text"]
    assert "sudah tertaut sebagai" in in_dialog.params["text"]
    assert "/daftar" in stranger.params["text"]


async def test_only_ascii_digits_pass_the_nip_step(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    typed = [
        "１９９００１０１２０２００１１００１",
        "١٩٩٠٠١٠١٢٠٢٠٠١١٠٠١",
        "19900101202001100",
        "abc",
    ]
    async with running_bot(bot_config) as app:
        svc = services(app)
        await svc.users.touch(FIRST, "id")
        await svc.dialogs.save(FIRST, Dialog("link", "nip"))
        replies = [await reply_to(fake_api, FIRST, text) for text in typed]
        dialog = await svc.dialogs.current(FIRST)
    assert all("18 angka" in r.params["text"] for r in replies)
    assert dialog == Dialog("link", "nip")


async def test_codes_are_accepted_as_people_type_them(services: Services) -> None:
    await seed(services.sessions, 40)
    shapes = ["{a} {b}", "{a}{b}", "{a}-{b}", " {a} - {b} ", "{la}{lb}"]
    results = []
    for number, shape in enumerate(shapes):
        person = PEOPLE[10 + number]
        issued = await services.links.issue_code(person.nip, ADMIN_ID)
        assert issued is not None
        a, b = issued.code.split("-")
        typed = shape.format(a=a, b=b, la=a.lower(), lb=b.lower())
        results.append((await services.links.link(FIRST + number, person.nip, typed))[0])
    assert results == [LinkResult.LINKED] * len(shapes)


async def test_an_edited_message_is_not_read_as_a_code(
    bot_config: Config, fake_api: FakeBotApi
) -> None:
    person = PEOPLE[8]
    async with running_bot(bot_config) as app:
        svc = services(app)
        await seed(svc.sessions, 40)
        await _at_code_step(svc, range(FIRST, FIRST + 1), person.nip)
        edited = {
            "message_id": 77, "date": 0, "edit_date": 1, "text": "ZZZZ-ZZZZ",
            "chat": {"id": FIRST, "type": "private"}, "from": fake_api.user(FIRST),
        }  # fmt: skip
        await fake_api.push_update({"edited_message": edited})
        reply = (await fake_api.wait_for("sendMessage", FIRST, 1))[0]
        dialog = await svc.dialogs.current(FIRST)
        limited = [await svc.links.link(FIRST, person.nip, "ZZZZ-ZZZZ") for _ in range(5)]
    assert "diedit" in reply.params["text"]
    assert dialog is not None
    assert dialog.step == "code"
    assert limited[-1][0] is LinkResult.INVALID  # the edit used none of the five attempts
