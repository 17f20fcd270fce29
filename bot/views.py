"""Rendering of service results into replies, through the translator."""

from __future__ import annotations

import html
from datetime import date, datetime

from bot import callbacks, catalog, charts
from bot import nip as nip_module
from bot.config import LANGUAGES
from bot.eligibility import Finding
from bot.hr_queue import Question
from bot.i18n import Translator
from bot.kb import Entry, KnowledgeBase
from bot.knowledge import AMBIGUOUS, ANSWERED, REFUSED, Result
from bot.profile import Career, CompetencyReport, Profile, TrainingAdvice
from bot.ratings import EntryRating
from bot.replies import Button, Reply
from bot.stats import Overview
from bot.users import UserInfo


def main_menu(t: Translator, lang: str, consented: bool) -> tuple[tuple[Button, ...], ...]:
    """The buttons under the greeting: help, privacy, language and (until given) consent."""
    rows: list[tuple[Button, ...]] = []
    if not consented:
        rows.append((Button(t(lang, "button.consent"), callbacks.menu("consent")),))
    rows.append(
        (
            Button(t(lang, "button.help"), callbacks.menu("help")),
            Button(t(lang, "button.privacy"), callbacks.menu("privacy")),
        )
    )
    rows.append((Button(t(lang, "button.language"), callbacks.menu("language")),))
    return tuple(rows)


def welcome(t: Translator, user: UserInfo) -> Reply:
    """The /start greeting with the short privacy notice."""
    lang = user.language
    greeting = (
        t(lang, "start.greeting_named", name=_first_name(user.employee_name))
        if user.employee_name
        else t(lang, "start.greeting")
    )
    parts = [greeting, t(lang, "start.capabilities"), t(lang, "privacy.short")]
    if user.consent_at is None:
        parts.append(t(lang, "start.consent_prompt"))
    return Reply("\n\n".join(parts), main_menu(t, lang, user.consent_at is not None))


def help_text(t: Translator, lang: str, consented: bool) -> Reply:
    """What the bot can do and which commands exist."""
    return Reply(t(lang, "help.text"), main_menu(t, lang, consented))


def privacy(t: Translator, lang: str, consent_at: datetime | None) -> Reply:
    """The full privacy notice and the user's consent status."""
    status = (
        t(lang, "privacy.consent_given", when=t.datetime(consent_at, lang))
        if consent_at
        else t(lang, "privacy.consent_missing")
    )
    buttons = (
        () if consent_at else ((Button(t(lang, "button.consent"), callbacks.menu("consent")),),)
    )
    return Reply(f"{t(lang, 'privacy.full')}\n\n{status}", buttons)


def consent_recorded(t: Translator, lang: str, when: datetime) -> Reply:
    """Confirmation that consent is stored, with its date in the user's language."""
    return Reply(
        t(lang, "privacy.consent_thanks", when=t.datetime(when, lang)), main_menu(t, lang, True)
    )


def language_menu(t: Translator, lang: str) -> Reply:
    """The language choice."""
    row = tuple(
        Button(t(lang, f"language.name.{code}"), callbacks.language(code)) for code in LANGUAGES
    )
    return Reply(t(lang, "language.choose"), (row,))


def language_set(t: Translator, lang: str) -> Reply:
    """Confirmation in the newly chosen language."""
    return Reply(t(lang, "language.set"))


def not_understood(t: Translator, lang: str, can_forward: bool) -> Reply:
    """No answer: say so, and offer to forward the question to a person."""
    rows: list[tuple[Button, ...]] = []
    if can_forward:
        rows.append((Button(t(lang, "button.send_to_hr"), callbacks.HANDOFF_SEND),))
    rows.append((Button(t(lang, "button.help"), callbacks.menu("help")),))
    key = "fallback.not_understood_forward" if can_forward else "fallback.not_understood"
    return Reply(t(lang, key), tuple(rows))


def question_queued(t: Translator, lang: str, number: int) -> Reply:
    """Confirmation that a question went to HR."""
    return Reply(t(lang, "handoff.queued", number=number))


def unknown_command(t: Translator, lang: str) -> Reply:
    """Answer to a command the bot does not have."""
    return Reply(
        t(lang, "fallback.unknown_command"),
        ((Button(t(lang, "button.help"), callbacks.menu("help")),),),
    )


def cancelled(t: Translator, lang: str, had_dialog: bool) -> Reply:
    """Answer to /batal."""
    return Reply(t(lang, "cancel.done" if had_dialog else "cancel.nothing"))


def admin_overview(t: Translator, lang: str, stats: Overview, ratings: list[EntryRating]) -> Reply:
    """The admin's summary of what the database holds, and the answers rated worst."""
    text = t(
        lang,
        "admin.overview",
        users=stats.users,
        consented=stats.consented,
        linked=stats.linked,
        employees=stats.employees,
        units=stats.units,
    )
    worst = [r for r in ratings if r.down][:3]
    if worst:
        lines = "\n".join(f"• {html.escape(r.entry_id)}: 👎 {r.down} · 👍 {r.up}" for r in worst)
        text += "\n\n" + t(lang, "admin.worst_rated", entries=lines)
    return Reply(text)


def error(t: Translator, lang: str) -> Reply:
    """The polite apology after an unexpected error."""
    return Reply(t(lang, "error.generic"))


def _first_name(name: str | None) -> str:
    return (name or "").split(" ")[0]


def kb_answer(t: Translator, lang: str, entry: Entry, related: list[Entry]) -> Reply:
    """A knowledge answer with its legal basis, date, rating buttons and related entries."""
    footer = t(
        lang,
        "kb.footer",
        sources=html.escape("; ".join(entry.sources)),
        effective=t.effective(entry.effective, lang),
    )
    rows: list[tuple[Button, ...]] = [
        (
            Button("👍", callbacks.KB_RATE.format(entry=entry.id, vote="up")),
            Button("👎", callbacks.KB_RATE.format(entry=entry.id, vote="down")),
        )
    ]
    rows += [
        (Button(f"📖 {r.title(lang)}", callbacks.KB_SHOW.format(entry=r.id)),) for r in related[:2]
    ]
    return Reply(f"{entry.answer(lang)}\n\n{footer}", tuple(rows))


def kb_choices(t: Translator, lang: str, candidates: tuple[Entry, ...]) -> Reply:
    """'Did you mean': the closest entries as buttons."""
    rows = tuple(
        (Button(e.title(lang), callbacks.KB_SHOW.format(entry=e.id)),) for e in candidates[:3]
    )
    return Reply(t(lang, "kb.did_you_mean"), rows)


def refused(t: Translator, lang: str, category: str) -> Reply:
    """A polite refusal that says why."""
    return Reply(t(lang, f"refusal.{category}"))


def rating_down(t: Translator, lang: str) -> Reply:
    """After 👎: invite the user to write the question for a person."""
    return Reply(t(lang, "kb.rated_down"))


def hr_open_list(t: Translator, lang: str, questions: list[Question], total: int) -> Reply:
    """The open questions for an admin, each with an answer button."""
    if not questions:
        return Reply(t(lang, "hr.none_open"))
    lines = [t(lang, "hr.open_header", total=total)]
    rows = []
    for q in questions:
        when = t.date(q.created_at, lang)
        lines.append(f"<b>#{q.id}</b> ({when}, {q.language}): {html.escape(_short(q.text))}")
        label = t(lang, "hr.answer_button", number=q.id)
        rows.append((Button(label, callbacks.HR_ANSWER.format(number=q.id)),))
    return Reply("\n\n".join(lines), tuple(rows))


def hr_answer_prompt(t: Translator, lang: str, question: Question) -> Reply:
    return Reply(
        t(lang, "hr.answer_prompt", number=question.id, question=html.escape(question.text))
    )


def hr_delivered(t: Translator, lang: str, question: Question, delivered: bool) -> Reply:
    key = "hr.delivered" if delivered else "hr.not_delivered"
    button = Button(t(lang, "hr.draft_button"), callbacks.HR_DRAFT.format(number=question.id))
    return Reply(t(lang, key, number=question.id), ((button,),))


def hr_answer_for_asker(t: Translator, question: Question) -> Reply:
    """What the asker receives: their question quoted, then the officer's answer."""
    lang = question.language
    return Reply(
        t(
            lang,
            "hr.answer_to_asker",
            question=html.escape(question.text),
            answer=html.escape(question.answer or ""),
        )
    )


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def kb_answer_with_related(t: Translator, lang: str, entry: Entry, base: KnowledgeBase) -> Reply:
    """An entry with its related entries looked up in the base."""
    related = [r for rid in entry.related if (r := base.get(rid)) is not None]
    return kb_answer(t, lang, entry, related)


def kb_result(t: Translator, result: Result, base: KnowledgeBase) -> Reply:
    """What the user sees for a classified question (chat and ``asnbot ask`` alike)."""
    lang = result.language
    if result.status == ANSWERED and result.entry is not None:
        return kb_answer_with_related(t, lang, result.entry, base)
    if result.status == AMBIGUOUS:
        return kb_choices(t, lang, result.candidates)
    if result.status == REFUSED and result.refusal is not None:
        return refused(t, lang, result.refusal)
    return not_understood(t, lang, True)


# -- personal data (linked employees) -------------------------------------------------------


def _finding_line(t: Translator, lang: str, finding: Finding) -> str:
    values = {k: _value(t, lang, v) for k, v in finding.values.items()}
    line = "• " + t(lang, finding.key, **values)
    if finding.basis:
        line += f" <i>({html.escape(finding.basis)})</i>"
    if finding.confidence == "unsure":
        line += " " + t(lang, "career.unsure")
    return line


def _value(t: Translator, lang: str, value: object) -> object:
    if isinstance(value, date):
        return t.date(value, lang)
    if isinstance(value, float):
        return t.number(value, lang)
    if isinstance(value, list):
        return ", ".join(t(lang, f"career.requirement.{v}") for v in value)
    if isinstance(value, str) and value in LEVEL_KEYS:
        return t(lang, f"level.{value}")
    return value


LEVEL_KEYS = (
    "pemula", "terampil", "mahir", "penyelia", "ahli_pertama", "ahli_muda", "ahli_madya",
    "ahli_utama",
)  # fmt: skip


def not_linked(t: Translator, lang: str) -> Reply:
    """Personal commands need a linked account."""
    return Reply(t(lang, "profile.not_linked"))


def profile(t: Translator, lang: str, p: Profile, today: date, masked: bool = False) -> Reply:
    """Name, NIP, position, rank, service, SKP and what data HR should update."""
    shown_nip = nip_module.mask(p.nip) if masked else p.nip
    ratings = sorted(p.person.ratings.items())[-2:]
    skp = ", ".join(f"{y}: {r}" for y, r in ratings) or t(lang, "profile.none")
    service = _duration(t, lang, p.cpns_tmt, today) if p.cpns_tmt else None
    lines = [
        t(lang, "profile.header", name=html.escape(p.name), nip=shown_nip),
        t(lang, "profile.position", position=html.escape(p.position_name),
          unit=html.escape(p.unit), region=html.escape(p.region)),
        t(lang, "profile.rank", grade=p.grade, tmt=t.date(p.grade_tmt, lang),
          years=_duration(t, lang, p.grade_tmt, today)),
        t(lang, "profile.service", years=service if service is not None else "-",
          kind=p.employment_type, education=p.education),
        t(lang, "profile.skp", skp=skp),
    ]  # fmt: skip
    if p.gaps_in_data:
        gaps = "\n".join("• " + t(lang, key) for key in p.gaps_in_data)
        lines.append(t(lang, "profile.gaps", gaps=gaps))
    else:
        lines.append(t(lang, "profile.complete"))
    return Reply("\n".join(lines))


def _duration(t: Translator, lang: str, start: date, end: date) -> str:
    """Whole years and months from ``start`` to ``end`` ("4 tahun 2 bulan")."""
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    if months < 0:
        return "-"
    return t(lang, "profile.duration", years=months // 12, months=months % 12)


def competencies(t: Translator, lang: str, report: CompetencyReport) -> Reply:
    """Each competency against the standard, the gap and the JPM with its category."""
    names = {c.code: (c.name_en if lang == "en" else c.name_id) for c in catalog.competencies()}
    lines = [t(lang, "competency.header")]
    for row in report.rows:
        actual = "-" if row.actual is None else str(row.actual)
        gap = f" ⚠️ −{row.gap}" if row.gap else " ✅"
        lines.append(f"• {html.escape(names[row.code])}: {actual} / {row.required}{gap}")
    if report.jpm is None:
        lines.append(t(lang, "competency.not_assessed"))
    else:
        assert report.assessed_on is not None
        lines.append(t(lang, "competency.jpm", jpm=t.number(report.jpm, lang),
                       category=t(lang, f"competency.category.{report.category}"),
                       date=t.date(report.assessed_on, lang)))  # fmt: skip
    if report.typical_standard:
        lines.append(t(lang, "competency.typical"))
    return Reply("\n".join(lines))


def competency_chart(t: Translator, lang: str, report: CompetencyReport) -> bytes:
    """The radar chart of actual against required levels."""
    names = {c.code: (c.name_en if lang == "en" else c.name_id) for c in catalog.competencies()}
    return charts.radar(
        [names[r.code] for r in report.rows],
        [float(r.actual or 0) for r in report.rows],
        [float(r.required) for r in report.rows],
        (t(lang, "competency.actual"), t(lang, "competency.required")),
    )


def training(t: Translator, lang: str, advice: TrainingAdvice) -> Reply:
    """Recommended training, biggest gap first, and this year's hours against the right."""
    lines = [t(lang, "training.header")]
    if not advice.recommended:
        lines.append(t(lang, "training.no_gap"))
    for item, gap in advice.recommended:
        name = item.name_en if lang == "en" else item.name_id
        lines.append(t(lang, "training.item", name=html.escape(name), gap=gap,
                       provider=html.escape(item.provider), mode=item.mode,
                       jp=item.jp or "-"))  # fmt: skip
    key = "training.hours_pppk" if advice.pppk else "training.hours_pns"
    lines.append(t(lang, key, hours=advice.hours_this_year, target=advice.target))
    return Reply("\n\n".join(lines))


def career_outlook(t: Translator, lang: str, outlook: Career) -> Reply:
    """What follows from the rules, each with its reason and regulation."""
    sections = [
        ("career.section_promotion", outlook.promotion + outlook.credit),
        ("career.section_retirement", outlook.retirement),
        ("career.section_jpt", outlook.jpt),
        ("career.section_rotation", outlook.rotation),
    ]
    parts = [t(lang, "career.header")]
    for title, findings in sections:
        if findings:
            body = "\n".join(_finding_line(t, lang, f) for f in findings)
            parts.append(f"<b>{t(lang, title)}</b>\n{body}")
    parts.append(t(lang, "career.disclaimer"))
    return Reply("\n\n".join(parts))
