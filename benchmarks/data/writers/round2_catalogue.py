"""The labellers' catalogue of round 2: every entry's id, topic, titles, first examples and the
start of its answer. Run from the repository root: .venv/bin/python benchmarks/data/writers/round2_catalogue.py OUT
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))
from bot.knowledge import kb  # noqa: E402

lines = []
for e in kb.load().entries:
    answer = " ".join(kb.rendered_text(e.answer_id).split())
    examples = " | ".join(e.questions_id[:3] + e.questions_en[:1])
    lines.append(f"## {e.id}\ntopic: {e.topic}\ntitle: {e.title_id} / {e.title_en}\n"
                 f"examples: {examples}\nanswer: {answer[:600]}\n")  # fmt: skip
Path(sys.argv[1]).write_text("\n".join(lines), encoding="utf-8")
print(len(lines))
