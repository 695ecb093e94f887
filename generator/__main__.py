"""``python -m generator``: the same as the ``avenant`` command."""

from .cli import run

run()
