"""Speed of the internal comparer against Docxodus, as whole processes side by side.

Generates two pairs of documents with python-docx in a temporary folder (``graine``: about
10 pages, 150 paragraphs, like the seed avenant; ``300 pages``: about 4 500 paragraphs), with the
edits of a real new version (amounts, a paragraph and a list item added, a row of a table, a
paragraph removed, a rewritten sentence, bold). Each engine runs as its own process (Python
start-up included): ``python -m generator.compare OLD NEW OUT`` against a tiny python-redlines
script. The best of a few runs is kept.

Run: ``.venv/bin/python bench/compare_bench.py`` (or ``main()``); prints lines such as
``diff (graine): interne 0.12 s, docxodus 0.85 s, ratio 7.1×``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_DOCXODUS_SCRIPT = """
import sys
from pathlib import Path
from python_redlines import DocxodusEngine
data, _, _ = DocxodusEngine().run_redline("avenant", sys.argv[1], sys.argv[2],
                                          date_time="2024-03-01T09:00:00Z")
Path(sys.argv[3]).write_bytes(data)
"""

_SENTENCES = [
    "Le bataillon de la prévention intervient dans les quartiers de reconquête républicaine.",
    "L’association s’engage à recruter les éducateurs de rue et les médiateurs sociaux.",
    "Le comité de pilotage se réunit une fois par trimestre ou à la demande d’un membre.",
    "Les parties veillent à assurer la publicité des financements mobilisés par l’État.",
    "Toute modification sensible de l’opération nécessite l’accord préalable des parties.",
    "Les médiateurs travaillent au sein des collèges du territoire avec les familles.",
]


def _article_blocks(article: int, version: int) -> list[tuple[str, object]]:
    """The blocks of one article; ``version`` 2 carries the edits of a new avenant."""
    amount = 468_000 + (12_000 if version == 2 and article % 3 == 0 else 0)
    amount_text = f"{amount:,}".replace(",", "\u202f") + "\xa0€"
    blocks: list[tuple[str, object]] = [
        ("h", f"Article {article} : Engagements des parties n° {article}"),
        ("p", f"L’État s’engage à financer les postes en mobilisant une enveloppe évaluée à "
              f"{amount_text}, versée à l’association au titre de l’année {2023 + version - 1}."),
    ]
    for k in range(4):
        blocks.append(("p", " ".join(_SENTENCES[(article + k + j) % len(_SENTENCES)]
                                     for j in range(3))))
    items = ["participer aux réunions de coordination ;", "affecter les moyens octroyés ;",
             "créer un comité de pilotage."]
    if version == 2 and article % 4 == 1:
        items.insert(1, "recruter des médiateurs sociaux ;")
    blocks += [("li", item) for item in items]
    rows = [["Partie", "Montant"], ["État", amount_text], ["Métropole", "120\u202f000\xa0€"]]
    if version == 2 and article % 5 == 2:
        rows.insert(2, ["Dijon", "45\u202f000\xa0€"])
    blocks.append(("table", rows))
    closing = "Il se réunit une fois par trimestre ou sous 15 jours à la demande d’un membre."
    if version == 2 and article % 6 == 5:
        closing = "Les partenaires examinent chaque année le bilan. Il arrête la stratégie."
    blocks.append(("p", closing))
    if version == 1 and article % 7 == 3:
        blocks.append(("p", "Ce paragraphe disparaît dans la nouvelle version de l’avenant."))
    if version == 2 and article % 8 == 0:
        blocks.append(("bold", "Les engagements ci-dessus sont pris sous réserve du vote."))
    return blocks


def make_document(path: Path, articles: int, version: int) -> Path:
    """Write an avenant-like document of ``articles`` articles (about 12 paragraphs each)."""
    import docx

    document = docx.Document()
    document.add_paragraph("Avenant à la convention", style="Title")
    for article in range(1, articles + 1):
        for kind, value in _article_blocks(article, version):
            if kind == "h":
                document.add_paragraph(str(value), style="Heading 1")
            elif kind == "li":
                document.add_paragraph(str(value), style="List Bullet")
            elif kind == "bold":
                document.add_paragraph().add_run(str(value)).bold = True
            elif kind == "table":
                rows = list(value)  # type: ignore[call-overload]
                table = document.add_table(rows=0, cols=2)
                for row in rows:
                    cells = table.add_row().cells
                    cells[0].text, cells[1].text = row
            else:
                document.add_paragraph(str(value))
    document.sections[0].footer.paragraphs[0].text = f"Avenant n° {version}-2023"
    document.save(str(path))
    return path


def _timed(command: list[str], runs: int) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - start)
    return best


def measure(name: str, articles: int, folder: Path, runs: int = 3) -> tuple[float, float]:
    """Time both engines on one generated pair; returns (internal, docxodus) seconds."""
    old = make_document(folder / f"{name}-ancien.docx", articles, 1)
    new = make_document(folder / f"{name}-nouveau.docx", articles, 2)
    script = folder / "docxodus_redline.py"
    script.write_text(_DOCXODUS_SCRIPT, encoding="utf-8")
    ours = _timed([sys.executable, "-m", "generator.compare", str(old), str(new),
                   str(folder / f"{name}-interne.docx"), "--quiet",
                   "--date", "2024-03-01T09:00:00Z"], runs)
    theirs = _timed([sys.executable, str(script), str(old), str(new),
                     str(folder / f"{name}-docxodus.docx")], runs)
    return ours, theirs


def long_paragraph(size: int, folder: Path) -> tuple[float, float, float]:
    """One paragraph of ``size`` characters, 2 % of words edited: a diff's measures.

    Returns (seconds, CPU seconds, peak MB) of the whole ``python -m generator.compare``
    process, start-up and exit included, as a user waits for it.
    """
    sys.path.insert(0, str(ROOT))
    from tests.test_compare_support import long_paragraph_pair

    old, new = long_paragraph_pair(folder, size)
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator.compare", str(old), str(new), str(folder / "long.docx"),
         "--quiet", "--date", "2024-03-01T09:00:00Z"],
        env=dict(os.environ, PYTHONPATH=str(ROOT)), cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise subprocess.CalledProcessError(process.returncode, process.args)
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> None:
    """Print one line per pair: both timings and the ratio."""
    # An installed package runs from compiled bytecode; with PYTHONDONTWRITEBYTECODE set, the
    # comparer would otherwise be compiled again at each start.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "generator")],
                   check=False, stdout=subprocess.DEVNULL)
    with tempfile.TemporaryDirectory(prefix="compare-bench-") as tmp:
        folder = Path(tmp)
        for name, articles, runs in (("graine", 12, 5), ("300 pages", 380, 2)):
            ours, theirs = measure(name.replace(" ", "-"), articles, folder, runs)
            print(f"diff ({name}): interne {ours:.2f} s, docxodus {theirs:.2f} s, "
                  f"ratio {theirs / ours:.1f}×", flush=True)
        for label, size in (("5 Ko", 5_000), ("50 Ko", 50_000), ("1 Mo", 1_000_000),
                            ("5 Mo", 5_000_000)):
            seconds, cpu, peak = long_paragraph(size, folder)
            print(f"diff (paragraphe de {label}, 2 % des mots modifiés): {seconds:.2f} s "
                  f"({cpu:.2f} s de processeur), pic mémoire {peak:.0f} Mo", flush=True)
    goals()




# ------------------------------------------------------------------ churn and whole diffs

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def churned_words(redline: Path) -> int:
    """Words a reader sees marked: deleted text, and text inside insertions, in every part."""
    import re
    import zipfile

    from lxml import etree

    words = re.compile(r"\w+")
    count = 0
    with zipfile.ZipFile(redline) as zf:
        for name in zf.namelist():
            if not (name.startswith("word/") and name.endswith(".xml")):
                continue
            root = etree.fromstring(zf.read(name))
            for el in root.iter(_W + "delText"):
                count += len(words.findall(el.text or ""))
            for ins in root.iter(_W + "ins"):
                for t in ins.iter(_W + "t"):
                    count += len(words.findall(t.text or ""))
    return count


def minimal_words(old: Path, new: Path) -> int:
    """The minimal word edit between two documents' texts (words deleted plus inserted)."""
    import re

    from generator.compare.align import matching_blocks
    from generator.compare.views import document_views

    def words(path: Path) -> list[str]:
        views = document_views(path)
        return re.findall(r"\w+", "\n".join(p for part in views.values() for p in part))

    a, b = words(old), words(new)
    kept = sum(i2 - i1 for tag, i1, i2, _, _ in matching_blocks(a, b) if tag == "equal")
    return len(a) + len(b) - 2 * kept


def corpus(folder: Path) -> list[tuple[str, Path, Path]]:
    """The tests' pairs (every kind of change, issue 13's classes) built in ``folder``."""
    sys.path.insert(0, str(ROOT))
    from tests.test_compare_redline import CASES
    from tests.test_compare_support import Doc, H, Image, build

    pairs = dict(CASES)
    pairs["sous son titre"] = (
        Doc([H(1, "Article 2 : Durée"), "Un an."]),
        Doc([H(1, "Article 2 : Durée"), "Deux ans.", H(1, "Article 3 : Résiliation"),
             "Préavis de trois mois."]))
    pairs["en-tête seulement ancien"] = (
        Doc(["Texte."], header=["V3 – 040426"], footer=["Paraphes"]), Doc(["Texte."]))
    first, second = "Le comité se réunit une fois par trimestre.", "Il arrête la stratégie."
    pairs["paragraphes joints"] = (Doc(["Préambule.", first, second, "Fin."]),
                                   Doc(["Préambule.", f"{first} {second}", "Fin."]))
    long = "Le comité de pilotage se réunit au moins deux fois par an, sur convocation. " * 6
    pairs["paragraphe près d’une image"] = (Doc(["Intro.", long, "", "Fin."]),
                                            Doc(["Intro.", "", long, Image(""), "Fin."]))
    built = []
    for number, (name, (old, new)) in enumerate(pairs.items()):
        old_path = build(old, folder / f"c{number}-ancien.docx")
        new_path = build(new, folder / f"c{number}-nouveau.docx")
        built.append((name, old_path, new_path))
    return built


def churn(folder: Path) -> tuple[int, int, int]:
    """(minimal, ours, Docxodus's) words churned, summed over the corpus."""
    from generator.compare import compare
    from generator.compare.docxodus import redline_bytes

    minimal = ours = theirs = 0
    for _name, old, new in corpus(folder):
        out = old.with_name(old.stem + "-interne.docx")
        compare(old, new, out)
        other = old.with_name(old.stem + "-docxodus.docx")
        other.write_bytes(redline_bytes(old, new, "Docxodus", "2024-03-01T09:00:00Z"))
        minimal += minimal_words(old, new)
        ours += churned_words(out)
        theirs += churned_words(other)
    return minimal, ours, theirs


def _typed_prior(path: Path) -> Path:
    """The 2023 reference text typed by hand in Word: one paragraph a line, no styles kept."""
    import docx

    document = docx.Document()
    source = ROOT / "tests" / "data" / "reference" / "avenant-1-2023-reference.txt"
    for line in source.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("["):
            continue
        text = line.lstrip("=- ").strip()
        style = "Heading 1" if line.startswith("== ") else \
            "List Bullet" if line.startswith("- ") else None
        document.add_paragraph(text, style=style)
    document.save(str(path))
    return path


def whole_diffs(folder: Path, runs: int = 5) -> list[tuple[str, float, float]]:
    """``avenant diff`` as a whole process against Docxodus's: (name, ours, theirs) seconds.

    On the shipped pair (2023 → 2024, built), and on a hand-typed prior against the built
    avenant (many small differences).
    """
    import shutil

    project = folder / "projet"
    project.mkdir()
    shutil.copytree(ROOT / "templates", project / "templates")
    shutil.copytree(ROOT / "variables", project / "variables")
    dossier = "bataillon-prevention-dijon"
    for version in ("2023", "2024"):
        subprocess.run([sys.executable, "-m", "generator", "--root", str(project), "build",
                        dossier, version], check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
                       env=dict(os.environ, PYTHONPATH=str(ROOT)))
    built = {v: next((project / "output" / dossier / v).glob("avenant-*.docx"))
             for v in ("2023", "2024")}
    prior = _typed_prior(folder / "saisi-a-la-main.docx")
    script = folder / "docxodus_redline.py"
    script.write_text(_DOCXODUS_SCRIPT, encoding="utf-8")
    results = []
    for name, old, new in (("2023 → 2024 livré", built["2023"], built["2024"]),
                           ("saisi à la main → construit", prior, built["2023"])):
        out = folder / "comparaison.docx"
        ours = _timed([sys.executable, "-m", "generator", "diff", str(old), str(new), "-o",
                       str(out), "--force"], runs)
        theirs = _timed([sys.executable, str(script), str(old), str(new),
                         str(folder / "docxodus.docx")], runs)
        results.append((name, ours, theirs))
    return results


def goals() -> None:
    """Print churn beside Docxodus's, and whole-diff ratios (issue 13's goals)."""
    with tempfile.TemporaryDirectory(prefix="compare-goals-") as tmp:
        folder = Path(tmp)
        minimal, ours, theirs = churn(folder)
        print(f"churn (corpus des tests): minimal {minimal} mots, interne {ours} "
              f"({ours / minimal:.2f}×), docxodus {theirs} ({theirs / minimal:.2f}×)",
              flush=True)
        for name, ours_s, theirs_s in whole_diffs(folder):
            print(f"avenant diff ({name}): interne {ours_s:.2f} s, docxodus {theirs_s:.2f} s, "
                  f"rapport {ours_s / theirs_s:.2f}×", flush=True)


if __name__ == "__main__":
    main()
