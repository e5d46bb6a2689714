"""The emulated gateway websocket: HELLO, IDENTIFY/READY, GUILD_CREATE, heartbeats, RESUME.

Each IDENTIFY opens a session holding every dispatch sent in it (with its sequence number), so a
RESUME after a dropped connection replays exactly the events the client has not seen, as Discord
does. Dispatches made while no socket is attached are kept and replayed on RESUME.

Faults act on the live socket: `close(code)` (e.g. 4000), `abort()` (the client sees 1006),
`reconnect()` (op 7) and `invalidate(resumable)` (op 9). `hold()`/`release()` keep the bot's
next IDENTIFY/RESUME waiting, so a test can dispatch events that the bot is sure to miss.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

if TYPE_CHECKING:
    from .server import Emulator

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, RESUME = 0, 1, 2, 3, 6
RECONNECT, REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 7, 8, 9, 10, 11

HEARTBEAT_INTERVAL_MS = 41_250
GUILD_MESSAGES_INTENT = 1 << 9
DIRECT_MESSAGES_INTENT = 1 << 12


@dataclass
class Frame:
    """One gateway frame, for the test-visible log: direction is "in" (client→emulator) or "out"."""

    direction: str
    op: int
    event: str | None = None
    seq: int | None = None
    session_id: str | None = None


@dataclass
class Session:
    """A gateway session: what was dispatched in it and which socket (if any) it is attached to."""

    id: str
    intents: int
    seq: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)
    ws: web.WebSocketResponse | None = None
    request: web.Request | None = None


class Gateway:
    """Serves the gateway websocket for one emulator."""

    def __init__(self, emulator: Emulator, notify: Callable[[], None]) -> None:
        self._emu = emulator
        self._notify = notify
        self.sessions: dict[str, Session] = {}
        self.current: Session | None = None
        self.frames: list[Frame] = []
        self._sockets: set[web.WebSocketResponse] = set()
        # Cleared by hold(): IDENTIFY/RESUME wait here, so tests can dispatch while the bot is away.
        self._open = asyncio.Event()
        self._open.set()

    # -- serving ---------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """Run one websocket connection until it closes."""
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.add(ws)
        try:
            await self._send(ws, {"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                await self._on_frame(ws, request, json.loads(msg.data))
        except ConnectionResetError:
            pass  # the client or a fault dropped the connection; the session stays resumable
        finally:
            self._sockets.discard(ws)
            for session in self.sessions.values():
                if session.ws is ws:
                    session.ws = None
            self._notify()
        return ws

    async def _on_frame(self, ws: web.WebSocketResponse, request: web.Request, msg: dict) -> None:
        op, data = msg.get("op"), msg.get("d")
        session = next((s for s in self.sessions.values() if s.ws is ws), None)
        self._log("in", op, session_id=session.id if session else None)
        if op == HEARTBEAT:
            await self._send(ws, {"op": HEARTBEAT_ACK})
        elif op == IDENTIFY:
            await self._open.wait()
            await self._identify(ws, request, data)
        elif op == RESUME:
            await self._open.wait()
            await self._resume(ws, request, data)
        elif op == REQUEST_MEMBERS and session is not None:
            await self._members_chunk(session, data)
        elif op != PRESENCE:
            log.warning("emulated gateway ignored op %s", op)

    async def _identify(self, ws: web.WebSocketResponse, request: web.Request, data: dict) -> None:
        if data.get("token") != self._emu.token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        session = Session(id=secrets.token_hex(16), intents=int(data.get("intents") or 0))
        session.ws, session.request = ws, request
        self.sessions[session.id] = session
        self.current = session
        world = self._emu.world
        ready = {
            "v": 10,
            "user": {**world.bot.payload(), "verified": True, "mfa_enabled": False, "flags": 0},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in world.guilds],
            "session_id": session.id,
            "resume_gateway_url": self._emu.gateway_url,
            "application": {"id": str(world.bot.id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "shard": [0, 1],
        }
        await self._dispatch_in(session, "READY", ready)
        for guild in world.guilds:
            await self._dispatch_in(session, "GUILD_CREATE", guild.payload())

    async def _resume(self, ws: web.WebSocketResponse, request: web.Request, data: dict) -> None:
        session = self.sessions.get(data.get("session_id") or "")
        if session is None or data.get("token") != self._emu.token:
            await self._send(ws, {"op": INVALID_SESSION, "d": False})
            return
        session.ws, session.request = ws, request
        self.current = session
        seen = int(data.get("seq") or 0)
        for frame in session.sent:
            if frame["s"] > seen:
                await self._send(ws, frame, session)
        await self._dispatch_in(session, "RESUMED", {})

    async def _members_chunk(self, session: Session, data: dict) -> None:
        guild = self._emu.world.guild_by_id(int(data["guild_id"]))
        chunk = {
            "guild_id": str(guild.id),
            "members": [m.payload() for m in guild.members],
            "chunk_index": 0,
            "chunk_count": 1,
            "nonce": data.get("nonce"),
        }
        await self._dispatch_in(session, "GUILD_MEMBERS_CHUNK", chunk)

    # -- sending ---------------------------------------------------------------------------

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a dispatch in the current session (kept for replay if the socket is down)."""
        if self.current is None:
            raise RuntimeError("no gateway session: is the bot connected?")
        session = self.current
        if event == "MESSAGE_CREATE":
            # Discord withholds message events the client did not ask for through intents.
            wanted = DIRECT_MESSAGES_INTENT if "guild_id" not in data else GUILD_MESSAGES_INTENT
            if not session.intents & wanted:
                return
        await self._dispatch_in(session, event, data)

    async def _dispatch_in(self, session: Session, event: str, data: dict[str, Any]) -> None:
        session.seq += 1
        frame = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
        session.sent.append(frame)
        if session.ws is not None and not session.ws.closed:
            try:
                await self._send(session.ws, frame, session)
            except ConnectionResetError:
                session.ws = None  # replayed on RESUME
        else:
            self._log("held", DISPATCH, event, session.seq, session.id)

    async def _send(
        self, ws: web.WebSocketResponse, frame: dict[str, Any], session: Session | None = None
    ) -> None:
        self._log(
            "out", frame["op"], frame.get("t"), frame.get("s"), session.id if session else None
        )
        await ws.send_str(json.dumps(frame))

    def _log(
        self,
        direction: str,
        op: int | None,
        event: str | None = None,
        seq: int | None = None,
        session_id: str | None = None,
    ) -> None:
        self.frames.append(Frame(direction, int(op or 0), event, seq, session_id))
        self._notify()

    # -- faults ----------------------------------------------------------------------------

    def _detach(self) -> Session:
        session = self.current
        if session is None or session.ws is None:
            raise RuntimeError("no live gateway connection to fault")
        return session

    async def close(self, code: int = 4000) -> None:
        """Close the live socket with `code`; the session stays resumable."""
        session = self._detach()
        ws, session.ws = session.ws, None
        assert ws is not None
        await ws.close(code=code)

    def abort(self) -> None:
        """Drop the TCP connection without a close frame (the client sees 1006)."""
        session = self._detach()
        request, session.ws = session.request, None
        if request is not None and request.transport is not None:
            request.transport.abort()

    async def reconnect(self) -> None:
        """Send op 7 RECONNECT: the client closes and resumes."""
        session = self._detach()
        ws, session.ws = session.ws, None
        assert ws is not None
        await self._send(ws, {"op": RECONNECT, "d": None}, session)

    async def invalidate(self, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION; unless resumable, the session is forgotten."""
        session = self._detach()
        ws = session.ws
        assert ws is not None
        if not resumable:
            self.sessions.pop(session.id, None)
            self.current = None
        session.ws = None
        await self._send(ws, {"op": INVALID_SESSION, "d": resumable}, session)

    def hold(self) -> None:
        """Leave the next IDENTIFY/RESUME unanswered until release()."""
        self._open.clear()

    def release(self) -> None:
        """Answer IDENTIFY/RESUME again (including any held one)."""
        self._open.set()

    async def shutdown(self) -> None:
        """Close every socket (used when the emulator stops)."""
        for ws in list(self._sockets):
            await ws.close(code=1001)
