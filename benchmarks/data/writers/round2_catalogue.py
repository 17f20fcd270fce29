"""The labellers' catalogue: every entry's id, topic, titles, first examples and answer start."""
import sys

sys.path.insert(0, "/work/main")
from bot.knowledge import kb

base = kb.load()
out = []
for e in base.entries:
    answer = " ".join(kb.rendered_text(e.answer_id).split())
    out.append(f"## {e.id}\ntopic: {e.topic}\ntitle: {e.title_id} / {e.title_en}\n"
               f"examples: {' | '.join(e.questions_id[:3] + e.questions_en[:1])}\n"
               f"answer: {answer[:600]}\n")
open("/tmp/indep2/catalogue.md", "w").write("\n".join(out))
print(len(out))
