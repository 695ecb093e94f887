"""A whole lot: ``avenant build --all`` against a bare single-process docxtpl loop.

45 dossiers × 3 versions (2023, 2024, 2025: rangs 1, 2, 3, each citing the earlier ones) are
made in a temporary folder from the shipped 2023 set. One side is the whole command, in one
process, as a user runs it; the other renders the same documents with docxtpl alone, one after
the other, with contexts computed beforehand. Goal: at most 0.7× (the cores are used, and what
each document costs beyond docxtpl is small).
"""

from __future__ import annotations

import datetime as dt
import io
import pickle
import shutil
import sys
import tempfile
from pathlib import Path

from processes import side_by_side, verdict

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "variables" / "bataillon-prevention-dijon" / "2023.yaml"
DOSSIERS = 45
YEARS = (2023, 2024, 2025)
RUNS = 3
GOAL = 0.7

# docxtpl alone, plus the French filters the template calls: nothing else.
BARE = """
import pickle, sys
import jinja2
from docxtpl import DocxTemplate
from generator.french import FILTERS
from generator.text import FILTERS as TEXT_FILTERS
with open(sys.argv[1], "rb") as f:
    jobs = pickle.load(f)
env = jinja2.Environment(autoescape=True)
env.filters.update(FILTERS)
env.filters.update(TEXT_FILTERS)
for template, target, context in jobs:
    doc = DocxTemplate(template)
    doc.render(context, jinja_env=env, autoescape=True)
    doc.save(target)
"""


def _signed(year: int) -> dt.date:
    return dt.date(year, 3, 15)


def variable_set(source: str, year: int, rank: int, amount: int) -> str:
    """The shipped 2023 set, moved to ``year`` as avenant n° ``rank``-``year``.

    Everything a check relates to the year follows: the period, the signing date, the finance
    law cited, every earlier avenant cited with its date, a new amount.
    """
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    data = yaml.load(source)
    avenant = data["avenant"]
    avenant["rang"] = rank
    avenant["annee"] = year
    avenant["periode"]["debut"] = dt.date(year, 1, 1)
    avenant["periode"]["fin"] = dt.date(year, 12, 31)
    avenant["date_signature"] = _signed(year)
    data["avenants_precedents"] = [
        {"numero": f"{r}-{y}", "date_signature": _signed(y)}
        for r, y in enumerate(YEARS[: YEARS.index(year)], start=1)]
    data["visas"] = [v.replace("Loi de finances initiale pour 2021",
                               f"Loi de finances initiale pour {year}") for v in data["visas"]]
    data["financement"]["etat"] = amount
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def make_lot(root: Path, dossiers: int = DOSSIERS) -> list[tuple[str, str]]:
    """A project in ``root`` with ``dossiers`` dossiers of three versions each."""
    shutil.copytree(REPO / "templates", root / "templates")
    source = SOURCE.read_text(encoding="utf-8")
    sets = {year: variable_set(source, year, rank, 468_000 + 12_000 * (rank - 1))
            for rank, year in enumerate(YEARS, start=1)}
    items = []
    for index in range(1, dossiers + 1):
        dossier = f"bataillon-{index:02d}"
        folder = root / "variables" / dossier
        folder.mkdir(parents=True)
        for year, text in sets.items():
            (folder / f"{year}.yaml").write_text(text, encoding="utf-8")
            items.append((dossier, str(year)))
    return items


def main() -> None:
    """Print the median wall time of each side over the lot, and their ratio."""
    sys.path.insert(0, str(REPO))
    from generator.build import load_set
    from generator.errors import AvenantError
    from generator.paths import Project

    with tempfile.TemporaryDirectory(prefix="avenant-bench-lot-") as tmp_name:
        tmp = Path(tmp_name)
        root = tmp / "projet"
        items = make_lot(root)
        project = Project(root)
        bare_dir = tmp / "docxtpl"
        bare_dir.mkdir()
        jobs = []
        for dossier, version in items:
            try:
                loaded = load_set(project, dossier, version)  # refuses what checks refuse
            except AvenantError as exc:
                print(f"lot : jeu de variables généré refusé par les vérifications :\n{exc}")
                return
            template = loaded.variables.kit.template
            target = bare_dir / f"{dossier}-{version}.docx"
            jobs.append((str(template), str(target), loaded.variables.context()))
        job_file = tmp / "contextes.pickle"
        job_file.write_bytes(pickle.dumps(jobs))
        ours_cmd = [sys.executable, "-m", "generator", "--root", str(root), "build", "--all"]
        bare_cmd = [sys.executable, "-c", BARE, str(job_file)]

        def reset() -> None:  # every file written afresh
            shutil.rmtree(root / "output", ignore_errors=True)
            shutil.rmtree(bare_dir)
            bare_dir.mkdir()

        ours_s, bare_s, ratio = side_by_side(ours_cmd, bare_cmd, RUNS, reset)
        print(f"lot ({DOSSIERS} dossiers × {len(YEARS)} versions) : avenant build --all "
              f"{ours_s:.1f} s, boucle docxtpl {bare_s:.1f} s, ratio {ratio:.2f}×"
              f"{verdict(ratio, GOAL)}")


if __name__ == "__main__":
    main()
