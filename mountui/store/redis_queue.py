"""The call queue in Redis: one set of concurrency limits and waiting lines for every worker of an app.

A well-known pattern, leases with expiry, in Lua scripts so that each step is atomic:

- each gate has a line (a sorted set ordered by arrival) and a set of running calls (a sorted set whose
  scores are lease deadlines); a call takes a slot when fewer than `limit` leases are live and it is among
  the first in line;
- every worker renews the leases of its calls every `lease / 3` seconds; a worker that dies stops renewing,
  and the first worker to find its leases expired takes them over (`reap`): it leaves a tombstone, so the
  dead worker, should it only have been frozen, learns that its calls are no longer its own;
- a slot that frees is announced on pub/sub so waiters on every worker try at once; as pub/sub can lose
  messages, each worker also retries its first waiter of each gate on every renewal.

Times are Redis's own (`TIME`), so the clocks of the workers' machines do not matter.
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import logging
from typing import TYPE_CHECKING, Any

from mountui.errors import StoreUnavailableError
from mountui.store.queue import Queue, Ticket, queue_full

if TYPE_CHECKING:
    from mountui.store.redis import RedisStore

logger = logging.getLogger("mountui.store")

WAKE = "queue:wake"  # pub/sub channel (in the store's namespace): a slot of this gate is free

_NOW = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
"""

# ARGV: prefix, gate, holder, limit ('' = none), max waiting, lease ms.
# Returns {0} (holds a slot), {-1} (the queue is full), {-2} (released already: a late retry takes nothing)
# or {1 + its place in line, its number in line} (the number orders a worker's own waiters as Redis does).
_TAKE = (
    _NOW
    + """
local p, gate, holder = ARGV[1], ARGV[2], ARGV[3]
local limit, maxw, lease = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local line, run, waiting = p .. 'line:' .. gate, p .. 'run:' .. gate, p .. 'waiting'
local member = holder .. '|' .. gate
if redis.call('EXISTS', p .. 'gone:' .. holder) == 1 then return {-2} end
if redis.call('ZSCORE', run, holder) then
  redis.call('ZADD', run, now + lease, holder)
  return {0}
end
local running = redis.call('ZCOUNT', run, now, '+inf')
if not redis.call('ZSCORE', line, holder) then
  redis.call('SADD', p .. 'gates', gate)
  if limit == nil or (running < limit and redis.call('ZCARD', line) == 0) then
    redis.call('ZADD', run, now + lease, holder)
    return {0}
  end
  if redis.call('ZCOUNT', waiting, now, '+inf') >= maxw then return {-1} end
  redis.call('ZADD', line, redis.call('INCR', p .. 'seq'), holder)
  redis.call('ZADD', waiting, now + lease, member)
end
local rank = redis.call('ZRANK', line, holder)
if limit == nil or rank < limit - running then
  redis.call('ZREM', line, holder)
  redis.call('ZREM', waiting, member)
  redis.call('ZADD', run, now + lease, holder)
  return {0}
end
return {rank + 1, redis.call('ZSCORE', line, holder)}
"""
)

# ARGV: prefix, gate, holder, wake channel, marker ttl ms. Frees the slot or the place in line and announces
# it; a marker keeps a renewal that was on its way from putting the holder back.
_RELEASE = """
local p, gate, holder = ARGV[1], ARGV[2], ARGV[3]
local freed = redis.call('ZREM', p .. 'run:' .. gate, holder) + redis.call('ZREM', p .. 'line:' .. gate, holder)
redis.call('ZREM', p .. 'waiting', holder .. '|' .. gate)
redis.call('SET', p .. 'gone:' .. holder, '1', 'PX', ARGV[5])
if freed > 0 then redis.call('PUBLISH', ARGV[4], cjson.encode(gate)) end
return freed
"""

# ARGV: prefix, lease ms, then (holder, gate, running '1'/'0') triples. Renews (or, after Redis lost them,
# puts back) this worker's leases; returns the holders that were taken over meanwhile (tombstones). What Redis
# says wins over what the worker believed when it sent this: a holder let in meanwhile is renewed as running,
# one released meanwhile (marker) is left alone.
_RENEW = (
    _NOW
    + """
local p, lease = ARGV[1], tonumber(ARGV[2])
local lost = {}
for i = 3, #ARGV, 3 do
  local holder, gate, running = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  local run = p .. 'run:' .. gate
  if redis.call('EXISTS', p .. 'reaped:' .. holder) == 1 then
    table.insert(lost, holder)
  elseif redis.call('EXISTS', p .. 'gone:' .. holder) == 0 then
    redis.call('SADD', p .. 'gates', gate)
    if running == '1' or redis.call('ZSCORE', run, holder) then
      redis.call('ZADD', run, now + lease, holder)
    else
      local line = p .. 'line:' .. gate
      if not redis.call('ZSCORE', line, holder) then
        redis.call('ZADD', line, redis.call('INCR', p .. 'seq'), holder)
      end
      redis.call('ZADD', p .. 'waiting', now + lease, holder .. '|' .. gate)
    end
  end
end
return lost
"""
)

# ARGV: prefix, wake channel, tombstone ttl ms. Takes over every expired lease: returns holder, running
# ('1'/'0') pairs, each to exactly one worker.
_REAP = (
    _NOW
    + """
local p = ARGV[1]
local out = {}
local woken = {}
for _, gate in ipairs(redis.call('SMEMBERS', p .. 'gates')) do
  local run, line = p .. 'run:' .. gate, p .. 'line:' .. gate
  for _, holder in ipairs(redis.call('ZRANGEBYSCORE', run, '-inf', now)) do
    redis.call('ZREM', run, holder)
    redis.call('SET', p .. 'reaped:' .. holder, '1', 'PX', ARGV[3])
    table.insert(out, holder); table.insert(out, '1')
    woken[gate] = true
  end
  if redis.call('ZCARD', run) == 0 and redis.call('ZCARD', line) == 0 then
    redis.call('SREM', p .. 'gates', gate)
  end
end
for _, member in ipairs(redis.call('ZRANGEBYSCORE', p .. 'waiting', '-inf', now)) do
  local bar = string.find(member, '|', 1, true)
  local holder, gate = string.sub(member, 1, bar - 1), string.sub(member, bar + 1)
  redis.call('ZREM', p .. 'waiting', member)
  redis.call('ZREM', p .. 'line:' .. gate, holder)
  redis.call('SET', p .. 'reaped:' .. holder, '1', 'PX', ARGV[3])
  table.insert(out, holder); table.insert(out, '0')
  woken[gate] = true
end
for gate, _ in pairs(woken) do redis.call('PUBLISH', ARGV[2], cjson.encode(gate)) end
return out
"""
)

TOMBSTONE_TTL = 3600.0
GONE = -2


class RedisQueue(Queue):
    def __init__(self, store: RedisStore, max_waiting: int, lease: float) -> None:
        self.store = store
        self.max_waiting = max_waiting
        self.lease = lease
        self._prefix = f"{store.namespace}:{{q}}:"  # one hash tag: every key on one Redis Cluster slot
        self._wake_channel = store.channel_name(WAKE)
        client = store.client
        self._take = client.register_script(_TAKE)
        self._release = client.register_script(_RELEASE)
        self._renew = client.register_script(_RENEW)
        self._reap = client.register_script(_REAP)
        self._held: dict[str, Ticket] = {}  # this worker's calls, running or in line
        self._lines: dict[str, list[Ticket]] = {}  # this worker's calls in line, per gate, in order
        self._advancing: set[str] = set()
        self._maintainer: asyncio.Task[None] | None = None
        self._unsubscribe: Any = None
        self._wakers: set[asyncio.Task[None]] = set()
        self._rewake: set[str] = set()

    def start(self) -> None:
        """Renew leases and take over those of lost workers from now on (the app's start-up calls this, so
        a fresh worker ends a dead worker's calls before it has served one of its own)."""
        self._start()

    def _start(self) -> None:
        if self._maintainer is None:
            self._unsubscribe = self.store.subscribe(WAKE, self._on_wake)
            self._maintainer = asyncio.get_running_loop().create_task(self._maintain())

    async def _call(self, script: Any, args: list[Any]) -> Any:
        try:
            return await script(args=[self._prefix, *args])
        except self.store.connection_errors as exc:
            raise StoreUnavailableError(str(exc)) from None

    async def _try(self, gate: str, limit: int | None, holder: str) -> tuple[int, float]:
        """(0, 0) holds a slot, (-1, 0) full, (-2, 0) released already, (1 + place, number in line)."""
        lease_ms = max(1, int(self.lease * 1000))
        args = [gate, holder, "" if limit is None else limit, self.max_waiting, lease_ms]
        answer = await self._call(self._take, args)
        return int(answer[0]), float(answer[1]) if len(answer) > 1 else 0.0

    async def reserve(self, gate: str, limit: int | None, holder: str) -> Ticket:
        self._start()
        try:
            answer, number = await self._try(gate, limit, holder)
        except asyncio.CancelledError:
            # The script may have run all the same: give back whatever it took, or it is held a lease long.
            orphan = Ticket(gate, holder, None, 0, limit)
            task = asyncio.get_running_loop().create_task(self.release(orphan))
            self._wakers.add(task)
            task.add_done_callback(self._wakers.discard)
            raise
        if answer < 0:
            raise queue_full(self.max_waiting)
        if answer == 0:
            ticket = Ticket(gate, holder, None, 0)
        else:
            ticket = Ticket(gate, holder, asyncio.get_running_loop().create_future(), answer - 1, limit)
            ticket.order = number
            # In Redis's order, which answers coming back over several connections need not follow.
            bisect.insort(self._lines.setdefault(gate, []), ticket, key=lambda t: t.order)
        self._held[holder] = ticket
        return ticket

    async def release(self, ticket: Ticket) -> None:
        self._held.pop(ticket.holder, None)
        line = self._lines.get(ticket.gate)
        if line is not None and ticket in line:
            line.remove(ticket)
        if ticket.wait is not None and not ticket.wait.done():
            ticket.wait.cancel()
        try:
            args = [ticket.gate, ticket.holder, self._wake_channel, max(1, int(self.lease * 2000))]
            await self._call(self._release, args)
        except StoreUnavailableError:
            # Not renewed any more, the lease runs out by itself and the slot frees then.
            logger.warning("mountui: could not release a queue slot in Redis; it frees when its lease ends")

    # --- waking waiters ---
    def _on_wake(self, gate: Any) -> None:
        if not isinstance(gate, str) or not self._lines.get(gate):
            return
        if gate in self._advancing:
            self._rewake.add(gate)  # a slot freed while we were asking: ask again when done
            return
        self._advancing.add(gate)
        task = asyncio.get_running_loop().create_task(self._advance(gate))
        self._wakers.add(task)
        task.add_done_callback(self._wakers.discard)

    async def _advance(self, gate: str) -> None:
        """Let this worker's first waiters of `gate` in while slots are free (in line order); again as long
        as slots were announced free meanwhile, so no wake-up is lost."""
        self._advancing.add(gate)
        try:
            again = True
            while again:
                self._rewake.discard(gate)
                await self._let_in(gate)
                again = gate in self._rewake
        except StoreUnavailableError:
            pass  # tried again on the next renewal
        finally:
            self._advancing.discard(gate)
            self._rewake.discard(gate)
            if gate in self._lines and not self._lines[gate]:
                del self._lines[gate]

    async def _let_in(self, gate: str) -> None:
        line = self._lines.get(gate, [])
        while line:
            ticket = line[0]
            if ticket.wait is None or ticket.wait.done():
                line.pop(0)
                continue
            answer, _number = await self._try(gate, ticket.limit, ticket.holder)
            if ticket.wait.done() or answer == GONE:  # given up meanwhile; release() freed what it held
                continue
            if answer != 0:
                ticket.position = max(answer - 1, 0)
                return
            line.pop(0)
            ticket.wait.set_result(None)

    # --- leases ---
    async def _maintain(self) -> None:
        interval = self.lease / 3
        lease_ms = max(1, int(self.lease * 1000))
        while True:
            await asyncio.sleep(interval)
            try:
                await self._renew_all(lease_ms)
                reaped = await self._call(self._reap, [self._wake_channel, int(TOMBSTONE_TTL * 1000)])
                for holder, running in zip(reaped[::2], reaped[1::2], strict=True):
                    if self.on_reaped is not None:
                        self.on_reaped(holder.decode(), running == b"1")
                for gate in list(self._lines):
                    if gate not in self._advancing:
                        await self._advance(gate)
            except StoreUnavailableError:
                pass  # logged by the store; the leases are put back once Redis answers again
            except Exception:
                logger.exception("mountui: renewing the queue's leases failed")

    async def _renew_all(self, lease_ms: int) -> None:
        if not self._held:
            return
        args: list[Any] = [lease_ms]
        for ticket in list(self._held.values()):
            running = ticket.wait is None or (ticket.wait.done() and not ticket.wait.cancelled())
            args += [ticket.holder, ticket.gate, "1" if running else "0"]
        lost = await self._call(self._renew, args)
        for raw in lost:
            holder = raw.decode()
            ticket = self._held.pop(holder, None)
            if ticket is None:
                continue
            line = self._lines.get(ticket.gate)
            if line is not None and ticket in line:
                line.remove(ticket)  # never let in: another worker has it now
            if self.on_lost is not None:
                self.on_lost(holder)

    async def close(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self._maintainer is not None:
            self._maintainer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._maintainer
            self._maintainer = None
