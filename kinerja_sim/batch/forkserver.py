"""Fresh kernels forked from a pre-imported template process (the default on Linux;
``run --no-fork`` starts a new Python process per kernel instead).

On a quiet 2-core machine this is the faster way (docs/performance.md, "Batch"): a batch of 8
reports spends ~3 s of CPU less per notebook. Under heavy outside load the two were close.

Starting a Python kernel and importing pandas, matplotlib and kinerja_sim costs about 2.5 s of
CPU per notebook — on two cores, as much as a small scenario's whole simulation. A batch
therefore starts one *template* process that imports all of it once, then forks one child per
notebook; each child becomes an ordinary ipykernel (``IPKernelApp``) on the connection file
jupyter_client wrote for it. Every notebook still gets its own new process that no other
scenario ran in (fork copies the template's untouched memory, never another kernel's), so no
state passes between scenarios; only the import work is shared.

The template is forked from the runner itself before the runner loads anything of the batch
(:class:`ForkedTemplate`; a runner inside a Jupyter kernel starts ``python -m
kinerja_sim.batch.forkserver`` instead). The runner talks to it over two pipes (one JSON line
per request and reply).
When the runner dies, the template reads end-of-file and exits, and each kernel's parent poller
(ipykernel's ``JPY_PARENT_PID`` watch, pointed at the template) ends the kernels within a
second. :class:`ForkedKernelManager` is an ``AsyncKernelManager`` whose kernel process is such a
child; interrupt, kill and liveness work through the child's pid (its own process group).
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import signal
import subprocess
import sys
from typing import Any

from jupyter_client.manager import AsyncKernelManager

from kinerja_sim.batch.kernels import apply_thread_limit_from_environment

#: Modules the template imports before forking (what every report kernel needs).
TEMPLATE_IMPORTS = ("ipykernel.kernelapp", "IPython.display", "kinerja_sim.batch.laporan",
                    "matplotlib.backends.backend_agg", "matplotlib_inline.backend_inline")


def _reap(_signum: int, _frame: Any) -> None:
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _child(request: dict, template_pid: int, close: tuple[Any, ...] = ()) -> None:
    """In the forked child: become a kernel (never returns)."""
    try:
        os.setpgid(0, 0)  # its own group: a kill of the kernel never reaches the template
        for f in close:  # the template's pipes to the runner are not the kernel's; closed
            f.close()    # through their file objects, which would otherwise close the fd
            # numbers again when collected, by then perhaps one of the kernel's sockets
        devnull = os.open(os.devnull, os.O_RDWR)
        os.dup2(devnull, 0)
        os.dup2(2, 1)  # fd-level output to stderr, never into the template's reply pipe
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        os.environ.clear()
        os.environ.update(request.get("env") or {})
        os.environ["JPY_PARENT_PID"] = str(template_pid)
        apply_thread_limit_from_environment()  # what a new process would read at numpy's load
        if request.get("cwd"):
            os.chdir(request["cwd"])
        # the template pid as parent: the kernel's poller ends it when the template is gone
        argv = [*request["argv"], f"--IPKernelApp.parent_handle={template_pid}"]
        sys.argv = ["ipykernel_launcher", *argv]
        from ipykernel.kernelapp import IPKernelApp

        IPKernelApp.launch_instance(argv=argv)
    finally:
        os._exit(0)


def serve(requests: Any = None, replies: Any = None, close_in_kernels: tuple[Any, ...] = ()
          ) -> None:
    """The template process: import once, then fork a kernel per request line (read from
    ``requests``, default stdin; each reply, the kernel's pid, to ``replies``, default stdout).
    """
    import importlib

    requests = sys.stdin if requests is None else requests
    reply = sys.stdout if replies is None else replies

    for name in TEMPLATE_IMPORTS:
        importlib.import_module(name)
    from kinerja_sim.batch.laporan import warm_caches

    warm_caches()
    # Python's advice for fork without exec: the kernels' garbage collector then never walks
    # (and so never copies) the template's million objects, only the kernel's own
    gc.freeze()
    signal.signal(signal.SIGCHLD, _reap)
    me = os.getpid()
    reply.write("ready\n")
    reply.flush()
    for line in requests:
        if not line.strip():
            continue
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(request, me, close_in_kernels)
        reply.write(json.dumps({"pid": pid}) + "\n")
        reply.flush()


def _wait_for_exit(proc: Any, timeout: float | None, timed_out: Any) -> int:
    """``Popen.wait`` for a process this one cannot ``waitpid`` on directly: poll until it is
    gone; past ``timeout`` raise what ``timed_out()`` makes."""
    import time

    end = None if timeout is None else time.monotonic() + timeout
    while proc.poll() is None:
        if end is not None and time.monotonic() > end:
            raise timed_out()
        time.sleep(0.02)
    return proc.returncode


class ForkedTemplate:
    """The template forked from the runner itself (the part of ``subprocess.Popen`` that
    :class:`ForkServer` uses). The runner has imported the package already, so the template
    only adds the kernel's own modules: it is ready ~1 s after the fork instead of ~2.7 s,
    at the moment the runner needs its CPU most. Used where the runner is a plain process
    (the ``kinerja-sim`` command): a runner inside a Jupyter kernel would hand its kernel's
    state to the template, so it starts a new process instead (:meth:`ForkServer.launch`)."""

    def __init__(self) -> None:
        requests_r, requests_w = os.pipe()
        replies_r, replies_w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        gc.freeze()  # the template's collector leaves the runner's objects alone (see serve)
        pid = os.fork()
        if pid != 0:
            gc.unfreeze()  # the runner itself goes on as before
        if pid == 0:  # the template: never returns
            status = 0
            try:
                # Ctrl-C in the terminal reaches the whole group: the runner handles it, and the
                # template ends when the runner closes (or loses) the request pipe
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                os.close(requests_w)
                os.close(replies_r)
                requests = os.fdopen(requests_r, "r", encoding="utf-8")
                replies = os.fdopen(replies_w, "w", encoding="utf-8")
                serve(requests, replies, close_in_kernels=(requests, replies))
            except BaseException:  # noqa: BLE001 - report, then leave without cleanup
                import traceback

                traceback.print_exc()
                status = 1
            finally:
                os._exit(status)
        os.close(requests_r)
        os.close(replies_w)
        self.pid = pid
        self.stdin = os.fdopen(requests_w, "wb")
        self.stdout = os.fdopen(replies_r, "rb")
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        return _wait_for_exit(self, timeout,
                              lambda: subprocess.TimeoutExpired("kernel template", timeout or 0))

    def kill(self) -> None:
        if self.poll() is None:
            os.kill(self.pid, signal.SIGKILL)


class ForkedProcess:
    """The part of ``subprocess.Popen`` jupyter_client's provisioner uses, for a forked kernel
    (a child of the template, not of this process: liveness is read from /proc and kill(0))."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and not _alive(self.pid):
            self.returncode = -signal.SIGKILL
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        return _wait_for_exit(self, timeout,
                              lambda: TimeoutError(f"kernel {self.pid} still running"))

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie not yet reaped by the template is dead
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return True


def _in_event_loop() -> bool:
    """Whether an asyncio loop runs in this thread: a child forked now would believe it still
    runs (Python 3.11 does not reset that after fork), and its kernel's own loop could not
    start."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class ForkServer:
    """The runner's handle on the template process.

    :meth:`launch` starts the template at once, synchronously, so that its imports (~2.5 s of
    CPU) overlap with the runner's own start (loading the scenarios, the workforce); the
    asynchronous methods then talk to it from the batch's event loop.
    """

    def __init__(self) -> None:
        self.proc: subprocess.Popen | ForkedTemplate | None = None
        self._lock = asyncio.Lock()
        self._ready: asyncio.Future | None = None
        self._is_ready = False

    def launch(self) -> None:
        """Start the template process (idempotent): forked from this process when it is a
        plain one outside an event loop (:class:`ForkedTemplate`), else a new Python process."""
        if self.proc is not None:
            return
        if not _in_event_loop() and "ipykernel" not in sys.modules \
                and "IPython" not in sys.modules:
            self.proc = ForkedTemplate()  # type: ignore[assignment]
        else:
            self.proc = subprocess.Popen([sys.executable, "-m", "kinerja_sim.batch.forkserver"],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    async def start(self) -> None:
        self.launch()
        self._ready = asyncio.ensure_future(self._wait_ready())

    async def _readline(self) -> bytes:
        assert self.proc is not None and self.proc.stdout is not None
        return await asyncio.get_running_loop().run_in_executor(None, self.proc.stdout.readline)

    async def _wait_ready(self) -> None:
        if (await self._readline()).strip() != b"ready":
            raise RuntimeError("kernel template process did not start")
        self._is_ready = True

    async def fork(self, argv: list[str], cwd: str | None, env: dict | None) -> int:
        assert self.proc is not None and self._ready is not None
        await self._ready
        async with self._lock:
            assert self.proc.stdin is not None
            self.proc.stdin.write((json.dumps({"argv": argv, "cwd": cwd,
                                               "env": dict(env or {})}) + "\n").encode())
            self.proc.stdin.flush()
            line = await self._readline()
        if not line:
            raise RuntimeError("kernel template process exited")
        return int(json.loads(line)["pid"])

    def close_now(self) -> None:
        """End the template (it exits at end-of-file on its stdin); kill it after 10 s, or at
        once while it is still importing (no kernel can have been forked from it yet)."""
        if self.proc is None:
            return
        if not self._is_ready and self.proc.poll() is None:
            self.proc.kill()
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    async def close(self) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.close_now)


class ForkedKernelManager(AsyncKernelManager):
    """An AsyncKernelManager whose kernel is forked from the template (see module docstring)."""

    fork_server: ForkServer | None = None

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        prov = self.provisioner
        server = self.fork_server
        assert prov is not None and server is not None
        argv = kernel_cmd[kernel_cmd.index("-f"):]

        async def launch(cmd: list[str], **kwargs: Any) -> Any:
            pid = await server.fork(argv, kwargs.get("cwd"), kwargs.get("env"))
            prov.process = ForkedProcess(pid)
            prov.pid = pid
            prov.pgid = pid
            return prov.connection_info

        prov.launch_kernel = launch  # type: ignore[method-assign]
        await super()._async_launch_kernel(kernel_cmd, **kw)


def forked_factory(server: ForkServer, kernel_name: str = "python3"):
    """A kernel-manager factory for :class:`~kinerja_sim.batch.kernels.KernelPool`."""

    from kinerja_sim.batch.kernels import connection

    def make() -> ForkedKernelManager:
        km = ForkedKernelManager(**connection(kernel_name))
        km.fork_server = server
        return km

    return make


if __name__ == "__main__":
    serve()
