"""``python -m generator``: the same as the ``avenant`` command."""

import sys

from .cli import main

sys.exit(main())
