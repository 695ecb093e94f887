"""One avenant, whole processes: ``avenant build`` against a bare docxtpl render.

Both sides start a fresh Python process and write the DOCX of bataillon-prevention-dijon 2023
into a temporary copy of the project. The bare side only imports docxtpl, renders the same
template with the same context (computed beforehand, passed pickled) and saves: the ratio is
what everything else costs (loading and checking the set, typography, release check,
properties, manifest, atomic write). Goal: at most 1.5×.
"""

from __future__ import annotations

import pickle
import shutil
import sys
import tempfile
from pathlib import Path

from processes import side_by_side, verdict

REPO = Path(__file__).resolve().parents[1]
DOSSIER, VERSION = "bataillon-prevention-dijon", "2023"
RUNS = 5
GOAL = 1.3

# Only what rendering needs: docxtpl, and the French filters the template calls.
BARE = """
import pickle, sys
import jinja2
from docxtpl import DocxTemplate
from generator.french import FILTERS
from generator.text import FILTERS as TEXT_FILTERS
with open(sys.argv[1], "rb") as f:
    template, target, context = pickle.load(f)
env = jinja2.Environment(autoescape=True)
env.filters.update(FILTERS)
env.filters.update(TEXT_FILTERS)
doc = DocxTemplate(template)
doc.render(context, jinja_env=env, autoescape=True)
doc.save(target)
"""


def project_copy(tmp: Path) -> Path:
    """A project in ``tmp``: the shipped templates and the 2023 variable set."""
    root = tmp / "projet"
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "variables" / DOSSIER).mkdir(parents=True)
    shutil.copy2(REPO / "variables" / DOSSIER / f"{VERSION}.yaml",
                 root / "variables" / DOSSIER / f"{VERSION}.yaml")
    return root


def main() -> None:
    """Print the median wall time of each side and their ratio."""
    sys.path.insert(0, str(REPO))
    from generator.build import load_set
    from generator.paths import Project

    with tempfile.TemporaryDirectory(prefix="avenant-bench-") as tmp_name:
        tmp = Path(tmp_name)
        root = project_copy(tmp)
        project = Project(root)
        loaded = load_set(project, DOSSIER, VERSION)
        template = loaded.variables.kit.template
        bare_out = tmp / "docxtpl-seul.docx"
        job = tmp / "contexte.pickle"
        context = loaded.variables.context()
        job.write_bytes(pickle.dumps((str(template), str(bare_out), context)))
        ours_cmd = [sys.executable, "-m", "generator", "--root", str(root), "build", DOSSIER,
                    VERSION]
        bare_cmd = [sys.executable, "-c", BARE, str(job)]

        def reset() -> None:  # a fresh build each time
            shutil.rmtree(root / "output", ignore_errors=True)
            bare_out.unlink(missing_ok=True)

        ours_s, bare_s, ratio = side_by_side(ours_cmd, bare_cmd, RUNS, reset)
        print(f"build {VERSION} : avenant {ours_s:.2f} s, docxtpl seul {bare_s:.2f} s, "
              f"ratio {ratio:.2f}×{verdict(ratio, GOAL)}")


if __name__ == "__main__":
    main()
