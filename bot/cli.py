"""The ``asnbot`` command line."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from bot import logs
from bot.config import Config, ConfigError, load_config


def _fail(message: str) -> None:
    click.echo(f"asnbot: {message}", err=True)
    sys.exit(2)


def _config(ctx: click.Context) -> Config:
    config: Config = ctx.obj["config"]
    return config


@click.group(invoke_without_command=True)
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Config file.")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None) -> None:
    """Asisten Karier ASN. Without a command: the Telegram bot if TELEGRAM_BOT_TOKEN is set,
    else the console chat on the local demo database."""
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        _fail(f"configuration error: {exc}")
    ctx.obj = {"config": config}
    logs.setup(config.log_level, config.log_format)
    if ctx.invoked_subcommand is None:
        ctx.invoke(run if config.telegram.token else chat)


@cli.command()
@click.option("--webhook/--polling", default=None, help="Receive updates by webhook or polling.")
@click.option("--listen", help="Webhook: address to listen on.")
@click.option("--port", type=int, help="Webhook: port to listen on.")
@click.option("--url", help="Webhook: public HTTPS URL Telegram posts to.")
@click.option("--secret-token", help="Webhook: secret expected in Telegram's header.")
@click.pass_context
def run(ctx: click.Context, /, webhook: bool | None, **overrides: Any) -> None:
    """Run the Telegram bot (long polling unless --webhook or telegram.mode says webhook)."""
    config = _with_webhook(_config(ctx), webhook, overrides)
    if config.telegram.mode == "polling":
        skip_webhook_server()
    from bot.app import build_application
    from bot.runner import run_forever

    if not config.telegram.token:
        _fail("configuration error: TELEGRAM_BOT_TOKEN: not set (the console chat needs none)")
    try:
        run_forever(build_application(config), config)
    except ConfigError as exc:
        _fail(f"configuration error: {exc}")
    except Exception as exc:
        report_crash(exc)
        _fail(f"could not run the bot: {type(exc).__name__}")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of lines.")
@click.pass_context
def health(ctx: click.Context, as_json: bool) -> None:
    """Check the database, the Bot API (when a token is set) and the sender's backlog; exit 1
    when the bot could not work."""
    skip_webhook_server()
    from bot.health import check_once

    result = asyncio.run(check_once(_config(ctx)))
    click.echo(result.as_json() if as_json else "\n".join(result.lines()))
    sys.exit(0 if result.ok else 1)


def skip_webhook_server() -> None:
    """Polling needs no web server: keep python-telegram-bot from importing tornado (3.7 MiB
    resident for the life of the process). Must run before telegram.ext is imported."""
    if "telegram.ext" not in sys.modules:
        sys.modules.setdefault("tornado", None)  # type: ignore[arg-type]


def _with_webhook(config: Config, webhook: bool | None, overrides: dict[str, Any]) -> Config:
    tg = config.telegram
    hook = replace(
        tg.webhook,
        **{k: v for k, v in overrides.items() if v is not None},
    )
    mode = tg.mode if webhook is None else ("webhook" if webhook else "polling")
    return replace(config, telegram=replace(tg, mode=mode, webhook=hook))


@cli.command()
@click.option("--as", "as_nip", metavar="NIP", help="Chat as the employee with this NIP.")
@click.option("--admin", is_flag=True, help="Chat with admin rights.")
@click.option("--lang", type=click.Choice(["id", "en"]),
              help="Language for this run (wins over the one chosen earlier).")  # fmt: skip
@click.pass_context
def chat(ctx: click.Context, as_nip: str | None, admin: bool, lang: str | None) -> None:
    """Chat with the bot in the terminal. Reads one message per line; #N presses button N.

    The plain chat, each --as NIP and --admin are separate console users: linking or deleting
    one leaves the others alone."""
    skip_webhook_server()  # the console never serves a webhook
    from bot.chat_loop import console_identity, run_chat

    config = console_identity(_config(ctx), as_nip, admin)
    code = asyncio.run(run_chat(config, as_nip, lang, sys.stdin, sys.stdout))
    sys.exit(code)


@cli.group()
def db() -> None:
    """Database maintenance."""


@db.command()
@click.pass_context
def upgrade(ctx: click.Context) -> None:
    """Apply the Alembic migrations up to the newest schema."""
    from bot.maintenance import upgrade_database

    revision = asyncio.run(upgrade_database(_config(ctx)))
    click.echo(f"database at revision {revision}")


@cli.group()
def demo() -> None:
    """Fictional demo data."""


@demo.command()
@click.option("--count", type=click.IntRange(1, 200_000), default=360, show_default=True)
@click.pass_context
def seed(ctx: click.Context, count: int) -> None:
    """Fill the database with fictional employees (idempotent)."""
    from bot.maintenance import seed_demo

    result = asyncio.run(seed_demo(_config(ctx), count))
    click.echo(f"demo data: {result.added} employees added, {result.total} in the database")


@cli.command("link-code")
@click.argument("nip")
@click.pass_context
def link_code(ctx: click.Context, nip: str) -> None:
    """Issue a one-time code that links a Telegram account to NIP (give it to that person)."""
    from bot.maintenance import issue_link_code

    config = _config(ctx)
    issued = asyncio.run(issue_link_code(config, nip))
    if issued is None:
        _fail("no employee has that NIP")
    assert issued is not None
    until = issued.expires_at.astimezone(config.timezone).strftime("%Y-%m-%d %H:%M %Z")
    click.echo(f"code: {issued.code}  (single use, valid until {until})")


@cli.command("import")
@click.argument("kind", type=click.Choice(["employees", "competencies", "training", "rotations"]))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the problems as a CSV file here.")  # fmt: skip
@click.pass_context
def import_(ctx: click.Context, /, kind: str, file: Path, report: Path | None) -> None:
    """Import a CSV or XLSX file: every row is checked first; one bad row rejects the file."""
    from bot.hr import checking
    from bot.maintenance import import_file

    content = file.read_bytes()
    total = content.count(b"\n") or None
    with click.progressbar(
        length=total or 1, label=f"checking {file.name}", file=sys.stderr
    ) as bar:
        applied = asyncio.run(import_file(_config(ctx), kind, content, file.name, bar.update))
    if applied.problem is not None:
        from bot.i18n import Translator

        key, values = applied.problem
        reason = Translator(_config(ctx).timezone)("en", key, **values)
        _fail(f"{file.name} cannot be read, nothing was written: {reason}")
    if applied.errors:
        click.echo(f"{file.name} rejected, nothing was written: {len(applied.errors)} problem(s)")
        for error in applied.errors[:50]:
            click.echo(f"  {_problem(error)}")
        if len(applied.errors) > 50:
            click.echo(f"  ... and {len(applied.errors) - 50} more")
        if report is not None:
            report.write_bytes(checking.report_csv(list(applied.errors)))
            click.echo(f"report: {report}")
        sys.exit(1)
    cancelled = f", {applied.cancelled} cancelled" if applied.cancelled else ""
    click.echo(f"{file.name} imported ({applied.encoding}): {applied.inserted} new, "
               f"{applied.updated} updated{cancelled}")  # fmt: skip
    for note in applied.warnings[:50]:
        click.echo(f"  {note.severity}: {_problem(note)}")
    if applied.warnings and report is not None:
        report.write_bytes(checking.report_csv(list(applied.warnings)))
        click.echo(f"report: {report}")


def _problem(error: Any) -> str:
    """A row problem as the CLI prints it (a RowError; values shortened, the report has all)."""
    from bot.hr.views import shorten

    value = shorten(error.value)
    return f"row {error.row}, column {error.column}, value {value!r}: {error.reason}"


@cli.group()
def reminders() -> None:
    """Rotation reminders and check-ins."""


@reminders.command("due")
@click.option("--at", "at", help="ISO date-time (default: now); without a zone: Asia/Jakarta.")
@click.pass_context
def reminders_due(ctx: click.Context, at: str | None) -> None:
    """List the reminders and check-ins a sweep would send now (or --at), sending nothing."""
    from bot.career.nip import mask
    from bot.maintenance import reminders_due as due

    config = _config(ctx)
    moment = _moment(at, config)
    pending = asyncio.run(due(config, moment))
    for item in pending:
        local = item.due_at.astimezone(config.timezone).strftime("%Y-%m-%d %H:%M")
        move = item.move
        click.echo(f"{local}  {item.kind:8} {item.offset_days:>3}d  rotation {move.rotation_id}  "
                   f"NIP {mask(move.nip)}  TMT {move.tmt}  {move.cohort}")  # fmt: skip
    stamp = moment.astimezone(config.timezone).strftime("%Y-%m-%d %H:%M %Z")
    click.echo(f"{len(pending)} due at {stamp} (nothing was sent)")


def _moment(text: str | None, config: Config) -> datetime:
    from db.base import utcnow

    if not text:
        return utcnow()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        _fail(f"--at: {text!r} is not an ISO date-time (e.g. 2027-01-04T08:00)")
        raise
    return moment if moment.tzinfo else moment.replace(tzinfo=config.timezone)


@cli.group()
def readiness() -> None:
    """Rotation readiness answers."""


@readiness.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--cohort", help="Only this cohort (the Kelompok name).")
@click.pass_context
def readiness_export(ctx: click.Context, file: Path, cohort: str | None) -> None:
    """Write every planned rotation with its latest readiness answer to FILE.xlsx (audited)."""
    from bot.maintenance import readiness_export as export

    if file.suffix.lower() != ".xlsx":
        _fail("FILE must end in .xlsx")
    book, count = asyncio.run(export(_config(ctx), cohort))
    file.write_bytes(book)
    click.echo(f"{file}: {count} people")


@cli.group()
def admin() -> None:
    """HR admin roles: BKD/BKPSDM of a government, OPD of one unit."""


@admin.command("grant")
@click.argument("user")
@click.argument("role", type=click.Choice(["bkd", "opd"], case_sensitive=False))
@click.argument("scope")
@click.pass_context
def admin_grant(ctx: click.Context, user: str, role: str, scope: str) -> None:
    """Make USER (Telegram user id, or the NIP of a linked account) an admin: bkd GOVERNMENT
    (e.g. PROV, KERINCI) or opd UNIT (e.g. KERINCI-BKPSDM). Audited with no actor."""
    from bot.hr.roles import RoleError, Roles
    from bot.maintenance import with_sessions

    async def task(sessions: Any) -> str:
        roles = Roles(sessions)
        user_id = await roles.user_id(user)
        await roles.grant(None, user_id, role, scope)
        return (f"user {user_id}: {role.lower()} {scope.upper()} (a running bot sets their "
                "command menu within a minute)")  # fmt: skip

    try:
        click.echo(asyncio.run(with_sessions(_config(ctx), task)))
    except RoleError as exc:
        _fail(_role_problem(exc))


@admin.command("revoke")
@click.argument("user")
@click.pass_context
def admin_revoke(ctx: click.Context, user: str) -> None:
    """Take USER's admin role away (audited with no actor)."""
    from bot.hr.roles import RoleError, Roles
    from bot.maintenance import with_sessions

    async def task(sessions: Any) -> bool:
        roles = Roles(sessions)
        return await roles.revoke(None, await roles.user_id(user))

    try:
        done = asyncio.run(with_sessions(_config(ctx), task))
    except RoleError as exc:
        _fail(_role_problem(exc))
    click.echo("role revoked" if done else "that user has no admin role")


@admin.command("list")
@click.pass_context
def admin_list(ctx: click.Context) -> None:
    """Superadmins from the configuration, then every granted role."""
    from bot.hr.roles import Roles
    from bot.maintenance import with_sessions

    config = _config(ctx)
    for user_id in sorted(config.superadmins):
        click.echo(f"{user_id}\tsuperadmin\t(config)")
    holders = asyncio.run(with_sessions(config, lambda s: Roles(s).holders()))
    for h in holders:
        role = "bkd" if h.role == "gov" else "opd"
        click.echo(f"{h.user_id}\t{role}\t{h.scope}\t{h.granted_at:%Y-%m-%d}")


def _role_problem(error: Any) -> str:
    messages = {
        "roles.bad_user": "USER must be a Telegram user id or an 18-digit NIP",
        "roles.not_linked": "no Telegram account is linked to that NIP",
        "roles.bad_role": "ROLE must be bkd or opd",
        "roles.bad_government": "unknown government code (see content/units.toml)",
        "roles.bad_unit": "unknown unit code (see content/units.toml: REGION-UNIT)",
    }
    return str(messages.get(error.key, error.key))


@cli.group()
def broadcast() -> None:
    """Announcements to linked ASN, sent by the running bot within Telegram's limits."""


@broadcast.command("send")
@click.option(
    "--text-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="The message, in Telegram HTML (<b>, <i>, <a href>).",
)
@click.option(
    "--audience",
    default="all",
    show_default=True,
    help="all | gov:CODE | unit:CODE | cohort:NAME (also position:TYPE, "
    "grade:FROM-TO, not_ready[:COHORT]).",
)
@click.option("--ack", is_flag=True, help='Add the "Saya sudah membaca" button.')
@click.option("--at", "at", help="ISO date-time to send at (default: now); no zone: Asia/Jakarta.")
@click.pass_context
def broadcast_send(
    ctx: click.Context, text_file: Path, audience: str, ack: bool, at: str | None
) -> None:
    """Queue a broadcast: one message per recipient, sent by `asnbot run` (audited)."""
    from bot.broadcast.audience import AudienceError, parse
    from bot.broadcast.store import Broadcasts, Draft
    from bot.maintenance import with_sessions
    from bot.replies import visible_length

    config = _config(ctx)
    text = text_file.read_text(encoding="utf-8").strip()
    if not text or visible_length(text) > 4000:
        _fail("the text file must hold 1 to 4,000 characters")
    try:
        chosen = parse(audience)
    except AudienceError as exc:
        _fail(f"--audience: {exc.value!r} is not known (see --help)")
        raise
    when = _moment(at, config) if at else None
    draft = Draft(text, chosen, ack)
    made = asyncio.run(with_sessions(config, lambda s: Broadcasts(s).create(None, draft, when)))
    moment = made.send_at.astimezone(config.timezone).strftime("%Y-%m-%d %H:%M %Z")
    click.echo(f"broadcast {made.id}: {made.recipients} recipients, from {moment}")
    if made.recipients == 0:
        click.echo("nobody to send to: no linked ASN in that audience", err=True)


@broadcast.command("status")
@click.argument("broadcast_id", type=int, required=False)
@click.pass_context
def broadcast_status(ctx: click.Context, broadcast_id: int | None) -> None:
    """The newest broadcasts, or one broadcast's figures."""
    from bot.broadcast.store import Broadcasts
    from bot.maintenance import with_sessions

    config = _config(ctx)

    async def task(sessions: Any) -> list[Any]:
        store = Broadcasts(sessions)
        if broadcast_id is None:
            return await store.listing(limit=20)
        found = await store.figures(broadcast_id)
        return [found] if found else []

    shown = asyncio.run(with_sessions(config, task))
    if broadcast_id is not None and not shown:
        _fail(f"no broadcast {broadcast_id}")
    click.echo("id\tstatus\tsend_at\trecipients\tsent\tfailed\tunreachable\tremaining"
               "\tacknowledged\taudience")  # fmt: skip
    for f in shown:
        when = f.send_at.astimezone(config.timezone).strftime("%Y-%m-%d %H:%M")
        acks = str(f.acknowledged) if f.ack else "-"
        click.echo(f"{f.id}\t{f.status}\t{when}\t{f.recipients}\t{f.sent}\t"
                   f"{f.counts.get('failed', 0)}\t{f.counts.get('unreachable', 0)}\t"
                   f"{f.remaining}\t{acks}\t{f.audience.describe()}")  # fmt: skip


@broadcast.command("export")
@click.argument("broadcast_id", type=int)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def broadcast_export(ctx: click.Context, broadcast_id: int, file: Path) -> None:
    """Write one row per recipient (NIP, name, unit, delivery, acknowledgement) to FILE.xlsx."""
    from bot.broadcast.report import workbook
    from bot.broadcast.store import Broadcasts
    from bot.maintenance import with_sessions

    if file.suffix.lower() != ".xlsx":
        _fail("FILE must end in .xlsx")
    config = _config(ctx)
    rows = asyncio.run(
        with_sessions(config, lambda s: Broadcasts(s).recipients_rows(broadcast_id))
    )
    if not rows:
        _fail(f"no broadcast {broadcast_id}, or it has no recipients")
    file.write_bytes(workbook(rows, config.timezone))
    click.echo(f"{file}: {len(rows)} recipients")


@cli.group()
def audit() -> None:
    """The audit log of admin actions."""


@audit.command("export")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def audit_export(ctx: click.Context, file: Path) -> None:
    """Write the whole audit log to FILE.xlsx (times in the bot's time zone)."""
    from bot.hr.audit import AuditLog, workbook
    from bot.maintenance import with_sessions

    if file.suffix.lower() != ".xlsx":
        _fail("FILE must end in .xlsx")
    config = _config(ctx)
    entries, _ = asyncio.run(with_sessions(config, lambda s: AuditLog(s).recent(None)))
    header = ["id", "time", "actor", "action", "employee_id", "detail"]
    zone = config.timezone
    file.write_bytes(workbook(entries, header, lambda at: f"{at.astimezone(zone):%Y-%m-%d %H:%M}"))
    click.echo(f"{file}: {len(entries)} entries")


@cli.group()
def content() -> None:
    """Knowledge base content."""


@content.command()
def check() -> None:
    """Validate every knowledge entry; print each problem with file, entry and field."""
    from bot.knowledge import kb

    try:
        base = kb.load()
    except kb.ContentError as exc:
        for problem in exc.problems:
            click.echo(str(problem))
        _fail(f"{len(exc.problems)} problem(s) in content/kb")
    from bot.rotation import guide

    try:
        broken = guide.guide().problems({e.id for e in base.entries})
    except guide.GuideError as exc:
        broken = [str(exc)]
    for line in broken:
        click.echo(f"content/rotation.toml: {line}")
    if broken:
        _fail(f"{len(broken)} problem(s) in content/rotation.toml")
    click.echo(f"content ok: {len(base.entries)} entries in {len(base.topics)} topics, "
               "rotation guide complete")  # fmt: skip


@cli.command()
@click.argument("question", required=False)
@click.option(
    "--json", "as_json", is_flag=True, help="Read questions from stdin, print JSON lines."
)
@click.option("--lang", type=click.Choice(["id", "en"]), help="Answer language (default: detect).")
@click.option("--explain", is_flag=True, help="Show how the answer was chosen.")
@click.pass_context
def ask(
    ctx: click.Context, /, question: str | None, as_json: bool, lang: str | None, explain: bool
) -> None:
    """Ask the knowledge base as a user would, from the command line."""
    from bot.knowledge import asking

    knowledge, t = asking.load(_config(ctx))
    if as_json:
        for line in sys.stdin:
            if line.strip():
                click.echo(asking.as_json(knowledge, t, line.strip(), lang))
        return
    if not question:
        _fail("give a question, or --json to read them from stdin")
    click.echo(asking.as_text(knowledge, t, question or "", lang, explain))


def main() -> None:
    """Entry point of the ``asnbot`` console script."""
    try:
        cli(prog_name=Path(sys.argv[0]).name if sys.argv[0].endswith("asnbot") else "asnbot")
    except Exception as exc:  # anything unforeseen: where, not what (it may quote personal data)
        report_crash(exc)
        sys.exit(1)


def report_crash(error: BaseException) -> None:
    """A crash as the frames and the error's type on stderr, never the error's message."""
    click.echo(logs.safe_traceback(error), err=True)
    click.echo(f"asnbot: unexpected error ({type(error).__name__}); its message is left out "
               "because it may quote personal data", err=True)  # fmt: skip
