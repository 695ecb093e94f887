"""The command line: documented, French, thin and quick to start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from generator.cli import _parser

from .conftest import ROOT, run_cli


def _commands() -> list[str]:
    parser = _parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return list(sub.choices)


def test_every_command_appears_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert set(_commands()) == {"build", "check", "new", "diff", "modeles", "modele", "serve"}
    for command in _commands():
        assert f"avenant {command}" in readme or f"`{command} " in readme, command


def test_the_readme_starts_with_make_demo_and_make_test() -> None:
    head = (ROOT / "README.md").read_text(encoding="utf-8").split("\n## ")[0]
    assert "make demo" in head and "make test" in head


def test_help_is_french_and_imports_nothing_heavy() -> None:
    code = ("import sys, contextlib, io\n"
            "from generator.cli import main\n"
            "out = io.StringIO()\n"
            "with contextlib.redirect_stdout(out):\n"
            "    try: main(['--help'])\n"
            "    except SystemExit: pass\n"
            "heavy = [m for m in ('docxtpl', 'docx', 'lxml', 'pydantic', 'babel', 'jinja2') "
            "if m in sys.modules]\n"
            "print(heavy); print(out.getvalue())\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=ROOT)
    assert result.stdout.startswith("[]"), result.stdout
    assert "utilisation :" in result.stdout and "affiche cette aide" in result.stdout


def test_python_dash_m_and_the_console_script_are_the_same_program(tmp_path: Path) -> None:
    result = run_cli("--help", cwd=tmp_path)
    assert result.returncode == 0
    assert "build" in result.stdout and "diff" in result.stdout


def test_no_command_prints_help_and_exits_2(tmp_path: Path) -> None:
    result = run_cli(cwd=tmp_path)
    assert result.returncode == 2


def test_the_program_collects_cycles_in_every_command_but_diff(tmp_path: Path) -> None:
    """``run`` starts without the cyclic collector; every command but diff gets it back."""
    code = ("import gc, sys\n"
            "from generator import cli\n"
            "cli._run = lambda args, parser: print(args.command, gc.isenabled()) or 0\n"
            "sys.argv = ['avenant', *sys.argv[1:]]\n"
            "cli.run()\n")
    seen = []
    for args in (["modeles"], ["serve"], ["build", "--all"], ["diff", "a.docx", "b.docx"]):
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True,
                              text=True, cwd=tmp_path, env={"PYTHONPATH": str(ROOT)}, timeout=60)
        assert done.returncode == 0, done.stderr
        seen.append(done.stdout.strip())
    assert seen == ["modeles True", "serve True", "build True", "diff False"]


def test_only_a_diff_run_as_the_program_leaves_its_objects_to_the_end(tmp_path: Path) -> None:
    """`generator.exiting`: what ends with ``os._exit`` keeps, nothing else (the web page)."""
    code = ("import sys\n"
            "from generator import cli, exiting\n"
            "cli._diff_files = lambda args, parser: print('diff', exiting._kept is not None) or 0\n"
            "if sys.argv[1] == 'main':\n"
            "    cli.main(['diff', 'a.docx', 'b.docx'])\n"
            "else:\n"
            "    sys.argv = ['avenant', 'diff', 'a.docx', 'b.docx']\n"
            "    cli.run()\n")
    seen = []
    for how in ("run", "main"):
        done = subprocess.run([sys.executable, "-c", code, how], capture_output=True, text=True,
                              cwd=tmp_path, env={"PYTHONPATH": str(ROOT)}, timeout=60)
        assert done.returncode == 0, done.stderr
        seen.append(done.stdout.strip())
    assert seen == ["diff True", "diff False"]
    from generator import exiting

    assert exiting._kept is None  # this process (the tests) frees as usual
