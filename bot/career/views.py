"""Rendering a linked employee's own data: profile, competencies, training, career."""

from __future__ import annotations

import html
from datetime import date

from bot import callbacks
from bot.career import catalog, charts
from bot.career import nip as nip_module
from bot.career.eligibility import Finding
from bot.career.profile import Career, CompetencyReport, Match, Profile, TrainingAdvice
from bot.i18n import Translator
from bot.replies import Button, Html, Reply, escape, html_to_text, join


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
        return join(", ", [t(lang, f"career.requirement.{v}") for v in value])
    if isinstance(value, str) and value in LEVEL_KEYS:
        return t(lang, f"level.{value}")
    if isinstance(value, str) and value in POSITION_KEYS:
        post = value
        return t(lang, f"position.{post}")
    return value


POSITION_KEYS = ("pelaksana", "fungsional", "pengawas", "administrator", "jpt_pratama",
                 "jpt_madya", "jpt_utama")  # fmt: skip
LEVEL_KEYS = (
    "pemula", "terampil", "mahir", "penyelia", "ahli_pertama", "ahli_muda", "ahli_madya",
    "ahli_utama",
)  # fmt: skip


def matches(t: Translator, lang: str, found: list[Match]) -> Reply:
    """Employees found by name, NIPs masked, a button to open each."""
    if not found:
        return Reply(t(lang, "admin.profile_none"))
    lines: list[str] = [t(lang, "admin.profile_matches", count=len(found))]
    lines += [f"• {escape(m.name)} — {nip_module.mask(m.nip)} — {escape(m.position_name)}"
              for m in found]  # fmt: skip
    buttons = tuple(
        (Button(f"👤 {m.name[:40]}", callbacks.ADMIN_PROFILE.format(number=m.employee_id)),)
        for m in found
    )
    return Reply("\n".join(lines), buttons)


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
        t(lang, "profile.header", name=p.name, nip=shown_nip),
        t(lang, "profile.position", position=p.position_name, unit=p.unit, region=p.region),
        t(lang, "profile.rank", grade=p.grade, tmt=t.date(p.grade_tmt, lang),
          years=_duration(t, lang, p.grade_tmt, today)),
        t(lang, "profile.service", years=service if service is not None else "-",
          kind=p.employment_type, education=p.education),
        t(lang, "profile.skp", skp=skp),
    ]  # fmt: skip
    if p.gaps_in_data:
        gaps = join("\n", [Html("• " + t(lang, key)) for key in p.gaps_in_data])
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
    if report.jpm is None:
        # No assessment on file: the standard of the post, and how to get assessed; no gap.
        lines: list[str] = [t(lang, "competency.not_assessed")]
        for row in report.rows:
            lines.append(t(lang, "competency.standard_line", name=names[row.code],
                           level=row.required))  # fmt: skip
        lines.append(t(lang, "competency.how_to_assess"))
    else:
        lines = [t(lang, "competency.header")]
        for row in report.rows:
            actual = "-" if row.actual is None else str(row.actual)
            gap = f" ⚠️ −{row.gap}" if row.gap else " ✅"
            lines.append(f"• {html.escape(names[row.code])}: {actual} / {row.required}{gap}")
        assert report.assessed_on is not None
        lines.append(t(lang, "competency.jpm", jpm=t.number(report.jpm, lang),
                       category=t(lang, f"competency.category.{report.category}"),
                       date=t.date(report.assessed_on, lang)))  # fmt: skip
    if report.typical_standard:
        lines.append(t(lang, "competency.typical"))
    return Reply("\n".join(lines))


def competency_chart(
    t: Translator, lang: str, report: CompetencyReport, p: Profile | None = None
) -> charts.Radar:
    """What the radar chart of actual against required levels shows (drawn by charts.draw),
    titled with the person, the position and the date of the assessment."""
    names = {c.code: (c.name_en if lang == "en" else c.name_id) for c in catalog.competencies()}
    title = ""
    if p is not None and report.assessed_on is not None:
        when = t.date(report.assessed_on, lang)
        title = html_to_text(t(lang, "competency.chart_title", name=p.name,
                               position=p.position_name, date=when))  # fmt: skip
    return charts.Radar(
        [names[r.code] for r in report.rows],
        [float(r.actual or 0) for r in report.rows],
        [float(r.required) for r in report.rows],
        (t(lang, "competency.actual"), t(lang, "competency.required")),
        title,
    )


def training(t: Translator, lang: str, advice: TrainingAdvice) -> Reply:
    """Recommended training, biggest gap first, and this year's hours against the right."""
    lines: list[str] = [t(lang, "training.header")]
    if not advice.assessed:
        lines.append(t(lang, "training.not_assessed"))
    elif not advice.recommended:
        lines.append(t(lang, "training.no_gap"))
    else:
        fit = "training.fit_pppk" if advice.pppk else "training.fit_position"
        lines.append(t(lang, fit, position=t(lang, f"position.{advice.position_type}")))
    for item, gap in advice.recommended:
        name = item.name_en if lang == "en" else item.name_id
        lines.append(t(lang, "training.item", name=name, gap=gap, provider=item.provider,
                       mode=item.mode,
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
    parts: list[str] = [t(lang, "career.header")]
    for title, findings in sections:
        if findings:
            body = "\n".join(_finding_line(t, lang, f) for f in findings)
            parts.append(f"<b>{t(lang, title)}</b>\n{body}")
    parts.append(t(lang, "career.disclaimer"))
    return Reply("\n\n".join(parts))
