"""The emulated gateway websocket: HELLO, IDENTIFY/READY, GUILD_CREATE, heartbeats, RESUME.

Each IDENTIFY opens a session holding every dispatch sent in it (with its sequence number), so a
RESUME after a dropped connection replays exactly the events the client has not seen, as Discord
does. Dispatches made while no socket is attached are kept and replayed on RESUME.

Faults act on the live socket: `close(code)` (e.g. 4000), `abort()` (the client sees 1006),
`reconnect()` (op 7) and `invalidate(resumable)` (op 9). `hold()`/`release()` keep the bot's
next IDENTIFY/RESUME waiting, so a test can dispatch events that the bot is sure to miss.

Shards: IDENTIFY's `shard: [id, count]` makes a session one shard's. As on Discord, a shard
hears only about its own guilds — READY and GUILD_CREATE list those with
`(guild_id >> 22) % count == id` — and an event about a guild goes only to the session of the
shard that owns it (DMs to shard 0). Without a `shard` field the one session gets everything.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from .routing import Host

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


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard that owns a guild: Discord's `(guild_id >> 22) % shard_count`."""
    return (guild_id >> 22) % shard_count


@dataclass
class Session:
    """A gateway session: what was dispatched in it and which socket (if any) it is attached to."""

    id: str
    intents: int
    seq: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)
    ws: web.WebSocketResponse | None = None
    request: web.Request | None = None
    shard: tuple[int, int] = (0, 1)  # (shard id, shard count), from IDENTIFY

    def owns(self, guild_id: int) -> bool:
        """True when this session's shard is the one that hears about `guild_id`."""
        return shard_of(guild_id, self.shard[1]) == self.shard[0]


class Gateway:
    """Serves the gateway websocket for one emulator."""

    def __init__(self, emulator: Host, notify: Callable[[], None]) -> None:
        self._emu = emulator
        self._notify = notify
        self.sessions: dict[str, Session] = {}
        # The latest session to IDENTIFY or RESUME (the unsharded bot's only one).
        self.current: Session | None = None
        # The latest session of each shard id: where that shard's events go.
        self.shards: dict[int, Session] = {}
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
        shard = data.get("shard") or [0, 1]
        shard_id, shard_count = int(shard[0]), int(shard[1])
        if not 0 <= shard_id < shard_count:
            await ws.close(code=4010, message=b"Invalid shard.")
            return
        session = Session(
            id=secrets.token_hex(16),
            intents=int(data.get("intents") or 0),
            shard=(shard_id, shard_count),
        )
        session.ws, session.request = ws, request
        self.sessions[session.id] = session
        self.current = self.shards[shard_id] = session
        world = self._emu.world
        guilds = [g for g in world.guilds if session.owns(g.id)]
        ready = {
            "v": 10,
            "user": {**world.bot.payload(), "verified": True, "mfa_enabled": False, "flags": 0},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.id,
            "resume_gateway_url": self._emu.gateway_url,
            "application": {"id": str(world.bot.id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "shard": [shard_id, shard_count],
        }
        await self._dispatch_in(session, "READY", ready)
        for guild in guilds:
            await self._dispatch_in(session, "GUILD_CREATE", guild.payload())

    async def _resume(self, ws: web.WebSocketResponse, request: web.Request, data: dict) -> None:
        session = self.sessions.get(data.get("session_id") or "")
        if session is None or data.get("token") != self._emu.token:
            await self._send(ws, {"op": INVALID_SESSION, "d": False})
            return
        session.ws, session.request = ws, request
        self.current = self.shards[session.shard[0]] = session
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

    def session_for(self, guild_id: int | None) -> Session | None:
        """The session that hears about `guild_id` (None: DMs, which go to shard 0)."""
        if self.current is None:
            return None
        count = self.current.shard[1]
        return self.shards.get(0 if guild_id is None else shard_of(guild_id, count))

    async def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Send a dispatch to the session of the shard that owns the event's guild (kept for
        replay if its socket is down)."""
        if self.current is None:
            raise RuntimeError("no gateway session: is the bot connected?")
        guild_id = data.get("guild_id")
        session = self.session_for(int(guild_id) if guild_id else None)
        if session is None:
            log.warning("no shard session for guild %s: %s not delivered", guild_id, event)
            return
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
            self.shards = {k: v for k, v in self.shards.items() if v is not session}
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
