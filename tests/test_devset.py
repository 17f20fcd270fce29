"""The development set's quality targets hold (answer quality, not timing)."""

from __future__ import annotations

from benchmarks import accuracy
from benchmarks.devset import load, resolved
from bot.config import DEFAULT_CONFIG, load_config
from bot.knowledge import asking


def test_the_development_set_is_large_and_well_formed() -> None:
    knowledge, _ = asking.load(load_config(DEFAULT_CONFIG, {}))
    items = resolved(load(), knowledge.base)
    ids = {e.id for e in knowledge.base.entries}
    assert len(items) >= 250
    assert sum(i.out_of_scope for i in items) >= 40
    assert len({i.question.lower() for i in items}) == len(items)
    for item in items:
        assert item.out_of_scope or set(item.expected) <= ids, item


def test_targets_are_met_on_the_development_set() -> None:
    knowledge, _ = asking.load(load_config(DEFAULT_CONFIG, {}))
    items = resolved(load(), knowledge.base)
    report = accuracy.evaluate("asnbot", items, accuracy.ours(knowledge))
    assert report.top1 >= accuracy.TARGETS["top1"]
    assert report.confident_wrong <= accuracy.TARGETS["confident_wrong"]
    assert report.refusal_recall >= accuracy.TARGETS["refusal_recall"]


def test_the_combined_search_beats_plain_wratio() -> None:
    knowledge, _ = asking.load(load_config(DEFAULT_CONFIG, {}))
    items = resolved(load(), knowledge.base)
    ours = accuracy.evaluate("asnbot", items, accuracy.ours(knowledge))
    baseline = accuracy.evaluate("baseline", items, accuracy.baseline(knowledge))
    assert ours.top1 > baseline.top1 + 0.3
