"""Warm kernels: started and pre-imported in the background, one fresh kernel per notebook.

A plain ``papermill`` call pays, before the notebook's first line, for starting a kernel
(~1 s here) and for the kernel importing pandas, matplotlib and kinerja_sim (~2 s). The batch
runner instead keeps up to ``size`` kernels starting and warming (running the imports) while
other notebooks execute, so a notebook gets a kernel that is ready at once. A kernel is handed
out once and shut down after its notebook: no state passes from one scenario to the next.

Starting kernels in parallel sometimes fails (``ZMQError: Address already in use`` when two
kernels race for a port, or a start time-out on a loaded machine — the failure papermill users
report most). A failed start is retried once with a new kernel; a second failure is reported
for the scenario that needed the kernel, and the other scenarios go on.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable
from typing import Any

#: Code a kernel runs before it is handed out: the imports and package-data caches every report
#: notebook needs.
WARMUP_CODE = (
    "import kinerja_sim.batch.laporan\n"
    "kinerja_sim.batch.laporan.warm_caches()\n"
    "import IPython.display\n"
    "import matplotlib.backends.backend_agg\n"
    "import pyarrow.parquet\n"
)


#: Options of every batch kernel. No input history: a report kernel has no user to recall it
#: for, and parallel kernels writing one SQLite history file contend for its lock
#: ("database is locked"), which also costs each kernel's start.
KERNEL_ARGUMENTS = ["--HistoryManager.enabled=False"]


#: What native libraries (OpenBLAS, MKL, OpenMP) read their thread count from when they load.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def threads_per_kernel(jobs: int) -> int:
    """Native threads each of ``jobs`` kernels running at once may use: the cores shared out.

    numpy's OpenBLAS starts a thread per core for every matrix product, and the engine's
    products are small (the effort allocation, a few columns per rumpun): with two kernels on
    two cores, four spinning threads share two cores and a batch of 8 reports burns ~1.5 s of
    CPU more for nothing (docs/performance.md). dask's workers and joblib's do the same
    (``OMP_NUM_THREADS=1`` and friends per worker)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") \
        else (os.cpu_count() or 1)
    return max(1, cores // max(1, jobs))


def thread_environment(threads: int) -> dict[str, str]:
    """The environment of a kernel limited to ``threads`` native threads."""
    return {**os.environ, **{name: str(threads) for name in THREAD_VARIABLES}}


def apply_thread_limit_from_environment() -> None:
    """Give libraries loaded already the thread limit the environment asks for.

    A new kernel process reads ``OPENBLAS_NUM_THREADS`` when numpy loads; a kernel forked from
    the template has numpy loaded already, so it applies the same limit at run time."""
    value = os.environ.get("OPENBLAS_NUM_THREADS")
    if value and value.isdigit():
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=int(value))


class KernelStartError(RuntimeError):
    """A kernel could not be started (after the retry)."""


def connection(kernel_name: str = "python3") -> dict[str, str]:
    """How a batch kernel is reached: Unix domain sockets in the temporary directory, where
    the platform has them (no TCP port to race for when kernels start in parallel, nothing
    reachable from the network, and no "running over TCP without encryption" warning per
    kernel); TCP on 127.0.0.1 elsewhere."""
    import os
    import tempfile
    import uuid

    if os.name != "posix":
        return {"kernel_name": kernel_name}
    return {"kernel_name": kernel_name, "transport": "ipc",
            "ip": os.path.join(tempfile.gettempdir(), f"kinerja-{uuid.uuid4().hex[:12]}")}


def default_factory(kernel_name: str = "python3") -> Any:
    from jupyter_client.manager import AsyncKernelManager

    return AsyncKernelManager(**connection(kernel_name))


async def shutdown(km: Any) -> None:
    """Stop a kernel at once, whatever state it is in."""
    with contextlib.suppress(Exception):
        if await _maybe_await(km.is_alive()):
            await _maybe_await(km.shutdown_kernel(now=True))
    with contextlib.suppress(Exception):
        await _maybe_await(km.cleanup_resources())


async def _maybe_await(value: Any) -> Any:
    return await value if asyncio.iscoroutine(value) or isinstance(value, asyncio.Future) \
        else value


async def start_warm_kernel(factory: Callable[[], Any], cwd: str, warmup: str = WARMUP_CODE,
                            timeout: float = 120.0, retries: int = 1,
                            env: dict[str, str] | None = None) -> Any:
    """Start a kernel (in ``env``, default this process's), wait until it answers, run
    ``warmup``; retry a failed start once."""
    errors = []
    for _attempt in range(1 + retries):
        km = factory()
        try:
            await _maybe_await(km.start_kernel(cwd=cwd, extra_arguments=KERNEL_ARGUMENTS,
                                               **({"env": env} if env is not None else {})))
            kc = km.client()
            kc.start_channels()
            try:
                await _maybe_await(kc.wait_for_ready(timeout=timeout))
                if warmup:
                    msg_id = kc.execute(warmup, silent=True, store_history=False)
                    while True:
                        reply = await _maybe_await(kc.get_shell_msg(timeout=timeout))
                        if reply["parent_header"].get("msg_id") == msg_id:
                            break
                    content = reply["content"]
                    if content.get("status") != "ok":
                        raise RuntimeError(f"warm-up failed: {content.get('ename')}: "
                                           f"{content.get('evalue')}")
            finally:
                kc.stop_channels()
            return km
        except Exception as err:  # any start failure: ZMQError, time-out, kernel died
            errors.append(f"{type(err).__name__}: {err}")
            await shutdown(km)
    raise KernelStartError("; ".join(errors))


class KernelPool:
    """Keeps up to ``size`` warm kernels ready ahead of demand, never more than ``demand``.

    ``take()`` returns a started, warmed kernel manager that belongs to the caller from then on
    (the caller shuts it down); it raises :class:`KernelStartError` when the start failed twice.
    Kernels start in ``env`` (default: this process's environment).

    At most ``size`` kernels are *starting* at any moment: the spare kernel that replaces one
    handed out begins its start once an earlier start has finished. At the beginning of a batch
    the first kernels then have the cores to themselves (with the baseline's simulation)
    instead of sharing them with the spares' starts, which are only needed a notebook later.
    """

    def __init__(self, size: int, demand: int, cwd: str,
                 factory: Callable[[], Any] | None = None, warmup: str = WARMUP_CODE,
                 timeout: float = 120.0, env: dict[str, str] | None = None) -> None:
        self.size, self.remaining, self.cwd = max(1, size), demand, cwd
        self.factory = factory or default_factory
        self.warmup, self.timeout, self.env = warmup, timeout, env
        self._pending: list[asyncio.Task] = []
        self._starting: asyncio.Semaphore | None = None

    async def _start_one(self) -> Any:
        assert self._starting is not None
        async with self._starting:
            return await start_warm_kernel(self.factory, self.cwd, self.warmup, self.timeout,
                                           env=self.env)

    def _fill(self) -> None:
        if self._starting is None:  # made in the running loop
            self._starting = asyncio.Semaphore(self.size)
        while len(self._pending) < min(self.size, self.remaining):
            self._pending.append(asyncio.ensure_future(self._start_one()))

    def start(self) -> None:
        """Begin starting kernels in the background."""
        self._fill()

    async def take(self) -> Any:
        self._fill()
        task = self._pending.pop(0)
        self.remaining -= 1
        self._fill()
        return await task

    async def close(self) -> None:
        """Shut down kernels started but never handed out."""
        for task in self._pending:
            try:
                km = await task
            except Exception:
                continue
            await shutdown(km)
        self._pending.clear()
