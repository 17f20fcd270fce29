"""HR's side of rotations: the plans per cohort, one cohort's people, the readiness summary."""

from __future__ import annotations

from collections.abc import Iterable

from bot import callbacks
from bot.career.nip import mask
from bot.i18n import Translator
from bot.replies import Button, Html, Reply
from bot.rotation.chart import Bars
from bot.rotation.guide import BLOCKS
from bot.rotation.plans import CohortLine, PlanLine
from bot.rotation.readiness import CHECKINS, REASONS, STATUSES
from bot.rotation.report import K_ANONYMITY, NO_ANSWER, Group, Summary

MAX_UNITS = 15


def cohorts(t: Translator, lang: str, lines: list[CohortLine]) -> Reply:
    if not lines:
        return Reply(t(lang, "rotation.hr_no_plans"))
    items = [
        t(lang, "rotation.hr_cohort", cohort=c.cohort, people=c.people, cancelled=c.cancelled,
          first=t.date(c.first_tmt, lang), last=t.date(c.last_tmt, lang), linked=c.linked,
          sent=c.reminders_sent, ready=c.ready, support=c.support, not_ready=c.not_ready)
        for c in lines
    ]  # fmt: skip
    return Reply(t(lang, "rotation.hr_cohorts") + "\n\n" + "\n\n".join(items)
                 + "\n\n" + t(lang, "rotation.hr_cohorts_help"))  # fmt: skip


def members(t: Translator, lang: str, cohort: str, lines: list[PlanLine], total: int) -> Reply:
    if not lines:
        return Reply(t(lang, "rotation.hr_no_cohort", cohort=cohort))
    items = []
    for line in lines:
        status = line.readiness
        answer = t(lang, f"rotation.status_{status}") if status else "–"
        state = "" if line.status == "planned" else " " + t(lang, "rotation.hr_cancelled")
        if line.mentor_requested:
            state += " · " + t(lang, "rotation.hr_mentor_flag")
        items.append(t(lang, "rotation.hr_member", id=line.rotation_id, name=line.name,
                       nip=mask(line.nip), unit=line.unit_code, position=line.position,
                       tmt=t.date(line.tmt, lang), answer=answer) + state)  # fmt: skip
    more = t(lang, "rotation.hr_more", count=total - len(lines)) if total > len(lines) else ""
    text = "\n".join([t(lang, "rotation.hr_members", cohort=cohort, total=total), "", *items])
    return Reply(text + ("\n" + more if more else "") + "\n\n" + t(lang, "rotation.hr_edit_help"))


def cancel_confirm(t: Translator, lang: str, rotation_id: int) -> Reply:
    button = Button(t(lang, "rotation.hr_cancel_button", id=rotation_id),
                    callbacks.ROT_CANCEL.format(rotation=rotation_id))  # fmt: skip
    return Reply(t(lang, "rotation.hr_cancel_ask", id=rotation_id), ((button,),))


def _counts(t: Translator, lang: str, group: Group) -> str:
    parts = [
        f"{t(lang, f'rotation.status_{status}')} {group.statuses.get(status, 0)}"
        for status in STATUSES
    ]
    parts.append(f"{t(lang, 'rotation.hr_no_answer')} {group.statuses.get(NO_ANSWER, 0)}")
    return " · ".join(parts)


def _breakdown(t: Translator, lang: str, group: Group) -> list[str]:
    """Barriers and reasons, only from K_ANONYMITY answers up."""
    if not group.breakdown_allowed:
        return [t(lang, "rotation.hr_suppressed", k=K_ANONYMITY)]
    lines: list[str] = []
    if group.barriers:
        barriers = _joined(f"{t(lang, f'rotation.block_name_{block}')} {group.barriers[block]}"
                             for block in BLOCKS if group.barriers.get(block))  # fmt: skip
        lines.append(t(lang, "rotation.hr_barriers", items=barriers))
    if group.reasons:
        common = [(reason, n) for reason, n in group.reasons.most_common() if reason in REASONS]
        reasons = _joined(f"{t(lang, f'rotation.reason_{reason}')} {n}" for reason, n in common)
        lines.append(t(lang, "rotation.hr_reasons", items=reasons))
    return lines


def _joined(parts: Iterable[str]) -> Html:
    """Pieces that are Telegram HTML already (translator output and numbers), comma-separated."""
    return Html(", ".join(parts))


def summary(t: Translator, lang: str, report: Summary) -> Reply:
    """Per target unit: counts; barriers and reasons where enough people answered."""
    if report.total.people == 0:
        return Reply(t(lang, "rotation.hr_no_plans"))
    scope = report.cohort or t(lang, "rotation.hr_all_cohorts")
    lines: list[str] = [t(lang, "rotation.hr_summary", scope=scope, people=report.total.people,
               answered=report.total.answered, mentors=report.total.mentors,
               unreachable=report.total.unreachable),
             _counts(t, lang, report.total), *_breakdown(t, lang, report.total)]  # fmt: skip
    for days, answers in sorted(report.checkins.items()):
        items = _joined(f"{t(lang, f'rotation.checkin_{checkin}')} {answers.get(checkin, 0)}"
                          for checkin in CHECKINS)  # fmt: skip
        lines.append(t(lang, "rotation.hr_checkins", days=days, items=items))
    lines.append("")
    lines.append(t(lang, "rotation.hr_units"))
    for group in report.units[:MAX_UNITS]:
        lines.append(t(lang, "rotation.hr_unit", unit=group.name, people=group.people))
        lines.append(_counts(t, lang, group))
        if group.breakdown_allowed:
            lines.extend(_breakdown(t, lang, group))
    if len(report.units) > MAX_UNITS:
        lines.append(t(lang, "rotation.hr_more_units", count=len(report.units) - MAX_UNITS))
    if len(report.cohorts) > 1 and report.cohort is None:
        lines.append("")
        lines.append(t(lang, "rotation.hr_pick_cohort", cohorts=", ".join(report.cohorts)))
    return Reply("\n".join(lines))


def export_labels(t: Translator, lang: str) -> dict[str, str]:
    """The workbook's headers and coded values in the admin's language."""
    keys = {
        "sheet_people": "rotation.x_sheet_people", "sheet_units": "rotation.x_sheet_units",
        "cohort": "rotation.x_cohort", "nip": "rotation.x_nip", "name": "rotation.x_name",
        "from_unit": "rotation.x_from_unit", "to_unit": "rotation.x_to_unit",
        "to_position": "rotation.x_to_position", "tmt": "rotation.x_tmt",
        "status": "rotation.x_status", "barrier": "rotation.x_barrier",
        "reason": "rotation.x_reason", "note": "rotation.x_note", "mentor": "rotation.x_mentor",
        "answered_at": "rotation.x_answered_at", "unreachable": "rotation.x_unreachable",
        "people": "rotation.x_people", "yes": "rotation.block_yes",
        "all_units": "rotation.x_all_units",
    }  # fmt: skip
    labels = {k: str(t(lang, v)) for k, v in keys.items()}
    labels |= {f"status_{status}": str(t(lang, f"rotation.status_{status}"))
               for status in STATUSES}  # fmt: skip
    labels[f"status_{NO_ANSWER}"] = str(t(lang, "rotation.hr_no_answer"))
    labels |= {f"block_{block}": str(t(lang, f"rotation.block_name_{block}"))
               for block in BLOCKS}  # fmt: skip
    labels |= {f"reason_{reason}": str(t(lang, f"rotation.reason_{reason}"))
               for reason in REASONS}  # fmt: skip
    labels |= {f"checkin_{checkin}": str(t(lang, f"rotation.checkin_{checkin}"))
               for checkin in CHECKINS}  # fmt: skip
    return labels


def chart_of(t: Translator, lang: str, report: Summary) -> Bars:
    """The summary's units as stacked bars: one series per answer, then "no answer"."""
    units = report.units[:MAX_UNITS]
    series = [
        (str(t(lang, f"rotation.status_{status}")), [g.statuses.get(status, 0) for g in units])
        for status in STATUSES
    ]
    series.append((str(t(lang, "rotation.hr_no_answer")),
                   [g.statuses.get(NO_ANSWER, 0) for g in units]))  # fmt: skip
    scope = report.cohort or t(lang, "rotation.hr_all_cohorts")
    return Bars([g.name for g in units], series,
                str(t(lang, "rotation.hr_chart_title", scope=scope)),
                str(t(lang, "rotation.hr_chart_axis")))  # fmt: skip
