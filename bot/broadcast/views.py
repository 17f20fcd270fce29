"""Rendering broadcasts: the message recipients get, and HR's wizard, progress and reports."""

from __future__ import annotations

from datetime import datetime

from bot import callbacks
from bot.access import Access, region_name
from bot.broadcast.audience import Audience
from bot.broadcast.store import Figures, UnitAcks
from bot.career import catalog
from bot.career.views import POSITION_KEYS
from bot.i18n import Translator
from bot.replies import Button, Html, Reply, escape, html_to_text

ACK_LABEL = "ack.label"


def message(
    t: Translator, lang: str, broadcast_id: int, text: str, ack: bool,
    media: tuple[str, str] | None = None,
) -> Reply:  # fmt: skip
    """What a recipient gets: the announcement as HR wrote it, the button if asked for."""
    buttons: tuple[tuple[Button, ...], ...] = ()
    if ack:
        data = callbacks.BROADCAST_ACK.format(broadcast=broadcast_id)
        buttons = ((Button(t(lang, "broadcast.ack_button"), data),),)
    return Reply(t(lang, "broadcast.header") + "\n\n" + text, buttons, media)


def audience_label(t: Translator, lang: str, audience: Audience) -> str:
    """The audience in words ("semua ASN yang tertaut", "golongan III/a–III/d")."""
    values = list(audience.values)
    if audience.kind == "gov":
        values = [region_name(v) or v for v in values]
    if audience.kind == "position":
        values = [t(lang, f"position.{p}") for p in values]
    if audience.kind == "grade":
        values = ["–".join(values)]
    shown = ", ".join(values) if values else t(lang, "broadcast.all_cohorts")
    return t(lang, f"broadcast.audience.{audience.kind}", values=shown)


def ask_content(t: Translator, lang: str) -> Reply:
    return Reply(t(lang, "broadcast.ask_content"))


def ask_audience(t: Translator, lang: str, access: Access) -> Reply:
    """The kinds of audience this role may choose from."""
    kinds = ["all", "gov", "unit", "position", "grade", "cohort", "not_ready"]
    if access.role != "super":
        kinds.remove("gov")  # a government's admin reaches one government: "all" is it
    if access.role == "unit":
        kinds.remove("unit")
    buttons = [Button(t(lang, f"broadcast.kind.{kind}"), _wizard("aud", kind)) for kind in kinds]
    scope = t(lang, "broadcast.scope_all") if access.role == "super" else t(
        lang, "broadcast.scope_role", scope=access.unit_code or access.region or ""
    )  # fmt: skip
    return Reply(t(lang, "broadcast.ask_audience", scope=scope), _rows(buttons, 2))


def ask_government(t: Translator, lang: str) -> Reply:
    buttons = [Button(name, _wizard("gov", code)) for name, code in catalog.region_codes().items()]
    return Reply(t(lang, "broadcast.ask_government"), _rows(buttons, 2))


def ask_position(t: Translator, lang: str) -> Reply:
    buttons = [Button(t(lang, f"position.{p}"), _wizard("pos", p)) for p in POSITION_KEYS]
    return Reply(t(lang, "broadcast.ask_position"), _rows(buttons, 2))


def ask_cohort(t: Translator, lang: str, cohorts: list[str], step: str) -> Reply:
    """Rotation cohorts by number (names can be long); for "Belum siap" also all of them."""
    buttons = [Button(name[:40], _wizard(step, str(i))) for i, name in enumerate(cohorts)]
    if step == "nr":
        buttons.insert(0, Button(t(lang, "broadcast.all_cohorts"), _wizard("nr", "all")))
    if not buttons:
        return Reply(t(lang, "broadcast.no_cohorts"))
    return Reply(t(lang, "broadcast.ask_cohort"), _rows(buttons, 1))


def ask_ack(t: Translator, lang: str) -> Reply:
    buttons = [Button(t(lang, "broadcast.with_ack"), _wizard("ack", "yes")),
               Button(t(lang, "broadcast.without_ack"), _wizard("ack", "no"))]  # fmt: skip
    return Reply(t(lang, "broadcast.ask_ack"), _rows(buttons, 1))


def preview(t: Translator, lang: str, audience: Audience, count: int, ack: bool) -> Reply:
    """The exact number of recipients and the three ways on."""
    label = audience_label(t, lang, audience)
    if count == 0:
        back = Button(t(lang, "broadcast.change_audience"), _wizard("go", "back"))
        return Reply(t(lang, "broadcast.nobody", audience=label), ((back,),))
    buttons = (
        (Button(t(lang, "broadcast.send_now"), _wizard("go", "now")),),
        (Button(t(lang, "broadcast.send_later"), _wizard("go", "later")),),
        (Button(t(lang, "broadcast.cancel"), _wizard("go", "cancel")),),
    )
    ack_line = t(lang, "broadcast.ack_on" if ack else "broadcast.ack_off")
    return Reply(t(lang, "broadcast.preview", count=count, audience=label, ack=ack_line), buttons)


def progress(t: Translator, lang: str, f: Figures, rate: float, now: datetime) -> Reply:
    """The one message HR watches: sent, failed, unreachable, remaining, time left."""
    counts = f.counts
    if f.status == "scheduled" and f.send_at > now:
        head = t(lang, "broadcast.progress_scheduled", id=f.id, when=t.datetime(f.send_at, lang))
    elif f.status == "cancelled":
        head = t(lang, "broadcast.progress_cancelled", id=f.id)
    elif f.done:
        head = t(lang, "broadcast.progress_done", id=f.id)
    else:
        minutes = max(1, round(f.remaining / max(rate, 0.1) / 60))
        head = t(lang, "broadcast.progress_sending", id=f.id, minutes=minutes)
    text = head + "\n" + t(
        lang, "broadcast.figures", recipients=f.recipients, sent=f.sent,
        failed=counts.get("failed", 0), unreachable=counts.get("unreachable", 0),
        remaining=f.remaining, cancelled=counts.get("cancelled", 0),
    )  # fmt: skip
    if f.ack:
        text += "\n" + t(lang, "broadcast.acks", acknowledged=f.acknowledged, sent=f.sent)
    active = f.status in ("scheduled", "sending") and not f.done
    buttons: tuple[tuple[Button, ...], ...] = ()
    if active:
        data = callbacks.BROADCAST_CANCEL.format(broadcast=f.id)
        buttons = ((Button(t(lang, "broadcast.stop_button"), data),),)
    return Reply(text, buttons)


def final_report(t: Translator, lang: str, f: Figures) -> Reply:
    return Reply(t(lang, "broadcast.final", id=f.id, sent=f.sent, recipients=f.recipients,
                   failed=f.counts.get("failed", 0),
                   unreachable=f.counts.get("unreachable", 0)))  # fmt: skip


def listing(t: Translator, lang: str, broadcasts: list[Figures]) -> Reply:
    """/siaran: the newest broadcasts with their figures, a button for each one's details."""
    if not broadcasts:
        return Reply(t(lang, "broadcast.none"))
    lines = [t(lang, "broadcast.list_header")]
    for f in broadcasts:
        acks = (
            t(lang, "broadcast.ack_rate", rate=_percent(f.acknowledged, f.sent)) if f.ack else ""
        )
        lines.append(t(lang, "broadcast.list_line", id=f.id, when=t.datetime(f.send_at, lang),
                       status=t(lang, f"broadcast.status.{f.status}"),
                       audience=audience_label(t, lang, f.audience), sent=f.sent,
                       recipients=f.recipients, failed=f.counts.get("failed", 0),
                       unreachable=f.counts.get("unreachable", 0), acks=acks))  # fmt: skip
    buttons = [Button(f"📊 #{f.id}", callbacks.BROADCAST_DETAIL.format(broadcast=f.id))
               for f in broadcasts]  # fmt: skip
    return Reply("\n\n".join(lines), _rows(buttons, 4))


def details(t: Translator, lang: str, f: Figures, units: list[UnitAcks], now: datetime) -> Reply:
    """One broadcast: its figures, acknowledgement rates per unit, and what can be done."""
    text = progress(t, lang, f, 1.0, now).text
    text += "\n\n<i>" + escape(html_to_text(f.text)[:300]) + "</i>"
    if f.ack and units:
        rows = "\n".join(t(lang, "broadcast.unit_line", unit=u.unit, acknowledged=u.acknowledged,
                           sent=u.sent, rate=_percent(u.acknowledged, u.sent))
                         for u in units[:30])  # fmt: skip
        text += "\n\n" + t(lang, "broadcast.per_unit", units=Html(rows))
    buttons = []
    if f.ack and f.done and f.status != "cancelled" and f.acknowledged < f.sent:
        data = callbacks.BROADCAST_RESEND.format(broadcast=f.id)
        buttons.append((Button(t(lang, "broadcast.resend_button"), data),))
    if f.status in ("scheduled", "sending") and not f.done:
        data = callbacks.BROADCAST_CANCEL.format(broadcast=f.id)
        buttons.append((Button(t(lang, "broadcast.stop_button"), data),))
    return Reply(text, tuple(buttons))


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def _wizard(step: str, value: str) -> str:
    return callbacks.BROADCAST_WIZARD.format(step=step, value=value)


def _rows(buttons: list[Button], width: int) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(buttons[i : i + width]) for i in range(0, len(buttons), width))
