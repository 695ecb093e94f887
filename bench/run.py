"""`make bench`: each benchmark runs whole processes side by side and prints a ratio.

Sections live in bench/*_bench.py, each with a ``main()`` that prints its lines.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

SECTIONS = ["build_bench", "compare_bench", "batch_bench", "web_bench"]


def main() -> int:
    """Run every benchmark section present."""
    here = Path(__file__).resolve().parent
    sys.path.insert(0, str(here))
    sys.path.insert(0, str(here.parent))
    for name in SECTIONS:
        if not (here / f"{name}.py").is_file():
            continue
        importlib.import_module(name).main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
