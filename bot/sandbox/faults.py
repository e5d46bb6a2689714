"""Faults a test can inject: REST faults, gateway disconnects, and the gateway frames to check."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from .emulator.faults import FaultPlan
from .emulator.gateway import Frame
from .emulator.server import Emulator


class Faults:
    """REST and gateway faults over the running emulator; mixed into `DiscordEmulator`."""

    emulator: Emulator

    @property
    def faults(self) -> FaultPlan:
        """Pending REST faults; add with rate_limit(), server_error(), refuse(), slow()."""
        return self.emulator.faults

    @property
    def frames(self) -> list[Frame]:
        """Every gateway frame in and out, in order."""
        return self.emulator.gateway.frames

    async def drop_connection(self, code: int = 4000) -> None:
        """Close the bot's gateway socket with `code`; it should RESUME."""
        await self.emulator.gateway.close(code)

    def abort_connection(self) -> None:
        """Cut the bot's gateway TCP connection (close code 1006); it should RESUME."""
        self.emulator.gateway.abort()

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT; the bot should RESUME."""
        await self.emulator.gateway.reconnect()

    async def invalidate_session(self, *, resumable: bool = False) -> None:
        """Send op 9 INVALID_SESSION; unless resumable the bot must IDENTIFY again."""
        await self.emulator.gateway.invalidate(resumable)

    @contextlib.asynccontextmanager
    async def gateway_held(self) -> AsyncIterator[None]:
        """Keep the bot's RESUME/IDENTIFY unanswered inside the block, so events dispatched there
        are missed for sure and must be replayed on RESUME (use `wait=False` actions inside)."""
        self.emulator.gateway.hold()
        try:
            yield
        finally:
            self.emulator.gateway.release()

    def frames_in(self, op: int) -> list[Frame]:
        """Frames the bot sent with this op (2 IDENTIFY, 6 RESUME, ...)."""
        return [f for f in self.frames if f.direction == "in" and f.op == op]
