"""``avenant serve``: a local web page for drafters and reviewers.

Edit a variable set with live checks and preview, build it, compare versions. The YAML files
stay the source of truth.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .security import LOCAL_HOSTS


def serve(root: Path | str = ".", *, port: int = 8000, host: str = "127.0.0.1",
          ready: Any = None) -> None:
    """Serve the project at ``root`` on ``host:port`` until interrupted.

    ``ready(url)`` is called once the socket is bound (the CLI prints the address there).
    """
    import uvicorn

    from .app import create_app

    hosts = LOCAL_HOSTS if host in LOCAL_HOSTS else (*LOCAL_HOSTS, host)
    app = create_app(root, hosts=hosts)
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", access_log=False,
                            server_header=False, limit_concurrency=32)
    server = uvicorn.Server(config)
    if ready is not None:
        shown = f"[{host}]" if ":" in host else host
        original = server.startup

        async def startup(sockets: Any = None) -> None:
            await original(sockets=sockets)
            if server.started:
                ready(f"http://{shown}:{port}/")

        server.startup = startup  # type: ignore[method-assign]
    server.run()


__all__ = ["LOCAL_HOSTS", "serve"]
