"""The asnbot command line as an operator or a script uses it (real subprocesses)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.career import demo
from db.migrate import head_revision

ASNBOT = str(Path(sys.executable).parent / "asnbot")


def run(
    args: list[str], tmp_path: Path, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "ASNBOT_"))
    }
    environment["ASNBOT_DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    environment.update(env)
    return subprocess.run(
        [ASNBOT, *args], input=stdin, capture_output=True, text=True, env=environment, timeout=120
    )


@pytest.mark.parametrize(
    "command", [[], ["run"], ["chat"], ["db"], ["db", "upgrade"], ["demo"], ["demo", "seed"]]
)
def test_every_command_has_help(tmp_path: Path, command: list[str]) -> None:
    result = run([*command, "--help"], tmp_path)
    assert result.returncode == 0
    assert "Usage:" in result.stdout


def test_python_dash_m_bot_is_the_same_cli() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0
    assert "chat" in result.stdout
    assert "demo" in result.stdout


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("ASNBOT_SUPERADMINS", "12,abc"),
        ("TELEGRAM_API_BASE_URL", "ftp://example"),
        ("ASNBOT_DATABASE_URL", "mysql://root@localhost/x"),
        ("TELEGRAM_BOT_TOKEN", "has space"),
        ("ASNBOT_CONFIG", "/nonexistent/config.toml"),
    ],
)
def test_a_wrong_setting_stops_with_one_line_naming_the_key(
    tmp_path: Path, key: str, value: str
) -> None:
    result = run(["chat"], tmp_path, **{key: value})
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert key in lines[0]


def test_db_upgrade_reports_the_newest_revision(tmp_path: Path) -> None:
    result = run(["db", "upgrade"], tmp_path)
    assert result.returncode == 0
    assert f"revision {head_revision()}" in result.stdout


def test_demo_seed_is_idempotent(tmp_path: Path) -> None:
    first = run(["demo", "seed"], tmp_path)
    second = run(["demo", "seed"], tmp_path)
    assert "360 employees added, 360 in the database" in first.stdout
    assert "0 employees added, 360 in the database" in second.stdout


def test_main_job_without_token_is_the_console_chat_on_demo_data(tmp_path: Path) -> None:
    result = run([], tmp_path, stdin="/start\n#1\n")
    assert result.returncode == 0
    assert "360" in result.stderr  # demo data created on first run
    assert "Asisten Karier ASN" in result.stdout
    assert "#1 [✅ Saya setuju]" in result.stdout
    assert "Persetujuan Anda tercatat" in result.stdout


def test_chat_as_an_employee_and_as_admin(tmp_path: Path) -> None:
    person = demo.generate(360)[3]
    as_person = run(["chat", "--as", person.nip], tmp_path, stdin="/start\n")
    as_admin = run(["chat", "--admin"], tmp_path, stdin="/admin\n")
    unknown = run(["chat", "--as", "199001012020011999"], tmp_path, stdin="/start\n")
    assert f"Halo, {person.name.split()[0]}!" in as_person.stdout
    assert "Pegawai dalam basis data: 360" in as_admin.stdout
    assert unknown.returncode == 2
    assert "tidak ada" in unknown.stdout


def test_run_without_a_token_says_so(tmp_path: Path) -> None:
    result = run(["run"], tmp_path)
    assert result.returncode == 2
    assert "TELEGRAM_BOT_TOKEN" in result.stderr
    assert "Traceback" not in result.stderr


def test_webhook_options_override_the_config() -> None:
    from bot.cli import _with_webhook
    from bot.config import DEFAULT_CONFIG, load_config

    config = load_config(DEFAULT_CONFIG, {})
    changed = _with_webhook(
        config, True, {"listen": "127.0.0.1", "port": 9000, "url": "https://x/hook",
                       "secret_token": None},
    )  # fmt: skip
    assert changed.telegram.mode == "webhook"
    assert (changed.telegram.webhook.listen, changed.telegram.webhook.port) == ("127.0.0.1", 9000)
    assert changed.telegram.webhook.url == "https://x/hook"
    assert _with_webhook(config, None, {}).telegram.mode == "polling"


def test_ask_json_answers_one_line_per_question(tmp_path: Path) -> None:
    questions = "kp reguler brp thn sekali sih?\nberapa gaji pak budi kepala dinas\n\n"
    result = run(["ask", "--json"], tmp_path, stdin=questions)
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.returncode == 0
    assert [line["status"] for line in lines] == ["answered", "refused"]
    first = lines[0]
    assert set(first) == {"question", "status", "entry_id", "score", "answer", "candidates",
                          "sources"}  # fmt: skip
    assert first["entry_id"] == "kp-reguler-syarat"
    assert "4 tahun" in first["answer"]
    assert "<b>" not in first["answer"]
    assert any("PP 99/2000" in s for s in first["sources"])
    assert lines[1]["entry_id"] is None


def test_ask_answers_in_the_language_asked_for(tmp_path: Path) -> None:
    result = run(["ask", "--lang", "en", "kp reguler brp thn sekali sih?"], tmp_path)
    assert "at least 4 years" in result.stdout
    assert "[👍]" in result.stdout


def test_ask_explain_shows_the_scoring(tmp_path: Path) -> None:
    result = run(["ask", "--explain", "syarat kp reguler"], tmp_path)
    assert "--- explain ---" in result.stdout
    assert "coverage=" in result.stdout
    assert "kp-reguler-syarat" in result.stdout
    both = run(["ask", "--explain", "latsar wajib? klo gk lulus gmn?"], tmp_path)
    assert "two parts: 'latsar wajib' | 'klo gk lulus gmn'" in both.stdout


def test_content_check_passes_on_the_shipped_content(tmp_path: Path) -> None:
    result = run(["content", "check"], tmp_path)
    assert result.returncode == 0
    assert "content ok" in result.stdout


def test_link_code_issues_a_code_that_links_in_the_console(tmp_path: Path) -> None:
    person = demo.generate(360)[12]
    run(["demo", "seed"], tmp_path)
    issued = run(["link-code", person.nip], tmp_path)
    code = issued.stdout.split("code: ")[1].split()[0]
    chat = run(["chat"], tmp_path, stdin=f"/start\n#1\n/daftar\n{person.nip}\n{code}\n/profil\n")
    unknown = run(["link-code", "199001012020011999"], tmp_path)
    assert issued.returncode == 0
    assert person.name in chat.stdout
    assert person.nip in chat.stdout.rsplit("NIP:", 1)[1]
    assert unknown.returncode == 2


def test_console_identities_are_separate_and_lang_wins_for_the_run(tmp_path: Path) -> None:
    person = demo.generate(360)[3]
    linked = run(["chat", "--as", person.nip], tmp_path, stdin="/profil\n")
    plain = run(["chat"], tmp_path, stdin="/profil\n")
    admin_deletes = run(["chat", "--admin"], tmp_path, stdin="/hapus_data\n#1\n")
    still = run(["chat", "--as", person.nip], tmp_path, stdin="/profil\n")
    chosen = run(["chat"], tmp_path, stdin="/bahasa\n#1\n")  # Bahasa Indonesia, stored
    english = run(["chat", "--lang", "en"], tmp_path, stdin="/bantuan\n")
    assert person.nip in linked.stdout
    assert "/daftar" in plain.stdout
    assert "dihapus" in admin_deletes.stdout
    assert person.nip in still.stdout
    assert "Bahasa" in chosen.stdout
    assert "Help" in english.stdout
