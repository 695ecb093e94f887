"""`avenant serve` against a running server: the validation round trip and the preview refresh.

The server is the real command on a temporary copy of the project; the client posts what the
page posts when the drafter changes the amount of the 2023 avenant (stdlib HTTP, one request at
a time). Validation round trip: field change → problems summary back (goal: median < 100 ms).
Preview refresh: field change → rendered avenant back as HTML (goal: median < 1 s).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DOSSIER, VERSION = "bataillon-prevention-dijon", "2023"
VALIDATION_RUNS, PREVIEW_RUNS = 40, 12
VALIDATION_GOAL, PREVIEW_GOAL = 0.100, 1.0


def _post(url: str, token: str, fields: dict[str, str]) -> str:
    request = urllib.request.Request(url, data=urllib.parse.urlencode(fields).encode(),
                                     headers={"X-CSRF-Token": token, "HX-Request": "true"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.read().decode("utf-8")


def _median(url: str, token: str, state: dict[str, str], runs: int, marker: str) -> float:
    times = []
    for run in range(runs + 2):  # two warm-up requests
        fields = {**state, "financement.etat": str(468_000 + 1000 * (run % 7 + 1))}
        start = time.perf_counter()
        body = _post(url, token, fields)
        elapsed = time.perf_counter() - start
        assert marker in body, body[:300]
        if run >= 2:
            times.append(elapsed)
    return statistics.median(times)


def measure() -> tuple[float, float]:
    """(median validation round trip, median preview refresh), in seconds."""
    with tempfile.TemporaryDirectory(prefix="avenant-web-bench-") as tmp:
        root = Path(tmp)
        shutil.copytree(REPO / "templates", root / "templates")
        shutil.copytree(REPO / "variables", root / "variables")
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        with subprocess.Popen([sys.executable, "-m", "generator", "serve", "--root", str(root),
                               "--port", str(port)], env=env, stdout=subprocess.PIPE,
                              text=True) as server:
            try:
                assert server.stdout is not None
                address = re.search(r"http://\S+/", server.stdout.readline())
                assert address, "le serveur n’a pas démarré"
                page_url = f"{address.group(0)}d/{DOSSIER}/{VERSION}"
                with urllib.request.urlopen(page_url, timeout=60) as response:
                    page = response.read().decode("utf-8")
                token = re.search(r'"X-CSRF-Token": "([^"]+)"', page).group(1)  # type: ignore[union-attr]
                state = {name: re.search(rf'name="{name}" value="([^"]*)"',  # type: ignore[union-attr]
                                         page).group(1) for name in ("brouillon", "origine")}
                validation = _median(page_url + "/valider", token, state, VALIDATION_RUNS,
                                     'id="resume"')
                preview = _median(page_url + "/apercu", token, state, PREVIEW_RUNS,
                                  'class="modifie"')
            finally:
                server.terminate()
                server.wait(timeout=20)
    return validation, preview


def main() -> None:
    """Print both medians against their goals."""
    validation, preview = measure()
    ok = "objectif tenu" if validation < VALIDATION_GOAL else "OBJECTIF MANQUÉ"
    print(f"avenant serve, {DOSSIER} {VERSION} : aller-retour de validation (champ modifié → "
          f"erreurs affichées) médiane {validation * 1000:.0f} ms "
          f"(objectif < {VALIDATION_GOAL * 1000:.0f} ms) : {ok}")
    ok = "objectif tenu" if preview < PREVIEW_GOAL else "OBJECTIF MANQUÉ"
    print(f"avenant serve, {DOSSIER} {VERSION} : rafraîchissement de l’aperçu médiane "
          f"{preview * 1000:.0f} ms (objectif < {PREVIEW_GOAL * 1000:.0f} ms) : {ok}")


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
