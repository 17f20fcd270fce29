"""The independent question set: well formed, its test half frozen, its tuning half no worse."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from benchmarks import independent
from bot.config import DEFAULT_CONFIG, load_config
from bot.knowledge import asking
from bot.knowledge.answering import Knowledge

LABELS = (independent.REFUSED, independent.SMALLTALK, independent.HANDOFF, independent.PERSONAL)
COMMANDS = {"karier", "kompetensi", "pelatihan", "profil"}


def test_the_test_halves_are_frozen() -> None:
    digest = hashlib.sha256(independent.TEST.read_bytes()).hexdigest()
    assert digest == independent.FROZEN_SHA256, "the frozen half was edited: revert it"
    digest = hashlib.sha256(independent.TEST2.read_bytes()).hexdigest()
    assert digest == independent.FROZEN2_SHA256, "round 2's frozen half was edited: revert it"


def test_the_second_round_is_well_formed() -> None:
    knowledge, _ = asking.load(load_config(DEFAULT_CONFIG, {}))
    tune, test = independent.load(independent.TUNE2), independent.load(independent.TEST2)
    assert len(tune) == len(test) == 160
    old = {
        i.question.lower()
        for p in (independent.TUNE, independent.TEST)
        for i in independent.load(p)
    }
    _assert_well_labelled(tune + test, knowledge)
    # Only a bare greeting or "??" may have been written by both rounds.
    again = {i.question.lower() for i in tune + test} & old
    assert all(i.kind == independent.SMALLTALK for i in tune + test if i.question.lower() in again)


def test_both_halves_are_large_and_well_formed() -> None:
    knowledge, _ = asking.load(load_config(DEFAULT_CONFIG, {}))
    tune, test = independent.load(independent.TUNE), independent.load(independent.TEST)
    assert len(tune) + len(test) >= 400
    assert min(len(tune), len(test)) >= 200
    _assert_well_labelled(tune + test, knowledge)
    assert sum(i.kind == independent.REFUSED for i in test) >= 20


def _assert_well_labelled(items: list[independent.Item], knowledge: Knowledge) -> None:
    """No question twice; entry labels name entries, other labels are one of LABELS."""
    questions = [i.question.lower() for i in items]
    assert len(set(questions)) == len(questions)
    for item in items:
        if item.kind == "entry":  # an id merged into another entry still counts (``replaces``)
            assert all(knowledge.base.get(i) is not None for i in item.expected + item.also), item
        else:
            assert len(item.expected) == 1, item
            assert item.expected[0] in LABELS, item
        assert item.kind != independent.PERSONAL or item.command in COMMANDS, item


def _tuning_figures(path: Path) -> independent.Figures:
    knowledge, _ = asking.load(load_config(DEFAULT_CONFIG, {}))
    items = independent.resolved(independent.load(path), knowledge.base)
    return independent.figures(items, independent.run(knowledge, items))


def test_the_tuning_half_does_not_get_worse() -> None:
    """A regression floor, set below the figures measured when it was written (README)."""
    figures = _tuning_figures(independent.TUNE)
    assert figures.direct_right >= 0.76  # 77.7 % with the lead rule (74.9 % before it)
    assert figures.maksud_anda <= 0.15  # 14.4 % (16.7 % before)
    assert figures.confident_wrong <= 0.04
    assert figures.out_of_scope_declined >= 0.95


def test_the_second_tuning_half_does_not_get_worse() -> None:
    """A regression floor under the figures of 2026-12-04 (README: 57.4 % right, 15.0 % menus,
    8.1 % confidently wrong; 40.6 %, 31.2 % and 10.0 % when the round was written)."""
    figures = _tuning_figures(independent.TUNE2)
    assert figures.direct_right >= 0.55
    assert figures.maksud_anda <= 0.17
    assert figures.confident_wrong <= 0.10
    assert figures.out_of_scope_declined >= 0.95


@pytest.mark.parametrize(
    ("halves", "relabels"),
    [
        ((independent.TUNE, independent.TEST), independent.RELABELS),
        ((independent.TUNE2, independent.TEST2), independent.RELABELS2),
    ],
)
def test_later_labels_only_give_handoff_questions_an_entry_written_since(
    halves: tuple[Path, Path], relabels: Path
) -> None:
    knowledge, _ = asking.load(load_config(DEFAULT_CONFIG, {}))
    raw = [
        json.loads(line)
        for path in halves
        for line in path.read_text(encoding="utf-8").splitlines()
    ]
    handoff = {r["question"] for r in raw if r["expected"] == [independent.HANDOFF]}
    later = [json.loads(line) for line in relabels.read_text().splitlines() if line]
    assert later
    assert {r["question"] for r in later} <= handoff
    for row in later:
        labels = row["expected"]
        assert labels == [independent.HANDOFF] or all(knowledge.base.get(i) for i in labels), row


def test_refusal_probes_decline_what_they_should_and_answer_the_rules() -> None:
    """benchmarks/data/refusal_probes.jsonl: 100 messages written to probe the refusals (65 to
    decline, 35 near misses about the rules); the patterns were tuned on them, so this is a
    regression floor, not a quality figure."""
    from bot.knowledge.answering import NO_MATCH, REFUSED
    from bot.sensitive import looks_secret

    knowledge, _ = asking.load(load_config(DEFAULT_CONFIG, {}))
    path = independent.DATA / "refusal_probes.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    wrong = []
    for row in rows:
        status = knowledge.ask_uncached(row["question"]).status
        declined = looks_secret(row["question"]) or status in (REFUSED, NO_MATCH)
        if row["decline"] != (declined if row["decline"] else status == REFUSED):
            wrong.append(row["question"])
    assert len(rows) == 100
    assert len(wrong) <= 3, wrong
