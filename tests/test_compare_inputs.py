"""Bad documents given to compare: each is refused with a French error naming it, nothing written.

One case per kind of bad input (a corpus built in tmp_path): not a DOCX, empty, a Word 97 or
password-protected file (OLE header), macro-enabled, a corrupt archive or part, a zip bomb.
"""

from __future__ import annotations

import io
import struct
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from generator.compare import compare, docx_zip, validate_docx
from generator.errors import CompareError, OutputError, UsageError
from tests.test_compare_support import Doc, build

DOCUMENT_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def _good(tmp_path: Path) -> Path:
    return build(Doc(["Un paragraphe."]), tmp_path / "bon.docx")


def _rewrite(source: Path, target: Path, change) -> Path:
    with zipfile.ZipFile(source) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    change(parts)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return target


def not_a_docx(tmp_path, good):
    path = tmp_path / "texte.docx"
    path.write_text("Ceci est un simple texte.", encoding="utf-8")
    return path


def empty(tmp_path, good):
    path = tmp_path / "vide.docx"
    path.write_bytes(b"")
    return path


def ole(tmp_path, good):
    path = tmp_path / "chiffre.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000)
    return path


def macro_content_type(tmp_path, good):
    def change(parts):
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            DOCUMENT_CT.encode(), b"application/vnd.ms-word.document.macroEnabled.main+xml")
    return _rewrite(good, tmp_path / "macros.docx", change)


def vba_project(tmp_path, good):
    def change(parts):
        parts["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0" + b"\x00" * 100
    return _rewrite(good, tmp_path / "vba.docx", change)


def truncated(tmp_path, good):
    path = tmp_path / "tronque.docx"
    path.write_bytes(good.read_bytes()[:1500])
    return path


def bad_xml(tmp_path, good):
    def change(parts):
        parts["word/document.xml"] = parts["word/document.xml"][:-40]
    return _rewrite(good, tmp_path / "xml.docx", change)


def no_document(tmp_path, good):
    def change(parts):
        del parts["word/document.xml"]
    return _rewrite(good, tmp_path / "sans-document.docx", change)


def an_odt(tmp_path, good):
    path = tmp_path / "texte.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        zf.writestr("content.xml", "<office:document-content/>")
    return path


def bomb_declared(tmp_path, good):
    """A part that declares 4 GB once decompressed."""
    path = tmp_path / "bombe.docx"
    data = bytearray(good.read_bytes())
    _patch_sizes(data, "word/document.xml", 0xFFFFFFF0)
    path.write_bytes(bytes(data))
    return path


def bomb_many_parts(tmp_path, good):
    """Many parts of 40 MB of zeros each (a few kB compressed): too much all together."""
    def change(parts):
        zeros = bytes(40 * 1024 * 1024)
        for k in range(8):
            parts[f"word/media/zero{k}.bin"] = zeros
    return _rewrite(good, tmp_path / "bombe-parties.docx", change)


def bomb_lying(tmp_path, good):
    """A part that declares 1 kB but holds 80 MB of zeros: its sizes cannot be trusted."""
    path = tmp_path / "bombe-menteuse.docx"

    def change(parts):
        parts["word/media/zero.bin"] = bytes(80 * 1024 * 1024)
    _rewrite(good, path, change)
    data = bytearray(path.read_bytes())
    _patch_sizes(data, "word/media/zero.bin", 1024)
    path.write_bytes(bytes(data))
    return path


def _patch_sizes(data: bytearray, name: str, size: int) -> None:
    """Overwrite the uncompressed size of one member, in its local and central headers."""
    raw = name.encode()
    start = 0
    while True:
        index = data.find(raw, start)
        if index < 0:
            break
        local = data.rfind(b"PK\x03\x04", 0, index)
        central = data.rfind(b"PK\x01\x02", 0, index)
        if central >= 0 and index - central == 46:
            struct.pack_into("<I", data, central + 24, size)
        elif local >= 0 and index - local == 30:
            struct.pack_into("<I", data, local + 22, size)
        start = index + 1


def altered_stored_part(tmp_path: Path, good: Path) -> Path:
    """A part stored uncompressed whose bytes changed after its CRC was written."""
    path = tmp_path / "altere.docx"
    with zipfile.ZipFile(good) as zf, zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as out:
        for info in zf.infolist():
            out.writestr(info.filename, zf.read(info))
    data = path.read_bytes()
    path.write_bytes(data.replace(b"Un paragraphe.", b"Un paragraphz.", 1))
    return path


def altered_deflated_part(tmp_path: Path, good: Path) -> Path:
    """A deflated part with one byte of its compressed stream changed."""
    path = _rewrite(good, tmp_path / "altere.docx", lambda parts: None)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    data[start + info.compress_size // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


BAD = {
    "pas un docx": (not_a_docx, "ce n’est pas un document Word"),
    "fichier vide": (empty, "fichier vide"),
    "chiffré ou .doc": (ole, "protégé par mot de passe"),
    "macros (type de contenu)": (macro_content_type, "macros"),
    "macros (vbaProject)": (vba_project, "macros"),
    "archive tronquée": (truncated, "document corrompu"),
    "XML invalide": (bad_xml, "n’est pas du XML valide"),
    "sans document principal": (no_document, "pas de document principal"),
    "document OpenDocument": (an_odt, "[Content_Types].xml manque"),
    "bombe (taille déclarée)": (bomb_declared, "bombe zip"),
    "bombe (parties nombreuses)": (bomb_many_parts, "bombe zip"),
    "bombe (taille mensongère)": (bomb_lying, "document corrompu"),
    "partie altérée (stockée)": (altered_stored_part, "document corrompu"),
    "partie altérée (compressée)": (altered_deflated_part, "document corrompu"),
}


@pytest.mark.parametrize("case", BAD)
def test_a_bad_document_is_refused_with_a_french_error_naming_it(tmp_path, case):
    make, message = BAD[case]
    good = _good(tmp_path)
    bad = make(tmp_path, good)
    out_dir = tmp_path / "sortie"
    out_dir.mkdir()
    for old, new in ((bad, good), (good, bad)):
        start = time.perf_counter()
        with pytest.raises(CompareError) as caught:
            compare(old, new, out_dir / "redline.docx")
        assert time.perf_counter() - start < 5
        assert str(caught.value).startswith(f"{bad}: ")
        assert message in str(caught.value)
        assert caught.value.path == str(bad)
    assert list(out_dir.iterdir()) == []


@pytest.mark.parametrize("case", BAD)
def test_validate_docx_refuses_the_same_documents(tmp_path, case):
    make, message = BAD[case]
    bad = make(tmp_path, _good(tmp_path))
    with pytest.raises(CompareError, match=message.replace("[", r"\[").replace("]", r"\]")):
        validate_docx(bad)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CompareError, match="fichier introuvable"):
        validate_docx(tmp_path / "absent.docx")
    with pytest.raises(CompareError, match="dossier"):
        validate_docx(tmp_path)


def test_a_good_document_passes(tmp_path):
    validate_docx(_good(tmp_path))


def test_decompression_stops_at_the_cap_whatever_the_sizes_say(tmp_path, monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.bin", bytes(3 * 1024 * 1024))
    buffer.seek(0)
    tracemalloc.start()
    try:
        with zipfile.ZipFile(buffer) as zf:
            info = zf.getinfo("big.bin")
            with pytest.raises(CompareError, match="bombe zip"):
                docx_zip._read_capped(zf, info, 1024 * 1024, tmp_path / "x.docx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * 1024 * 1024


def test_a_document_read_whole_is_inflated_within_its_declared_size(tmp_path):
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("big.bin", bytes(3 * 1024 * 1024))
    data = content.getvalue()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo("big.bin")
    compressed = docx_zip._compressed(data, info)
    assert compressed is not None
    with pytest.raises(CompareError, match="bombe zip"):
        docx_zip._inflate(compressed, info, 1024 * 1024, tmp_path / "x.docx")
    assert docx_zip._inflate(compressed, info, 1 << 30, tmp_path / "x.docx") == bytes(3 << 20)
    info.file_size = 1024  # a size that lies: never more is inflated
    tracemalloc.start()
    try:
        with pytest.raises(zipfile.BadZipFile):
            docx_zip._inflate(compressed, info, 1 << 30, tmp_path / "x.docx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024


def test_entities_are_never_expanded(tmp_path):
    def entity(k: int) -> bytes:
        inner = f"&lol{k - 1};" * 10 if k > 1 else "&lol;" * 10
        return f'<!ENTITY lol{k} "{inner}">'.encode()

    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              + b"".join(entity(k) for k in range(1, 10))
              + b']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/'
              b'2006/main"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body>'
              b"</w:document>")
    good = _good(tmp_path)

    def change(parts):
        parts["word/document.xml"] = laughs
    bad = _rewrite(good, tmp_path / "rires.docx", change)
    start = time.perf_counter()
    try:
        compare(good, bad, tmp_path / "r.docx")
    except CompareError:
        pass
    assert time.perf_counter() - start < 5


def test_the_output_may_not_overwrite_an_input(tmp_path):
    good = _good(tmp_path)
    other = build(Doc(["Autre paragraphe."]), tmp_path / "autre.docx")
    before = good.read_bytes()
    with pytest.raises(OutputError, match="l’un des documents comparés"):
        compare(other, good, good)
    assert good.read_bytes() == before


def test_a_missing_output_folder_is_an_output_error(tmp_path):
    good = _good(tmp_path)
    with pytest.raises(OutputError, match="dossier de sortie introuvable"):
        compare(good, good, tmp_path / "absent" / "r.docx")


def test_an_unknown_engine_is_a_usage_error(tmp_path):
    good = _good(tmp_path)
    with pytest.raises(UsageError, match="moteur inconnu"):
        compare(good, good, tmp_path / "r.docx", engine="word")
    with pytest.raises(UsageError, match="commentaires"):
        compare(good, good, tmp_path / "r.docx", engine="docxodus", comments=True)
    assert not (tmp_path / "r.docx").exists()


def test_an_existing_redline_is_replaced_whole(tmp_path):
    good = _good(tmp_path)
    out = tmp_path / "r.docx"
    out.write_bytes(b"ancien contenu")
    compare(good, good, out)
    validate_docx(out)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_only_parts_the_relationships_reach_go_into_the_redline(tmp_path):
    """Entry names that climb out (``../../x``) or that nothing points to are never copied."""
    from tests.conftest import run_cli

    good = _good(tmp_path)
    other = build(Doc(["Un autre paragraphe."]), tmp_path / "autre.docx")

    def change(parts):
        parts["../../evasion.txt"] = b"hors du paquet"
        parts["word/../../remonte.xml"] = b"<x/>"
        parts["restes/oublie.bin"] = b"rien ne pointe ici"
        rels = parts["word/_rels/document.xml.rels"].replace(
            b"</Relationships>",
            b'<Relationship Id="rIdEvasion" Type="http://schemas.openxmlformats.org/'
            b'officeDocument/2006/relationships/image" Target="../../../evasion.txt"/>'
            b"</Relationships>")
        parts["word/_rels/document.xml.rels"] = rels
    hostile = _rewrite(other, tmp_path / "hostile.docx", change)
    out = tmp_path / "sortie" / "comparaison.docx"
    out.parent.mkdir()
    result = run_cli("diff", str(good), str(hostile), "-o", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
    assert "word/document.xml" in names
    assert not [n for n in names if ".." in n.split("/") or n.startswith("/")]
    assert not [n for n in names if "evasion" in n or "remonte" in n or n.startswith("restes")]
    assert not (tmp_path / "evasion.txt").exists()


def _set_core_date(parts, modified: str | None, created: str | None = None) -> None:
    core = ('<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">')
    for tag, value in (("created", created), ("modified", modified)):
        if value:
            core += f'<dcterms:{tag} xsi:type="dcterms:W3CDTF">{value}</dcterms:{tag}>'
    parts["docProps/core.xml"] = (core + "</cp:coreProperties>").encode()


def _revision_dates(path: Path) -> set[str | None]:
    from tests.test_compare_support import xml_of

    root = xml_of(path)
    return {el.get(f"{{{W_NS}}}date") for el in root.iter(f"{{{W_NS}}}ins", f"{{{W_NS}}}del")}


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def test_diff_dates_revisions_with_the_new_documents_own_date_and_repeats_byte_for_byte(
        tmp_path):
    from tests.conftest import run_cli

    old = _good(tmp_path)
    other = build(Doc(["Un paragraphe modifié."]), tmp_path / "autre.docx")
    new = _rewrite(other, tmp_path / "nouveau.docx",
                   lambda parts: _set_core_date(parts, "2024-03-01T10:30:00+01:00"))
    outs = []
    for name in ("un.docx", "deux.docx"):
        result = run_cli("diff", str(old), str(new), "-o", str(tmp_path / name), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        outs.append(tmp_path / name)
    assert _revision_dates(outs[0]) == {"2024-03-01T09:30:00Z"}
    assert outs[0].read_bytes() == outs[1].read_bytes()


def test_a_new_document_without_a_date_gives_undated_revisions_never_the_clock(tmp_path):
    from datetime import UTC, datetime

    old = _good(tmp_path)
    other = build(Doc(["Un paragraphe modifié."]), tmp_path / "autre.docx")
    created_only = _rewrite(other, tmp_path / "cree.docx",
                            lambda parts: _set_core_date(parts, None, "2023-05-04T00:00:00Z"))
    undated = _rewrite(other, tmp_path / "sans-date.docx",
                       lambda parts: _set_core_date(parts, None))
    assert compare(old, created_only, tmp_path / "a.docx").date == "2023-05-04T00:00:00Z"
    assert compare(old, undated, tmp_path / "b.docx").date == ""
    assert _revision_dates(tmp_path / "b.docx") == {None}
    given = compare(old, undated, tmp_path / "c.docx", date=datetime(2024, 1, 2, tzinfo=UTC))
    assert given.date == "2024-01-02T00:00:00Z"


def _bomb_document(source: Path, target: Path, size: int) -> Path:
    """``source`` with a document.xml of ``size`` bytes (mostly spaces), written in chunks."""
    with zipfile.ZipFile(source) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    body = parts.pop("word/document.xml")
    head, tail = body[:-len(b"</w:document>")], b"</w:document>"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
        with zf.open("word/document.xml", "w", force_zip64=True) as stream:
            stream.write(head)
            chunk = b" " * (1 << 20)
            for _ in range(size >> 20):
                stream.write(chunk)
            stream.write(tail)
    return target


def test_a_bomb_given_as_the_new_document_is_refused_before_it_is_decompressed(tmp_path):
    """The NEW file goes through the same capped reader as the OLD one, and only that."""
    import subprocess
    import sys

    from tests.conftest import ROOT

    old = _good(tmp_path)
    bomb = _bomb_document(old, tmp_path / "bombe.docx", 400 << 20)
    script = ("import resource, sys\n"
              "from generator.cli import main\n"
              "code = main(['diff', sys.argv[1], sys.argv[2], '-o', sys.argv[3]])\n"
              "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, code)\n")
    done = subprocess.run([sys.executable, "-c", script, str(old), str(bomb),
                           str(tmp_path / "r.docx")], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120, env={"PYTHONPATH": str(ROOT)})
    peak_kb, code = done.stdout.split()[-2:]
    assert code == "1"
    assert "bombe.docx" in done.stderr and "bombe zip" in done.stderr
    assert int(peak_kb) < 200 * 1024
    assert not (tmp_path / "r.docx").exists()


def _recompressed(source: Path, target: Path, levels: dict[str, tuple[int, int]]) -> Path:
    """``source`` written again, the named parts with the given (method, level)."""
    with zipfile.ZipFile(source) as zf:
        parts = {i.filename: zf.read(i) for i in zf.infolist()}
    with zipfile.ZipFile(target, "w") as zf:
        for name, data in parts.items():
            method, level = levels.get(name, (zipfile.ZIP_DEFLATED, 6))
            zf.writestr(name, data, compress_type=method, compresslevel=level)
    return target


@pytest.mark.parametrize("whole", [True, False], ids=["lu en entier", "lu partie par partie"])
def test_unchanged_parts_are_copied_as_stored_not_recompressed(tmp_path, monkeypatch, whole):
    if not whole:  # a large document is read part by part: its parts are compressed afresh
        monkeypatch.setattr(docx_zip, "MAX_COPIED_FILE_BYTES", 0)
    old = build(Doc(["Article premier.", "Le montant est de 1 000 €."]), tmp_path / "a.docx")
    source = build(Doc(["Article premier.", "Le montant est de 2 000 €."]), tmp_path / "b0.docx")
    # Compressed otherwise than the writer would (level 1, and one part not compressed at all).
    new = _recompressed(source, tmp_path / "b.docx", {
        "word/styles.xml": (zipfile.ZIP_DEFLATED, 1),
        "word/theme/theme1.xml": (zipfile.ZIP_STORED, 0)})
    out = tmp_path / "redline.docx"
    compare(old, new, out)
    with zipfile.ZipFile(new) as given, zipfile.ZipFile(out) as written:
        assert written.testzip() is None
        for name in ("word/styles.xml", "word/theme/theme1.xml"):
            before, after = given.getinfo(name), written.getinfo(name)
            same = (after.compress_type, after.compress_size) == \
                (before.compress_type, before.compress_size)
            assert same == whole, name
            assert after.CRC == before.CRC and written.read(name) == given.read(name)
        # The part the comparer rewrote is compressed afresh.
        assert written.read("word/document.xml") != given.read("word/document.xml")
    from generator.compare.views import document_views
    assert "Le montant est de 2 000 €." in document_views(out, "accept")["corps"]
    assert "Le montant est de 1 000 €." in document_views(out, "reject")["corps"]


def test_a_named_pipe_or_a_device_is_refused_at_once(tmp_path):
    import os
    import subprocess
    import sys

    good = _good(tmp_path)
    pipe = tmp_path / "tube.docx"
    os.mkfifo(pipe)
    for bad in (pipe, Path("/dev/zero")):
        for old, new in ((bad, good), (good, bad)):
            # In a process of its own, so that a read that blocks fails the test, not the run.
            done = subprocess.run(
                [sys.executable, "-m", "generator", "diff", str(old), str(new),
                 "-o", str(tmp_path / "sortie.docx")],
                capture_output=True, text=True, timeout=60, cwd=tmp_path,
                env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])})
            assert done.returncode == 1, done.stderr
            assert "ce n’est pas un fichier ordinaire" in done.stderr and str(bad) in done.stderr
            assert "Traceback" not in done.stderr
    assert not (tmp_path / "sortie.docx").exists()
