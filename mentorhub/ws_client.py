"""A small asyncio WebSocket client (RFC 6455) for tests and `make bench` that talk to a real server.

Written on asyncio streams rather than a library: autobahn (installed with Daphne) cannot run on
asyncio in a process where Daphne already chose Twisted, as the test process has. It speaks text
frames, answers the server's pings, sends no ``Origin`` (a script, not a page) and no extensions.
"""

import asyncio
import base64
import contextlib
import hashlib
import json
import os
import struct
from urllib.parse import urlsplit

CLOSED = object()  # what receive() finds once the server has closed the socket
_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_TEXT, _BINARY, _CLOSE, _PING, _PONG = 0x1, 0x2, 0x8, 0x9, 0xA


def _frame(opcode: int, payload: bytes) -> bytes:
    mask = os.urandom(4)  # clients must mask every frame
    length = len(payload)
    if length < 126:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
    elif length < 1 << 16:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
    keystream = (mask * (length // 4 + 1))[:length]
    masked = (int.from_bytes(payload, "big") ^ int.from_bytes(keystream, "big")).to_bytes(length, "big")
    return head + mask + masked


class Socket:
    """One open WebSocket: ``send_json``, ``receive_json`` (with a timeout), ``receive_nothing``, ``close``."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
        self._reader, self._writer = reader, writer
        self._frames: asyncio.Queue = asyncio.Queue()
        self.close_code: int | None = None
        self._closing = False
        self._task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        message, kind = b"", _TEXT
        try:
            while True:
                first, second = await self._reader.readexactly(2)
                opcode, length = first & 0x0F, second & 0x7F
                if length == 126:
                    (length,) = struct.unpack("!H", await self._reader.readexactly(2))
                elif length == 127:
                    (length,) = struct.unpack("!Q", await self._reader.readexactly(8))
                payload = await self._reader.readexactly(length)  # servers never mask
                if opcode == _PING:
                    self._writer.write(_frame(_PONG, payload))
                elif opcode == _CLOSE:
                    self.close_code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                    break
                elif opcode in (_TEXT, _BINARY, 0x0):
                    kind = opcode or kind
                    message += payload
                    if first & 0x80:  # the last fragment
                        self._frames.put_nowait(message.decode() if kind == _TEXT else message)
                        message = b""
        except (asyncio.IncompleteReadError, ConnectionError):
            self.close_code = self.close_code or 1006
        finally:
            self._send_close()
            self._writer.close()
            self._frames.put_nowait(CLOSED)

    def _send_close(self) -> None:
        if self._closing:
            return
        self._closing = True
        with contextlib.suppress(ConnectionError, RuntimeError):  # the server may be gone already
            self._writer.write(_frame(_CLOSE, struct.pack("!H", 1000)))

    async def send_json(self, data) -> None:
        self._writer.write(_frame(_TEXT, json.dumps(data).encode()))
        await self._writer.drain()

    async def receive(self, timeout: float = 5):
        return await asyncio.wait_for(self._frames.get(), timeout)

    async def receive_json(self, timeout: float = 5):
        frame = await self.receive(timeout)
        if frame is CLOSED:
            self._frames.put_nowait(CLOSED)
            raise ConnectionError(f"The server closed the socket (code {self.close_code}).")
        return json.loads(frame)

    async def receive_nothing(self, timeout: float = 0.5) -> bool:
        """True when no frame arrives within ``timeout`` seconds."""
        try:
            await self.receive(timeout)
        except TimeoutError:
            return True
        return False

    async def close(self, timeout: float = 5) -> None:
        self._send_close()
        try:
            await asyncio.wait_for(asyncio.shield(self._task), timeout)
        except TimeoutError:
            self._task.cancel()
            self._writer.transport.abort()


async def connect(url: str, *, timeout: float = 10) -> Socket:
    """Open ``url`` (``ws://host:port/path?query``); raises ConnectionError if the handshake is refused."""
    parts = urlsplit(url)
    reader, writer = await asyncio.wait_for(asyncio.open_connection(parts.hostname, parts.port), timeout)
    key = base64.b64encode(os.urandom(16))
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    writer.write(
        f"GET {target} HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: {key.decode()}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode()
    )
    try:
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout)
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
        writer.close()
        raise ConnectionError(f"No WebSocket handshake answer from {parts.netloc}.") from exc
    status, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    accept = base64.b64encode(hashlib.sha1(key + _GUID).digest()).decode()
    if status.split(" ")[1:2] != ["101"] or headers.get("sec-websocket-accept") != accept:
        writer.close()
        raise ConnectionError(f"The WebSocket handshake to {parts.path} was refused: {status}")
    return Socket(reader, writer)
