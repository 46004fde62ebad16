"""`pension-risk --help` and every sub-command's --help describe every option with its default."""

from __future__ import annotations

import argparse

import pytest

from pension_risk.cli import build_parser, main


def _parsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _parsers(sub, (*path, name))


def test_every_option_has_help_with_its_default_or_required():
    parsers = list(_parsers(build_parser()))
    assert {" ".join(p) for p, _ in parsers} >= {"generate", "run", "report", "cases export", "cases sheets",
                                                 "cases import", "users add", "audit", "demo"}
    missing = []
    for path, parser in parsers:
        text = parser.format_help()
        for action in parser._actions:
            if not action.option_strings or action.dest == "help" or isinstance(action, argparse._SubParsersAction):
                continue
            shown = parser.formatter_class(prog="x")._get_help_string(action) % {**vars(action), "prog": "x"}
            if not action.help or not ("default" in shown or "(required)" in shown):
                missing.append((" ".join(path), action.option_strings[0], shown))
            elif action.default not in (None, argparse.SUPPRESS) and "default" not in (action.help or ""):
                assert f"(default: {action.default})" in " ".join(text.split()), (path, action.option_strings)
    assert not missing, missing


@pytest.mark.parametrize("argv", [["--help"], ["generate", "--help"], ["cases", "sheets", "--help"]])
def test_help_prints_the_defaults(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    out = " ".join(capsys.readouterr().out.split())
    if argv == ["generate", "--help"]:
        assert "(default: 3000)" in out and "(default: 2021-06-30)" in out and "(default: OUT_truth beside OUT)" in out
    if argv == ["cases", "sheets", "--help"]:
        assert "--agency AGENCY agency code, e.g. 340403 (required)" in out
        assert "case store (default: beside the warehouse)" in out
