"""Jobs the heap test runs in the NLP worker process (importable there, so picklable)."""

import os
from pathlib import Path

# What a job keeps after it returns: one small block allocated after the large ones, so the
# heap's top stays in use and glibc cannot give the freed pages back by shrinking the heap.
_KEPT: list[bytes] = []


def resident_kb() -> int:
    """The worker's resident memory (KB)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def fill_and_free(megabytes: int) -> int:
    """Allocate `megabytes` in 2 KB blocks (malloc's heap, not mmap), free them, keep one
    block allocated after them; return the resident memory while they were held (KB)."""
    blocks = [bytes(2048) for _ in range(megabytes * 512)]
    _KEPT.append(bytes(2048))
    held = resident_kb()
    del blocks
    return held


def keep(megabytes: int) -> int:
    """Allocate `megabytes` and keep them for the worker's life (what a cache or a fragmented
    heap does); return the worker's pid."""
    _KEPT.append(b"x" * (megabytes * 1_048_576))  # written, so resident
    return os.getpid()


def pid() -> int:
    """The worker's process id."""
    return os.getpid()


def kept_after_large_blocks(fixed: bool) -> int:
    """In a fresh process: free one 16 MB block (glibc's threshold for giving a block pages of
    its own rises to it), then hold 64 blocks of 1 MB, each followed by 128 KB kept, and free
    the 64; return how much more resident memory the process has than before (KB), with no
    trim in between. `fixed` first
    fixes the threshold (`map_large_blocks`)."""
    from bot.workers.heap import map_large_blocks

    if fixed:
        map_large_blocks()
    big = bytearray(16 << 20)
    del big  # allocated and freed: a 16 MB block
    before = resident_kb()
    blocks = []
    for _ in range(64):
        blocks.append(bytearray(1 << 20))  # zero-filled, so resident
        # Kept, after each one (8 MB in all): what else a busy process holds meanwhile, so
        # the freed blocks are holes in the heap, not its top.
        _KEPT.append(bytearray(128 << 10))
    del blocks
    return resident_kb() - before


def frozen_after_start_up() -> str:
    """In a fresh process: freeze a start-up heap holding a live structure and a garbage
    cycle, freeze again; say whether the live one is out of the collector's sight, whether
    the cycle was collected first, and whether the second call froze more."""
    import gc
    import weakref

    from bot.workers.heap import freeze_start_up

    class Node:
        """An object that can sit in a reference cycle."""

        other: object = None

    live = [Node() for _ in range(1000)]
    cycle = Node()
    cycle.other = cycle
    gone = weakref.ref(cycle)
    del cycle
    first = freeze_start_up()
    made_since = [Node() for _ in range(1000)]
    second = freeze_start_up()
    walked = {id(o) for o in gc.get_objects()}
    return " ".join(
        str(x)
        for x in (
            any(id(node) in walked for node in live),
            gone() is None,
            first == second,
            all(id(node) in walked for node in made_since),
        )
    )


# What `warm_up` builds: objects that live as long as the worker (like a model's).
_WARM: list[list[int]] = []


def warm_up() -> None:
    """A worker's warm-up that builds 20,000 lasting objects (a stand-in for the model)."""
    _WARM.extend([n] for n in range(20_000))


def frozen_and_collected() -> tuple[int, bool]:
    """How many objects the worker has frozen, and whether a cycle this job made and dropped
    is still collected by a full collection."""
    import gc
    import weakref

    class Node:
        pass

    node = Node()
    node.self = node  # type: ignore[attr-defined]
    gone = weakref.ref(node)
    del node
    gc.collect()
    return gc.get_freeze_count(), gone() is None


def young_cycle_generation(young: int | None) -> str:
    """In a fresh process (thresholds set by `collect_less_often(young)`, or CPython's when
    None): hold a cycle while a command's worth of objects (3,000) is made; say which
    generation the cycle is in then and whether a young pass ran meanwhile."""
    import gc

    from bot.workers.heap import collect_less_often

    class Node:
        """An object that can sit in a reference cycle."""

        other: object = None

    if young is not None:
        collect_less_often(young)
    gc.collect()
    cycle = Node()
    cycle.other = cycle
    passes = gc.get_stats()[0]["collections"]
    made = [Node() for _ in range(3000)]
    generation = next(g for g in range(3) if any(o is cycle for o in gc.get_objects(g)))
    ran = gc.get_stats()[0]["collections"] > passes
    del made
    return f"{generation} {ran}"
