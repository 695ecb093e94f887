"""The page's guards, as one ASGI middleware: Host header, request size, CSRF token.

- **Host**: only the names the server was started for (127.0.0.1, localhost, ::1 and an
  explicit ``--hote``), so a hostile site cannot reach the server through DNS rebinding.
- **Size**: a request body larger than :data:`MAX_BODY` is refused (413), whether announced by
  Content-Length or not.
- **CSRF**: every POST carries the process's token (header ``X-CSRF-Token`` sent by htmx, or
  form field ``csrf``); another site cannot read the page, so it cannot know the token.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs

MAX_BODY = 4_000_000
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def host_name(host: str) -> str:
    """The name in a Host header, without the port (``[::1]:8000`` → ``::1``).

    >>> host_name("[::1]:8000"), host_name("localhost:8000"), host_name("127.0.0.1")
    ('::1', 'localhost', '127.0.0.1')
    """
    if host.startswith("["):
        return host[1:].split("]", 1)[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


async def _refuse(send: Send, status: int, message: str) -> None:
    body = message.encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class Guard:
    """ASGI middleware applying the three guards before the application sees a request."""

    def __init__(self, app: Any, *, hosts: tuple[str, ...], token: str) -> None:
        self.app = app
        self.hosts = {h.lower() for h in hosts}
        self.token = token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Refuse a request that fails a guard; pass the others on."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1")
                   for k, v in scope.get("headers", [])}
        if host_name(headers.get("host", "")).lower() not in self.hosts:
            await _refuse(send, 400, "Hôte non autorisé : ce serveur ne répond qu’à "
                          + ", ".join(sorted(self.hosts)) + ".")
            return
        length = headers.get("content-length", "0")
        if not length.isdigit() or int(length) > MAX_BODY:
            await _refuse(send, 413, "Requête trop volumineuse.")
            return
        if scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        body = await _read_body(receive)
        if body is None:
            await _refuse(send, 413, "Requête trop volumineuse.")
            return
        sent = headers.get("x-csrf-token") or _form_token(body, headers)
        if not sent or not hmac.compare_digest(sent, self.token):
            await _refuse(send, 403, "Jeton de sécurité (CSRF) absent ou invalide : "
                          "rechargez la page.")
            return
        await self.app(scope, _replay(body, receive), send)


async def _read_body(receive: Receive) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks)
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def _form_token(body: bytes, headers: dict[str, str]) -> str:
    if not headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return ""
    values = parse_qs(body.decode("utf-8", "replace")).get("csrf", [""])
    return values[0]


def _replay(body: bytes, original: Receive) -> Receive:
    """A receive callable giving the body already read, then the client's next messages."""
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await original()

    return receive


def new_token() -> str:
    """A fresh CSRF token for one server process."""
    return secrets.token_urlsafe(32)
