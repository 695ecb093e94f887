"""Issues 10 and 11: one YAML reader, bounded, that refuses what a signed document never holds.

The fast road (libyaml) and the careful road (event screen, then ruamel's nodes) resolve every
value by the same rules; the broken corpus (tests/data/bad/) covers the CLI messages.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.errors import VariablesError
from generator.yaml_careful import careful_tree
from generator.yaml_reader import _fast_tree, read_tree

from .conftest import ROOT
from .limits import run_measured

SET = ROOT / "variables" / "exemple-fictif-trois-communes" / "2025.yaml"
LABEL = "variables/essai/2025.yaml"
ALIAS = "zz-ancre: &ancre 1\nzz-alias: *ancre\n"


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "projet"
    shutil.copytree(ROOT / "templates", root / "templates")
    (root / "variables" / "essai").mkdir(parents=True)
    return root


def _read(tmp_path: Path, text: str) -> dict:
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    return read_tree(path, "x.yaml")[0]


@pytest.mark.parametrize("alias", ["", ALIAS])
@pytest.mark.parametrize("scalar, value", [
    ("8", 8), ("-3", -3), ("1e3", 1000.0), ("2.5", 2.5), ("0", 0), ("0.5", 0.5),
    ("true", True), ("False", False), ("yes", "yes"), ("on", "on"), ("~", None),
    ("null", None), ("2025-02-20", dt.date(2025, 2, 20)), ("'08'", "08"), ('"0o12"', "0o12"),
    ("AM2024 03 12 042", "AM2024 03 12 042"), ("12:30", "12:30"),
])
def test_a_value_means_the_same_with_or_without_an_unrelated_alias(
        tmp_path: Path, scalar: str, value: object, alias: str) -> None:
    data = _read(tmp_path, f"a: {scalar}\n{alias}")
    assert data["a"] == value and type(data["a"]) is type(value)


@pytest.mark.parametrize("alias", ["", ALIAS])
@pytest.mark.parametrize("scalar, message", [
    ("08", "nombre écrit avec un zéro en tête (08) : écrivez 8"),
    ("0o12", "notation octale ou hexadécimale refusée (0o12)"),
    ("0x1F", "notation octale ou hexadécimale refusée (0x1F)"),
    ("1_000", "« _ » refusé dans un nombre (1_000) : écrivez 1000"),
    (".inf", "nombre infini ou indéfini refusé (.inf)"),
    ("-.Inf", "nombre infini ou indéfini refusé"),
    (".nan", "nombre infini ou indéfini refusé"),
    ("1000000000000001", "nombre trop grand"),
    ("-1e16", "nombre trop grand"),
    ("2025-02-30", "date impossible : 2025-02-30"),
])
def test_a_refused_number_is_refused_by_both_roads_with_its_line(
        tmp_path: Path, scalar: str, message: str, alias: str) -> None:
    with pytest.raises(VariablesError) as caught:
        _read(tmp_path, f"b: 1\nsection:\n  a: {scalar}\n{alias}")
    assert str(caught.value).startswith(f"x.yaml:3: section.a: {message}")


@pytest.mark.parametrize("escape, code", [
    ("\\uD800", "U+D800"), ("\\x01", "U+0001"), ("\\uFFFE", "U+FFFE"), ("\\0", "U+0000"),
    ("\\u202E", "U+202E"), ("\\u2066", "U+2066"), ("\\u200B", "U+200B"), ("\\uFEFF", "U+FEFF"),
])
def test_characters_a_signed_document_never_holds_are_refused_with_their_field(
        tmp_path: Path, escape: str, code: str) -> None:
    with pytest.raises(VariablesError) as caught:
        _read(tmp_path, f'a:\n  b: 1\n  c: "DM2019{escape} 06 27 001"\n')
    assert str(caught.value).startswith("x.yaml:3: a.c: caractère")
    assert code in str(caught.value)


def test_a_key_holding_a_bidi_override_is_refused(tmp_path: Path) -> None:
    with pytest.raises(VariablesError, match="U\\+202E"):
        _read(tmp_path, "a:\n  \"b\u202ec\": 1\n")


def test_an_unclosed_quote_at_the_end_of_the_file_is_placed_at_its_line(tmp_path: Path) -> None:
    with pytest.raises(VariablesError) as caught:
        _read(tmp_path, "a: 1\nb:\n  c: 'ouvert\n  d: 2\n")
    assert str(caught.value).startswith("x.yaml:3: b.c: erreur de syntaxe YAML : guillemet")


def test_merge_keys_still_work_and_explicit_keys_win(tmp_path: Path) -> None:
    data = _read(tmp_path, "base: &b {x: 1, y: 2}\nsuite:\n  <<: *b\n  y: 3\n")
    assert data["suite"] == {"x": 1, "y": 3}


# --- The property: whenever the fast road accepts a file, the careful road agrees ------------

_TOKENS = st.sampled_from([
    "8", "08", "0", "-0", "+5", "0o12", "0x1A", "1_000", "1e3", "1E-2", ".5", "5.", ".inf",
    "-.inf", ".NaN", "true", "True", "TRUE", "yes", "No", "on", "off", "y", "~", "null", "Null",
    "", "2025-02-20", "2025-2-3", "2025-02-30", "2025-02-20 10:00:00", "2025-02-20T10:00:00Z",
    "12:30", "1:20:30", "0b101", "1,5", "AM2024 03 12 042", "Dijon", "'08'", '"1e3"',
    "'yes'", "9999999999999999", "123456789012345", "-", "+", ".", "1.2.3", "0.0",
])
_WORDS = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-._ +", min_size=1,
                 max_size=12).filter(lambda s: s.strip() == s and not s.startswith(("-", ".")))
_SCALARS = st.one_of(_TOKENS, _WORDS)


def _yaml(entries: list[tuple[str, object]], indent: str = "") -> str:
    out = []
    for key, value in entries:
        if isinstance(value, list):
            out.append(f"{indent}{key}:\n" + _yaml(value, indent + "  "))
        else:
            out.append(f"{indent}{key}: {value}\n")
    return "".join(out)


_ENTRIES = st.recursive(
    st.lists(st.tuples(st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True), _SCALARS),
             min_size=1, max_size=6, unique_by=lambda kv: kv[0]),
    lambda inner: st.lists(st.tuples(st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True),
                                     st.one_of(_SCALARS, inner)),
                           min_size=1, max_size=4, unique_by=lambda kv: kv[0]),
    max_leaves=20)


def _outcome(read, text: str) -> object:
    try:
        return read(text)
    except VariablesError as exc:
        return str(exc)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_ENTRIES)
def test_whenever_the_fast_road_accepts_a_file_the_careful_road_reads_the_same(entries) -> None:
    text = _yaml(entries)
    fast = _outcome(lambda t: _fast_tree(t, "x.yaml"), text)
    careful = _outcome(lambda t: careful_tree(t, "x.yaml"), text)
    if fast is not None:
        assert fast == careful, text
    # An unrelated alias sends the file down the careful road: its values do not change.
    with_alias = _outcome(lambda t: careful_tree(t, "x.yaml"), text + ALIAS)
    if isinstance(careful, tuple):
        assert isinstance(with_alias, tuple), (text, with_alias)
        data = dict(with_alias[0])
        del data["zz-ancre"], data["zz-alias"]
        assert data == careful[0], text
    else:
        assert with_alias == careful, text


# --- Through the CLI: bounded reading -------------------------------------------------------

def test_a_200_mb_set_is_refused_before_it_is_read(tmp_path: Path) -> None:
    root = _project(tmp_path)
    with open(root / LABEL, "wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: costs no disk
    result = run_measured("--root", str(root), "check", "essai", "2025", timeout=60)
    assert result.returncode == 1, result.output
    assert f"erreur : {LABEL}: fichier trop volumineux" in result.output
    assert "Traceback" not in result.output
    assert result.peak_mb < 120, result.peak_mb
    assert result.seconds < 30


def test_a_named_pipe_is_refused_not_waited_on(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "x.yaml")
    outcome: list[BaseException] = []

    def read() -> None:
        try:
            read_tree(tmp_path / "x.yaml", "x.yaml")
        except VariablesError as exc:
            outcome.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(10)
    if reader.is_alive():  # free the blocked reader before failing
        with open(tmp_path / "x.yaml", "w"):
            pass
    assert outcome and str(outcome[0]) == "x.yaml: ce n’est pas un fichier ordinaire"


def test_a_lone_surrogate_never_reaches_a_built_document(tmp_path: Path) -> None:
    root = _project(tmp_path)
    text = SET.read_text(encoding="utf-8").replace(
        "deliberation: AM2024 03 12 042", 'deliberation: "DM2019\\uD800 06 27 001"')
    (root / LABEL).write_text(text, encoding="utf-8")
    result = run_measured("--root", str(root), "build", "essai", "2025", timeout=120)
    assert result.returncode == 1, result.output
    assert f"{LABEL}:91: metropole.deliberation: caractère interdit (U+D800" in result.output
    assert not (root / "output").exists()
    assert result.peak_mb < 400


@pytest.mark.parametrize("text", ["a: !!int 12\n", "a: !!str 12\n", "a:\n  - !!float 1\n",
                                  "a: [!!int 1]\n", "!!map\na: 1\n"])
def test_an_explicit_tag_is_refused_even_when_it_says_what_the_value_is(
        tmp_path: Path, text: str) -> None:
    with pytest.raises(VariablesError, match="étiquette YAML refusée"):
        _read(tmp_path, text)


def test_an_exclamation_mark_in_a_value_is_only_text(tmp_path: Path) -> None:
    assert _read(tmp_path, "a: Attention !\nb: 'x: !y'\n") == {"a": "Attention !", "b": "x: !y"}
