"""`python -m webapp seeker add`: counter registration from the command line."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from tests.conftest import CHEAP_ARGON2_ENV, PG_URL
from tests.helpers import SEEKER_ARGS, run_cli, run_cli_process

ARGS = SEEKER_ARGS


def test_seeker_add_prints_a_seeker_number(database_url):
    result = run_cli_process(database_url, "seeker", "add", *ARGS)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d{5}-\d{8}\n", result.stdout)
    second = run_cli(database_url, "seeker", "add", *ARGS[:-1], "hanako@example.com")
    first_serial = int(result.stdout.strip()[-8:])
    assert int(second.stdout.strip()[-8:]) == first_serial + 1


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (("--birthdate", "1990-02-31"), "存在しない日付"),
        (("--birthdate", "2990-01-01"), "未来の日付"),
        (("--birthdate", "19900401"), "YYYY-MM-DD"),
        (("--email", "not-an-address"), "形式が正しくありません"),
        (("--kana", "yamada"), "フリガナは全角カタカナ"),
        (("--name", " "), "氏名を入力してください"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(database_url, override, message):
    args = list(ARGS)
    args[args.index(override[0]) + 1] = override[1]
    result = run_cli(database_url, "seeker", "add", *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert run_cli(database_url, "seeker", "add", *ARGS).stdout.endswith("-00000001\n")


def test_duplicate_address_exits_2(database_url):
    assert run_cli(database_url, "seeker", "add", *ARGS).returncode == 0
    result = run_cli_process(database_url, "seeker", "add", *ARGS)
    assert result.returncode == 2
    assert "既に別の求職者に登録されています" in result.stderr


def test_hiragana_kana_is_converted(database_url):
    args = list(ARGS)
    args[args.index("--kana") + 1] = "やまだたろう"
    assert run_cli(database_url, "seeker", "add", *args).returncode == 0


def test_unknown_office_exits_2(database_url):
    result = run_cli(database_url, "seeker", "add", *ARGS, "--office", "99999")
    assert result.returncode == 2 and "99999" in result.stderr


@pytest.mark.skipif(bool(PG_URL), reason="the default database is SQLite under var/")
def test_default_settings_use_an_sqlite_file_and_a_generated_secret(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SECRET_KEY")}
    env.update(VAR_DIR=str(tmp_path), **CHEAP_ARGON2_ENV)
    result = subprocess.run(
        [sys.executable, "-m", "webapp", "seeker", "add", *ARGS],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "hellowork.db").exists()
    secret = (tmp_path / "secret_key").read_text()
    assert len(secret) >= 40 and oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_staff_and_employer_accounts_from_the_command_line(database_url):
    def cli(*args, password="Kh7#mqPw2x", run=run_cli):
        return run(database_url, *args, input=f"{password}\n")

    # The password on standard input of the real command, as a script gives it.
    staff = cli(
        "staff", "add", "--name", "職員一郎", "--email", "s@example.com", run=run_cli_process
    )
    assert staff.returncode == 0, staff.stderr
    employer = cli(
        "employer", "add", "--name", "株式会社砺波製作所",
        "--user-name", "採用花子", "--email", "hr@example.com",
    )  # fmt: skip
    assert employer.returncode == 0, employer.stderr
    assert re.fullmatch(r"1604-000001-\d\n", employer.stdout)
    again = cli("staff", "add", "--name", "職員二郎", "--email", "s@example.com")
    assert again.returncode == 2
    assert "既に登録されています" in again.stderr
    weak = cli("staff", "add", "--name", "職員三郎", "--email", "t@example.com", password="pass")
    assert weak.returncode == 2
    assert "半角数字" in weak.stderr
    unknown = cli(
        "staff", "add", "--name", "職員四郎", "--email", "u@example.com", "--office", "99999"
    )
    assert unknown.returncode == 2
    assert "99999" in unknown.stderr
