"""Ids typed on the command line: out of range or malformed is a usage error, never a crash."""

import pytest

from evidence.cli import main

HUGE = "99999999999999999999999"


@pytest.mark.parametrize("argv", [
    ["cite", HUGE], ["review", HUGE], ["review", "--missed", HUGE, "--note", "x"],
    ["cite", "-1"], ["cite", "²"], ["cite", "2147483648"],
])
def test_an_impossible_id_is_a_usage_error(argv: list[str], capsys: pytest.CaptureFixture[str],
                                           tmp_path) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--db", str(tmp_path / "none.db"), *argv])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "is not an id" in err and "Traceback" not in err and "Overflow" not in err
