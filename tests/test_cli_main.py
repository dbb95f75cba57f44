"""``python -m analysis``: a sub-command whose module cannot be imported is an error.

:mod:`analysis.cli.main` imports every sub-command's module to build the help; a broken
one (a missing module, or a dependency of it that is not installed) must stop the command
with the import error, never vanish from the list of sub-commands.
"""

from __future__ import annotations

import sys

import pytest

from analysis.__main__ import main as module_main
from analysis.cli import main as cli


def test_a_missing_sub_command_module_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(cli.COMMANDS, "ghost", "analysis.cli.no_such_command")
    with pytest.raises(ModuleNotFoundError, match=r"analysis\.cli\.no_such_command"):
        cli.main(["report", "--help"])  # even another sub-command does not run
    with pytest.raises(ModuleNotFoundError):
        module_main(["--help"])  # nor the help: the entry point is the same main


def test_a_sub_command_whose_dependency_is_missing_is_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The propose sub-command imports pandas at its top: as if pandas were not installed
    # (``None`` in sys.modules stops its import), and propose imported afresh.
    monkeypatch.setitem(sys.modules, "pandas", None)
    monkeypatch.delitem(sys.modules, cli.COMMANDS["propose"])
    with pytest.raises(ModuleNotFoundError, match="pandas"):
        cli.main(["report", "--help"])


def test_every_sub_command_is_listed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert all(name in out for name in cli.COMMANDS), out
