"""``python -m generator``: the same as the ``avenant`` command."""

import gc

gc.disable()  # as `generator.cli.run` does, from before the command line's imports

from .cli import run  # noqa: E402

run()
