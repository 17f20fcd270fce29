"""Knowledge search without Telegram: normalisation, matching, bands, refusals, reloading."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.knowledge import kb
from bot.knowledge import views as kb_views
from bot.knowledge.answering import (
    AMBIGUOUS,
    ANSWERED,
    NO_MATCH,
    REFUSED,
    Knowledge,
    Result,
    Thresholds,
)
from bot.knowledge.normalize import Lexicon, clean, looks_english, rewrite, tokens
from bot.knowledge.query import understand

LEXICON = Lexicon.load()
KNOWLEDGE = Knowledge(Thresholds())
TEN_YEARS = "mutasi-aturan-10-tahun-pns-baru"


@pytest.mark.parametrize(
    ("typed", "meaning"),
    [
        (
            "Sy mau tny, KP reguler brp thn???",
            "saya mau tanya kenaikan pangkat reguler berapa tahun",
        ),
        (
            "cakmano kito pindah ke kabupaten lain",
            "bagaimana kita mutasi pindah ke kabupaten lain",
        ),
        ("gmn klo blm ujikom", "bagaimana kalau belum uji kompetensi"),
        ("ikut open bidding jpt", "ikut seleksi terbuka jabatan pimpinan tinggi"),
        ("naik pangkat bangettt lamaaa", "kenaikan pangkat banget lama"),
        ("golongan III/a ke III/b", "golongan iii/a ke iii/b"),
        ("diklatpim 3 itu apa skrg", "pelatihan kepemimpinan diklatpim 3 itu apa sekarang"),
    ],
)
def test_chat_language_is_rewritten_before_matching(typed: str, meaning: str) -> None:
    assert rewrite(typed, LEXICON) == meaning


def test_cleaning_drops_punctuation_and_keeps_rank_slashes() -> None:
    assert clean("  Gol. IV/a, TMT 1/10!  ") == "gol iv/a tmt 1 10"
    assert "saya" not in tokens("saya mau tanya syarat kp", LEXICON)


@pytest.mark.parametrize(
    ("question", "english"),
    [("what is the retirement age for a civil servant", True),
     ("berapa batas usia pensiun pns", False), ("kp reguler brp thn", False)],
)  # fmt: skip
def test_language_detection(question: str, english: bool) -> None:
    assert looks_english(clean(question), LEXICON) is english


def test_the_shipped_base_is_complete() -> None:
    base = KNOWLEDGE.base
    assert len(base.entries) >= 150
    assert {e.topic for e in base.entries} == set(base.topics)
    for entry in base.entries:
        assert len(entry.questions_id) + len(entry.informal_id) >= 4
        assert entry.questions_en
        assert entry.sources


def test_each_entry_is_found_by_its_own_example_questions() -> None:
    misses = []
    questions = 0
    for entry in KNOWLEDGE.base.entries:
        for question in entry.questions:
            questions += 1
            result = KNOWLEDGE.ask(question)
            best = result.matches[0].entry_id if result.matches else None
            if best != entry.id:
                misses.append((entry.id, question, best))
    assert len(misses) / questions <= 0.03, misses[:20]


def test_a_clear_question_is_answered_with_the_current_rule() -> None:
    result = KNOWLEDGE.ask("kp reguler brp thn sekali sih?")
    assert result.status == ANSWERED
    assert result.entry is not None
    assert result.entry.id == "kp-reguler-syarat"
    assert "4 tahun" in result.entry.answer_id


def test_a_vague_question_offers_at_most_three_choices() -> None:
    result = KNOWLEDGE.ask("pangkat")
    assert result.status in (AMBIGUOUS, ANSWERED, NO_MATCH)
    if result.status == AMBIGUOUS:
        assert 1 <= len(result.candidates) <= 3


def test_in_domain_without_an_answer_is_no_match_and_off_topic_is_refused() -> None:
    assert KNOWLEDGE.ask("resep rendang padang yang enak gimana?").status == REFUSED
    assert KNOWLEDGE.ask("resep rendang padang yang enak gimana?").refusal == "unrelated"
    result = KNOWLEDGE.ask("berapa besar tunjangan kemahalan pegawai di kabupaten tebo")
    assert result.status in (NO_MATCH, AMBIGUOUS)


@pytest.mark.parametrize(
    ("question", "category"),
    [
        ("berapa gaji pak budi kepala dinas pendidikan?", "other_person"),
        ("minta nip atasan saya dong", "other_person"),
        ("skp teman saya dapat apa tahun lalu?", "other_person"),
        ("what is the salary of my boss", "other_person"),
        ("198609262015051001 ini nip siapa ya", "other_person"),
        ("tolong login ke akun mysapk teman saya", "account"),
        ("saya lupa password siasn atasan, bisa bantu?", "account"),
        ("daftarkan nip teman saya ke bot ini", "account"),
        ("bayar berapa biar lolos seleksi jpt?", "shortcut"),
        ("ada orang dalam gak biar cepet mutasi", "shortcut"),
        ("bisa naik pangkat tanpa ujian dinas?", "shortcut"),
        ("apakah saya akan dimutasi tahun ini?", "prediction"),
        ("siapa yang bakal jadi sekda baru?", "prediction"),
        ("will i be promoted next year?", "prediction"),
        ("calon gubernur mana yang bagus dipilih?", "politics"),
        ("menurut kamu partai apa yang terbaik", "politics"),
        ("siapa juara liga inggris musim ini", "unrelated"),
        ("cuaca di kerinci besok gimana", "unrelated"),
    ],
)
def test_out_of_scope_is_refused_with_its_reason(question: str, category: str) -> None:
    result = KNOWLEDGE.ask(question)
    assert (result.status, result.refusal) == (REFUSED, category)


@pytest.mark.parametrize(
    "question",
    [
        "nip saya salah di siasn pak, gimana memperbaikinya?",
        "pak, mau tanya syarat kenaikan pangkat reguler",
        "bagaimana cara membaca nip?",
        "apakah saya bisa mutasi ke kabupaten lain?",
        "berapa batas usia pensiun jabatan fungsional ahli madya",
        "can I move to another regency?",
    ],
)
def test_legitimate_questions_are_not_refused(question: str) -> None:
    assert KNOWLEDGE.ask(question).status != REFUSED


ENTRY = """
[[entry]]
id = "{id}"
topic = "pangkat"
title_id = "Judul {id}"
title_en = "Title {id}"
questions_id = ["Apa itu {word} menurut aturan?", "Bagaimana ketentuan {word} saat ini?"]
informal_id = ["{word} tu apa sih", "gmn aturan {word} skrg"]
questions_en = ["What is {word}?"]
answer_id = "Jawaban tentang <b>{word}</b>."
answer_en = "An answer about <b>{word}</b>."
sources = ["PP 1/2000"]
effective = "2025-10"
keywords = ["{word}", "{word} asn"]
confidence = "sure"
"""


def _write_base(directory: Path, body: str) -> None:
    directory.mkdir(exist_ok=True)
    shutil.copy(kb.KB_DIR / "topics.toml", directory / "topics.toml")
    (directory / "entries.toml").write_text(body, encoding="utf-8")


def test_content_problems_name_file_entry_and_field(tmp_path: Path) -> None:
    good = ENTRY.format(id="satu", word="zulu")
    broken = (
        good
        + ENTRY.format(id="satu", word="yankee")  # duplicate id
        + ENTRY.format(id="dua", word="zulu")  # duplicate example questions
        + ENTRY.format(id="tiga", word="xray").replace('<b>xray</b>."', '<b>xray."', 1)
        + ENTRY.format(id="empat", word="whisky").replace(
            'confidence = "sure"', 'confidence = "unsure"'
        )
        + ENTRY.format(id="lima", word="victor").replace(
            'effective = "2025-10"', 'effective = "10/2025"'
        )
        + ENTRY.format(id="enam", word="uniform").replace('topic = "pangkat"', 'topic = "gaji"')
    )
    _write_base(tmp_path / "kb", broken)
    with pytest.raises(kb.ContentError) as caught:
        kb.load(tmp_path / "kb")
    found = {(p.entry, p.field) for p in caught.value.problems}
    assert ("satu", "id") in found
    assert ("dua", "questions") in found
    assert ("tiga", "answer_id") in found
    assert ("empat", "answer_id") in found
    assert ("lima", "effective") in found
    assert ("enam", "topic") in found
    assert all(p.file == "entries.toml" for p in caught.value.problems)


def test_claims_the_brief_corrected_are_caught_unless_the_correction_is_there(
    tmp_path: Path,
) -> None:
    stale = ENTRY.format(id="lama", word="zulu").replace(
        'answer_id = "Jawaban tentang <b>zulu</b>."',
        'answer_id = "Diatur UU 5/2014 Pasal 116; KP diproses April dan Oktober."',
    )
    current = ENTRY.format(id="baru", word="yankee").replace(
        'answer_id = "Jawaban tentang <b>yankee</b>."',
        'answer_id = "UU 5/2014 Pasal 116, kini diganti UU 20/2023; dulu April dan Oktober, '
        'sejak PerBKN 4/2025 setiap bulan."',
    )
    _write_base(tmp_path / "kb", stale + current)
    with pytest.raises(kb.ContentError) as caught:
        kb.load(tmp_path / "kb")
    found = [(p.entry, p.field, p.message) for p in caught.value.problems]
    assert len(found) == 2
    assert all(entry == "lama" and field == "answer_id" for entry, field, _ in found)
    assert "UU 20/2023" in found[0][2]
    assert "PerBKN 4/2025" in found[1][2]


async def test_edited_content_is_picked_up_and_a_broken_edit_keeps_the_old(
    tmp_path: Path,
) -> None:
    directory = tmp_path / "kb"
    _write_base(directory, ENTRY.format(id="satu", word="zulu"))
    knowledge = Knowledge(Thresholds(), directory, tmp_path / "cache")
    assert await knowledge.reload(force=False) is None
    (directory / "more.toml").write_text(ENTRY.format(id="dua", word="quebec"))
    assert await knowledge.reload(force=False) == []
    assert knowledge.ask("apa itu quebec menurut aturan").entry is not None
    (directory / "more.toml").write_text("[[entry]]\nid = 'rusak'\n")
    problems = await knowledge.reload(force=False)
    assert problems
    assert knowledge.base.get("dua") is not None  # still the previous version


def test_a_version_is_built_once_per_content_and_read_back_from_the_cache(
    tmp_path: Path,
) -> None:
    from bot.knowledge import versions

    directory = tmp_path / "kb"
    _write_base(directory, ENTRY.format(id="satu", word="zulu"))
    first = versions.build(directory, tmp_path / "cache")
    versions._BUILT.clear()  # as a new process would start
    again = versions.build(directory, tmp_path / "cache")
    (directory / "more.toml").write_text(ENTRY.format(id="dua", word="quebec"))
    changed = versions.build(directory, tmp_path / "cache")
    assert len(list((tmp_path / "cache").glob("knowledge-*.pickle"))) == 1
    assert again is not first
    assert [e.id for e in again.base.entries] == [e.id for e in first.base.entries]
    query = understand("apa itu zulu", again.lexicon, again.index.known)
    assert again.index.search(query, 1)[0].entry_id == "satu"
    assert changed.base.get("dua") is not None


def _three_entries(same_topic: bool) -> list[str]:
    """The first entry, then two of its topic or two of other topics."""
    first = KNOWLEDGE.base.entries[0]
    others = [e for e in KNOWLEDGE.base.entries[1:] if (e.topic == first.topic) == same_topic]
    return [first.id, others[0].id, others[1].id]


@pytest.mark.parametrize(
    ("scores", "same_topic", "status", "tentative"),
    [
        ((50.0, 36.0, 35.0), False, ANSWERED, False),  # below confident, but far ahead
        ((50.0, 47.0, 30.0), False, AMBIGUOUS, False),  # close entries of other topics: a menu
        ((50.0, 44.0, 30.0), False, ANSWERED, True),  # ahead by the hedge lead: hedged
        ((50.0, 48.0, 30.0), True, ANSWERED, True),  # close, one topic: the first, hedged
        ((44.0, 43.0, 30.0), True, AMBIGUOUS, False),  # one topic but too weak: a menu
        ((40.0, 20.0, 10.0), False, NO_MATCH, False),  # far ahead but weak: a person is offered
    ],
)
def test_an_entry_far_ahead_is_answered_without_a_menu(
    scores: tuple[float, float, float], same_topic: bool, status: str, tentative: bool
) -> None:
    from bot.knowledge.search import Match

    ids = _three_entries(same_topic)
    matches = tuple(Match(i, score) for i, score in zip(ids, scores, strict=True))
    query = KNOWLEDGE.understand("kenaikan pangkat pns")
    result = KNOWLEDGE._decide(query, "id", matches)
    assert result.status == status
    assert result.tentative is tentative
    if status == ANSWERED:
        assert result.entry is not None
        assert result.entry.id == ids[0]


def test_the_cached_index_is_the_built_one_with_one_object_per_weight() -> None:
    import pickle

    built = KNOWLEDGE._version.index
    cached = pickle.loads(pickle.dumps(built))
    assert cached.grams == built.grams
    assert cached._by_initial == built._by_initial  # the same typo fix in every process
    assert all(words == sorted(words) for words in built._by_initial.values())
    for index in (built, cached):
        weights = [w for doc_grams in index.grams for w in doc_grams.values()]
        assert len({id(w) for w in weights}) == len(set(weights)) < len(weights) // 20


def test_every_rendered_answer_fits_one_telegram_message() -> None:
    from zoneinfo import ZoneInfo

    from bot.i18n import Translator

    t = Translator(ZoneInfo("Asia/Jakarta"))
    base = KNOWLEDGE.base
    for entry in base.entries:
        for lang in ("id", "en"):
            reply = kb_views.kb_answer_with_related(t, lang, entry, base)
            assert len(kb.rendered_text(reply.text)) <= kb.TELEGRAM_LIMIT, (entry.id, lang)
            for row in reply.buttons:
                for button in row:
                    assert len(button.data.encode()) <= 64


def test_only_the_start_of_a_very_long_question_is_searched() -> None:
    from bot.knowledge.query import MAX_QUESTION_CHARS

    head = "kp reguler brp thn sekali? "
    flood = head + "zzz qqq " * 600  # a 4,096-character message
    result = KNOWLEDGE.ask(flood)
    assert len(result.question) == MAX_QUESTION_CHARS
    assert result.question == flood[:MAX_QUESTION_CHARS]


async def test_a_repeated_question_is_answered_from_the_cache_until_a_reload(
    tmp_path: Path,
) -> None:
    knowledge = Knowledge(Thresholds(), cache_dir=tmp_path)
    first = knowledge.ask("kp reguler brp thn sekali sih?")
    assert knowledge.ask("kp reguler brp thn sekali sih?") is first
    assert knowledge.ask("kp reguler brp thn sekali sih?", "en") is not first
    assert await knowledge.reload() == []
    again = knowledge.ask("kp reguler brp thn sekali sih?")
    assert again is not first
    assert again == knowledge.ask_uncached("kp reguler brp thn sekali sih?")


@pytest.mark.parametrize(
    ("message", "talk"),
    [("halo", "greeting"), ("Selamat pagi pak!", "greeting"),
     ("Assalamualaikum wr wb", "greeting"), ("terima kasih banyak ya min", "thanks"),
     ("ok makasih", "thanks"), ("thanks a lot", "thanks"), ("??", "unclear"), ("🙏", "unclear"),
     ("tes", "unclear"), ("makasih ya infonya soal mutasi, sangat membantu", "thanks"),
     ("awak ni sapo, biso bantu apo bae?", "greeting"), ("who are you?", "greeting")],
)  # fmt: skip
def test_small_talk_gets_a_friendly_reply_not_a_search(message: str, talk: str) -> None:
    from zoneinfo import ZoneInfo

    from bot.i18n import Translator
    from bot.knowledge.answering import SMALLTALK

    result = KNOWLEDGE.ask(message)
    assert (result.status, result.talk) == (SMALLTALK, talk)
    reply = kb_views.kb_result(Translator(ZoneInfo("Asia/Jakarta")), result, KNOWLEDGE.base)
    assert "petugas" not in reply.text  # no hand-off offer
    assert reply.buttons[0][0].data == "menu:help"


@pytest.mark.parametrize(
    "message", ["halo min, kp reguler brp thn?", "terima kasih, tapi kalau mutasi ke provinsi?"]
)
def test_a_question_that_starts_with_a_greeting_is_answered(message: str) -> None:
    from bot.knowledge.answering import SMALLTALK

    assert KNOWLEDGE.ask(message).status != SMALLTALK


def test_a_two_part_question_gets_both_answers_in_one_reply() -> None:
    from zoneinfo import ZoneInfo

    from bot.i18n import Translator
    from bot.knowledge.parts import split

    assert split("latsar wajib? klo gk lulus gmn?") == ("latsar wajib", "klo gk lulus gmn")
    assert split("berapa gaji dan tunjangan pns") is None  # "dan" joining nouns is one question
    result = KNOWLEDGE.ask("latsar wajib? klo gk lulus gmn?")
    assert result.status == ANSWERED
    assert result.entry is not None
    assert result.second is not None
    assert (result.entry.id, result.second.id) == ("latsar-cpns-ketentuan", "latsar-tidak-lulus")
    reply = kb_views.kb_result(Translator(ZoneInfo("Asia/Jakarta")), result, KNOWLEDGE.base)
    assert result.entry.answer("id")[:60] in reply.text
    assert result.second.answer("id")[:60] in reply.text
    shown = [b.data for row in reply.buttons for b in row]
    assert f"kb:show:{result.second.id}" not in shown  # already answered above


def test_a_close_runner_up_is_offered_as_see_also_under_the_answer() -> None:
    from zoneinfo import ZoneInfo

    from bot.i18n import Translator

    base = KNOWLEDGE.base
    entry, other = base.entries[0], base.entries[1]
    result = Result("q", ANSWERED, "id", entry, 70.0, see_also=(other,))
    reply = kb_views.kb_result(Translator(ZoneInfo("Asia/Jakarta")), result, base)
    labels = {b.label: b.data for row in reply.buttons for b in row}
    assert labels[f"🔎 Lihat juga: {other.title_id}"] == f"kb:show:{other.id}"


def test_one_s_own_appraisal_process_is_not_another_person_s_data() -> None:
    assert KNOWLEDGE.ask("SKP saya dinilai atasan lama atau baru?").status != REFUSED
    refused = KNOWLEDGE.ask("SKP teman saya dinilai berapa sama atasan?")
    assert (refused.status, refused.refusal) == (REFUSED, "other_person")


@pytest.mark.parametrize(
    ("question", "refused"),
    [("ASN boleh dukung calon di medsos?", False), ("pns boleh like postingan paslon gk", False),
     ("asn ikut kampanye kena sanksi apa", False), ("pns boleh pilih partai apa?", True),
     ("sebaiknya saya pilih calon bupati yang mana?", True)],
)  # fmt: skip
def test_the_neutrality_rule_is_answered_but_whom_to_vote_for_is_refused(
    question: str, refused: bool
) -> None:
    result = KNOWLEDGE.ask(question)
    assert (result.status == REFUSED) == refused
    if not refused:
        assert result.entry is not None
        assert result.entry.id.startswith("netralitas-")


def test_an_nip_in_the_question_is_decoded_but_never_echoed_whole() -> None:
    from datetime import date
    from zoneinfo import ZoneInfo

    from bot.career import nip
    from bot.i18n import Translator

    number = nip.build(date(1990, 3, 14), date(2015, 2, 1), "P", 7)
    t = Translator(ZoneInfo("Asia/Jakarta"))
    spaced = f"{number[:8]} {number[8:14]} {number[14]} {number[15:]}"
    result = KNOWLEDGE.ask(f"nip sy {spaced} artinya apa")
    reply = kb_views.kb_result(t, result, KNOWLEDGE.base)
    assert "lahir 14 Maret 1990, TMT CPNS Februari 2015, perempuan, nomor urut 007" in reply.text
    assert number not in reply.text
    refused = KNOWLEDGE.ask(f"nip {number} punya siapa?")
    assert refused.status == REFUSED
    assert "lahir" not in kb_views.kb_result(t, refused, KNOWLEDGE.base).text


@pytest.mark.parametrize(
    ("question", "expected"),
    [("sy PNS baru 3 thn, mau pindah ke kabupaten lain bisa gk", ("new-pns-moving", TEN_YEARS)),
     ("cpns baru 2 taun bs mutasi ikut suami gk", ("new-pns-moving", TEN_YEARS)),
     ("saya sudah 12 tahun jadi PNS, mau pindah ke provinsi", None),
     ("sy kasi di dinas, pensiunnya umur 58 atau 60?",
      ("administrator-or-staff-retiring", "pensiun-bup-administrasi")),
     ("kadis pensiun umur brp", ("senior-executive-retiring", "pensiun-bup-jpt")),
     ("pppk kepala dinas pensiun umur brp", None)],
)  # fmt: skip
def test_a_fact_stated_in_the_question_decides_the_answer(
    question: str, expected: tuple[str, str] | None
) -> None:
    result = KNOWLEDGE.ask(question)
    if expected is None:
        assert result.fact is None
    else:
        assert (result.status, result.fact) == (ANSWERED, expected[0])
        assert result.entry is not None
        assert result.entry.id == expected[1]


def test_indonesian_leaking_into_an_english_answer_is_caught_but_quoted_terms_pass() -> None:
    assert kb.indonesian_in("Results orientation (Orientasi pada hasil) is one of eight.") == []
    assert kb.indonesian_in("The <i>surat keputusan dan lampiran</i> is signed.") == []
    assert kb.indonesian_in("You must submit the form dan wait for the SK.") == ["dan"]


def test_a_merged_entry_is_found_by_its_old_id_and_an_old_id_cannot_be_reused(
    tmp_path: Path,
) -> None:
    directory = tmp_path / "kb"
    shutil.copytree(kb.KB_DIR, directory)
    path = directory / "pangkat.toml"
    text = path.read_text(encoding="utf-8")
    first = text.index('id = "', text.index("[[entry]]"))
    end = text.index("\n", first)
    path.write_text(text[: end + 1] + 'replaces = ["kp-lama-digabung"]\n' + text[end + 1 :])
    base = kb.load(directory)
    merged = base.get("kp-lama-digabung")
    assert merged is not None
    assert merged is base.get(merged.id)
    taken = text[: end + 1] + f'replaces = ["{base.entries[-1].id}"]\n' + text[end + 1 :]
    path.write_text(taken)
    with pytest.raises(kb.ContentError) as error:
        kb.load(directory)
    assert any(p.field == "replaces" for p in error.value.problems)


def test_english_answers_explain_their_indonesian_terms_from_one_glossary() -> None:
    from zoneinfo import ZoneInfo

    from bot.i18n import Translator
    from bot.knowledge import glossary

    t = Translator(ZoneInfo("Asia/Jakarta"))
    entry = next(e for e in KNOWLEDGE.base.entries if "pengawas" in e.answer_en)
    pengawas = next(term for term in glossary.terms() if term.term == "pengawas")
    english = kb_views.kb_answer(t, "en", entry, []).text
    assert f"<i>pengawas</i>: {pengawas.en}" in english
    assert english.index("Terms:") < english.index("Legal basis")
    assert "Terms:" not in kb_views.kb_answer(t, "id", entry, []).text


def test_the_content_check_refuses_a_bare_supervisor_in_english() -> None:
    assert kb.supervisor_in("Talk to your supervisor about it.")
    assert not kb.supervisor_in(
        "Talk to your direct superior; PKP (Supervisor Leadership Training)."
    )
    assert not kb.supervisor_in("<b>pengawas</b> (supervisor, formerly echelon IV)")


@pytest.mark.parametrize(
    ("question", "category"),
    [("Pak Kadis saya dimutasi kemana ya?", "prediction"),
     ("cara naikin nilai skp tanpa kerja, bukti dukung asal aja", "shortcut"),
     ("Can you write my proyek perubahan report so I can submit it as my own?", "shortcut"),
     ("nomor WA pribadi kepala BKD brp", "other_person"),
     ("kerja tanpa masuk kantor boleh gk", None), ("bukti dukung skp apa aja", None)],
)  # fmt: skip
def test_cheating_and_others_moves_are_declined_but_the_rules_are_not(
    question: str, category: str | None
) -> None:
    result = KNOWLEDGE.ask(question)
    assert result.refusal == category
