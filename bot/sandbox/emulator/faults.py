"""Fault injection for REST: rate limits (per-route and global), server errors, refusals (a 4xx
with Discord's error code, e.g. 403 50013 Missing Permissions) and slow answers.

Gateway faults (close codes, RECONNECT, INVALID_SESSION) live on the gateway, since they act
on a live socket rather than on the next matching request.

A route pattern is "METHOD /path" with `*` matching one path segment, matched against the path
after `/api/v10`, e.g. "POST /interactions/*/*/callback" or "* /channels/*/messages".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


def _compile(pattern: str) -> tuple[str, re.Pattern[str]]:
    method, _, path = pattern.strip().partition(" ")
    if not path:
        raise ValueError(f"route pattern needs 'METHOD /path', got {pattern!r}")
    regex = "^" + "/".join("[^/]+" if p == "*" else re.escape(p) for p in path.split("/")) + "$"
    return method.upper(), re.compile(regex)


@dataclass
class Fault:
    """One pending fault: applies to the next `times` requests matching `route`."""

    route: str
    kind: str  # "rate_limit", "status" or "slow"
    times: int = 1
    status: int = 500
    code: int = 0  # Discord's JSON error code in the answer
    message: str = ""
    retry_after: float = 0.05
    is_global: bool = False
    delay: float = 0.0
    hits: int = 0
    _method: str = field(init=False, repr=False)
    _path: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._method, self._path = _compile(self.route)

    def matches(self, method: str, path: str) -> bool:
        """Whether this fault applies to a request."""
        if self.hits >= self.times:
            return False
        return self._method in ("*", method.upper()) and bool(self._path.match(path))


class FaultPlan:
    """The REST faults waiting to fire; tests add them through the emulator's `faults`."""

    def __init__(self) -> None:
        self.pending: list[Fault] = []

    def rate_limit(
        self, route: str, *, times: int = 1, retry_after: float = 0.05, is_global: bool = False
    ) -> Fault:
        """Answer the next `times` matching requests with 429 and `retry_after` seconds."""
        return self._add(
            Fault(route, "rate_limit", times=times, retry_after=retry_after, is_global=is_global)
        )

    def server_error(self, route: str, *, status: int = 500, times: int = 1) -> Fault:
        """Answer the next `times` matching requests with a 5xx status."""
        if status < 500:
            raise ValueError("server_error needs a 5xx status")
        return self._add(Fault(route, "status", times=times, status=status))

    def refuse(
        self, route: str, *, status: int = 403, code: int = 50013, message: str = "", times: int = 1
    ) -> Fault:
        """Answer the next `times` matching requests with a 4xx and Discord's error `code`, as
        Discord does for what the emulator does not model (permission overwrites, closed DMs)."""
        if not 400 <= status < 500:
            raise ValueError("refuse needs a 4xx status")
        fault = Fault(route, "status", times=times, status=status, code=code, message=message)
        return self._add(fault)

    def slow(self, route: str, *, delay: float, times: int = 1) -> Fault:
        """Delay the next `times` matching requests by `delay` seconds before answering."""
        return self._add(Fault(route, "slow", times=times, delay=delay))

    def take(self, method: str, path: str) -> list[Fault]:
        """Consume and return every fault that fires for this request (slow ones first)."""
        fired = [f for f in self.pending if f.matches(method, path)]
        fired.sort(key=lambda f: f.kind != "slow")
        # A slow fault and an error fault may both fire; two errors at once make no sense.
        chosen: list[Fault] = []
        for fault in fired:
            if fault.kind == "slow" or not any(c.kind != "slow" for c in chosen):
                fault.hits += 1
                chosen.append(fault)
        return chosen

    def clear(self) -> None:
        """Drop every pending fault."""
        self.pending.clear()

    def _add(self, fault: Fault) -> Fault:
        self.pending.append(fault)
        return fault
