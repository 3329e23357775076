"""Units of the batch face without kernels: start retry, HTML escaping, cache keys, the
engine additions it relies on (kept per-replication metrics, numpy ranks)."""

from __future__ import annotations

import asyncio

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st


class FakeClient:
    def start_channels(self):
        pass

    def stop_channels(self):
        pass

    async def wait_for_ready(self, timeout=None):
        return None

    def execute(self, code, silent=True, store_history=False):
        return "m1"

    async def get_shell_msg(self, timeout=None):
        return {"parent_header": {"msg_id": "m1"}, "content": {"status": "ok"}}


class FakeKernel:
    """A kernel manager whose start fails the way parallel papermill runs fail."""

    def __init__(self, error=None):
        self.error, self.alive, self.shut = error, False, False

    async def start_kernel(self, **kw):
        if self.error:
            raise self.error
        self.alive = True

    def client(self):
        return FakeClient()

    async def is_alive(self):
        return self.alive

    async def shutdown_kernel(self, now=False):
        self.alive, self.shut = False, True

    async def cleanup_resources(self):
        pass


def test_kernel_start_is_retried_once_after_zmq_address_in_use():
    import zmq

    from kinerja_sim.batch.kernels import start_warm_kernel

    made = []

    def factory():
        made.append(FakeKernel(zmq.ZMQError(98, "Address already in use") if not made
                               else None))
        return made[-1]

    km = asyncio.run(start_warm_kernel(factory, cwd="."))
    assert km is made[1] and km.alive and len(made) == 2


def test_kernel_that_fails_to_start_twice_raises_with_both_reasons():
    from kinerja_sim.batch.kernels import KernelStartError, start_warm_kernel

    made = []

    def factory():
        made.append(FakeKernel(RuntimeError(f"Kernel didn't respond in 60 seconds #{len(made)}")))
        return made[-1]

    with pytest.raises(KernelStartError) as err:
        asyncio.run(start_warm_kernel(factory, cwd="."))
    assert len(made) == 2 and "#0" in str(err.value) and "#1" in str(err.value)


def test_pool_never_starts_more_kernels_than_scenarios_and_closes_unused():
    from kinerja_sim.batch.kernels import KernelPool

    made = []

    def factory():
        made.append(FakeKernel())
        return made[-1]

    async def go():
        pool = KernelPool(size=4, demand=2, cwd=".", factory=factory)
        pool.start()
        first = await pool.take()
        await pool.close()
        return first

    first = asyncio.run(go())
    assert len(made) == 2 and first.alive
    assert made[1].shut  # started ahead, not taken, shut down by close()


def test_a_spare_kernel_starts_only_once_an_earlier_start_has_finished():
    from kinerja_sim.batch.kernels import KernelPool

    starting, most = 0, 0

    class SlowKernel(FakeKernel):
        async def start_kernel(self, **kw):
            nonlocal starting, most
            starting += 1
            most = max(most, starting)
            await asyncio.sleep(0.05)
            starting -= 1
            self.alive = True

    made = []

    def factory():
        made.append(SlowKernel())
        return made[-1]

    async def go():
        pool = KernelPool(size=2, demand=4, cwd=".", factory=factory)
        pool.start()
        # two notebooks take their kernels at once; each take asks for a spare at once
        taken = list(await asyncio.gather(pool.take(), pool.take()))
        taken += [await pool.take(), await pool.take()]
        await pool.close()
        return taken

    taken = asyncio.run(go())
    # without the limit the two spares start alongside the first two: 4 starting at once
    assert most == 2 and len(made) == 4 and all(k.alive for k in taken)


def test_html_escapes_text_and_refuses_external_links():
    from kinerja_sim.report import html as h

    df = pd.DataFrame({"<b>scenario</b>": ["<script>alert(1)</script>"], "x": [1.5]})
    page = h.page("<title>", [h.table(df), h.paragraph("a & b"), h.link("notebook/a b.ipynb",
                                                                          "<a>")])
    assert "<script>" not in page and "&lt;script&gt;" in page and "a &amp; b" in page
    assert 'href="notebook/a%20b.ipynb"' in page
    for bad in ("https://cdn.example.org/x.css", "//evil/x", "/etc/passwd", "javascript:x"):
        with pytest.raises(ValueError):
            h.link(bad, "x")


def test_baseline_cache_is_used_only_for_its_exact_key(tmp_path):
    from kinerja_sim import load_scenario, simulate, synthesize
    from kinerja_sim.batch import cache

    wf = synthesize("binjai", n=300, observed=False)
    sc = load_scenario("status_quo")
    sim = simulate(wf, sc, periods=2, replications=2)
    key = cache.baseline_key(sc, 1, wf, 2, 2)
    path = cache.cache_path(tmp_path, key)
    cache.save_baseline(path, sim, key, {"t": pd.DataFrame({"a": [1]})})
    loaded, tables = cache.load_baseline(path, key)
    assert np.array_equal(loaded.panel["score"], sim.panel["score"], equal_nan=True)
    assert tables["t"]["a"].tolist() == [1]
    assert cache.load_baseline(path, {**key, "seed": "2"}) is None
    assert cache.load_baseline(path, cache.baseline_key(sc, 1, wf, 2, 3)) is None
    path.write_bytes(b"not a pickle")
    assert cache.load_baseline(path, key) is None


def test_per_replication_is_computed_once_and_equals_a_fresh_computation(small_workforce):
    import dataclasses

    from kinerja_sim import load_scenario, outcomes, simulate

    sim = simulate(small_workforce, load_scenario("kpi_objektif_binjai"), periods=2,
                   replications=2)
    first = outcomes.per_replication(sim)
    assert outcomes.per_replication(sim) is first
    fresh = outcomes.per_replication(dataclasses.replace(sim))  # a new object: computed anew
    assert fresh is not first
    for key in first:
        np.testing.assert_array_equal(first[key], fresh[key])
    with pytest.raises(ValueError):
        first["motivation.index"][0, 0] = 1.0  # kept arrays are read-only


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-5, 5) | st.floats(-3, 3, allow_nan=False), min_size=1,
                max_size=60))
def test_average_ranks_equal_scipy_rankdata(values):
    from scipy.stats import rankdata

    from kinerja_sim.metrics.objectivity import average_ranks

    x = np.asarray(values, dtype=float)
    np.testing.assert_array_equal(average_ranks(x), rankdata(x))


def test_run_and_demo_commands_are_registered(capsys):
    from kinerja_sim.cli import main

    for command in ("run", "demo"):
        with pytest.raises(SystemExit) as done:
            main([command, "--help"])
        assert done.value.code == 0
        assert "--jobs" in capsys.readouterr().out


def test_run_reports_every_bad_scenario_file_at_once_and_exits_1(tmp_path, capsys):
    from kinerja_sim.cli import main

    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nscheme: {name: pp30_2019, params: {bandz: 1}}\n")
    worse = tmp_path / "worse.yaml"
    worse.write_text("name: y\nraterz: {}\nscheme: {name: pp46_2011}\n")
    code = main(["run", str(bad), str(worse), "--baseline", "status_quo",
                 "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1 and "bandz" in err and "raterz" in err and "Traceback" not in err


def _python(code: str) -> str:
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_the_command_skips_the_iri_grammar_and_notebooks_still_validate():
    out = _python(
        "import sys\n"
        "from kinerja_sim.batch.runner import skip_unused_iri_grammar, default_notebook\n"
        "skip_unused_iri_grammar()\n"
        "import nbformat, jsonschema\n"
        "nbformat.validate(nbformat.read(default_notebook(), as_version=4))\n"
        "print(sys.modules.get('rfc3987_syntax'), 'iri' in jsonschema.FormatChecker.checkers,\n"
        "      'uri' in jsonschema.FormatChecker.checkers)\n")
    assert out == "None False True"


def test_iri_grammar_is_left_alone_once_jsonschema_is_imported():
    out = _python(
        "import sys, jsonschema\n"
        "from kinerja_sim.batch.runner import skip_unused_iri_grammar\n"
        "before = 'rfc3987_syntax' in sys.modules\n"
        "skip_unused_iri_grammar()\n"
        "print(before, sys.modules.get('rfc3987_syntax') is not None)\n")
    first, second = out.split()
    assert first == second  # nothing replaced: what jsonschema loaded stays loaded


def test_template_is_forked_from_a_plain_runner_and_started_anew_inside_ipython_or_a_loop():
    code = ("{pre}\n"
            "import asyncio\n"
            "from kinerja_sim.batch.forkserver import ForkServer\n"
            "s = ForkServer(); s.launch()\n"
            "async def ready():\n"
            "    await s.start(); await s._ready\n"
            "asyncio.run(ready())\n"
            "s.close_now()\n"
            "print(type(s.proc).__name__, s.proc.poll())\n")
    assert _python(code.format(pre="")) == "ForkedTemplate 0"
    assert _python(code.format(pre="import IPython")) == "Popen 0"
    # launched from inside a running event loop, a forked child could not run its own loop
    inside = code.replace("s = ForkServer(); s.launch()\n", "s = ForkServer()\n")
    assert _python(inside.format(pre="")) == "Popen 0"


def test_template_still_importing_is_killed_at_once_on_close():
    import subprocess
    import sys
    import time

    from kinerja_sim.batch.forkserver import ForkServer

    server = ForkServer()  # a "template" that never gets ready
    server.proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    start = time.monotonic()
    server.close_now()
    assert time.monotonic() - start < 5
    assert server.proc.returncode is not None and server.proc.returncode != 0


def test_batch_figures_drawn_in_worker_processes_equal_those_drawn_in_process(
        small_workforce, tmp_path):
    from kinerja_sim.batch.laporan import laporan_skenario
    from kinerja_sim.report import batch_report as br

    for name in ("status_quo", "kpi_objektif_binjai"):
        laporan_skenario(name, "status_quo", periods=2, replications=2,
                         output_dir=tmp_path / "hasil" / name, workforce=small_workforce)
    batch = br.load_batch(tmp_path, ["status_quo", "kpi_objektif_binjai"])
    names = br.index_figure_names(batch)
    assert names == ["predikat", "delta", "lintasan", "menang_kalah:rumpun",
                     "menang_kalah:jenis_jabatan"]
    pool = br.figure_pool(names, workers=2)
    assert pool is not None
    with pool:
        drawn = {n: pool.submit(batch.png, n, "id") for n in names}
        parallel = {n: f.result() for n, f in drawn.items()}
    assert parallel == br.render_figures(batch, names, "id")
    assert br.figure_pool(names, workers=1) is None


def test_batch_kernels_listen_on_unix_sockets_in_the_temporary_directory():
    import os
    import tempfile

    from kinerja_sim.batch.kernels import connection, default_factory

    a, b = connection(), connection()
    assert a["transport"] == "ipc" and a["kernel_name"] == "python3"
    assert os.path.dirname(a["ip"]) == tempfile.gettempdir() and a["ip"] != b["ip"]
    assert len(a["ip"]) + len("-999") < 100  # a Unix socket path must stay under ~107 bytes
    km = default_factory()
    assert km.transport == "ipc" and km.ip.startswith(tempfile.gettempdir())


def _run_in_pool_kernel(code: str, threads: int, fork: bool) -> str:
    """Start one kernel the way a batch does (forked from the template or a new process) with
    a ``threads`` limit, run ``code`` in it and return what it printed."""
    import os

    import nbformat
    from nbclient import NotebookClient

    from kinerja_sim.batch.forkserver import ForkServer, forked_factory
    from kinerja_sim.batch.kernels import KernelPool, shutdown, thread_environment

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])

    async def run() -> str:
        server = ForkServer() if fork else None
        if server is not None:
            await server.start()
        pool = KernelPool(size=1, demand=1, cwd=os.getcwd(), warmup="",
                          factory=forked_factory(server) if server else None,
                          env=thread_environment(threads))
        pool.start()
        km = await pool.take()
        try:
            await NotebookClient(nb, km=km, kernel_name="python3").async_execute()
        finally:
            await shutdown(km)
            if server is not None:
                await server.close()
        return nb.cells[0].outputs[0]["text"].strip()

    return asyncio.run(run())


BLAS_THREADS = ("import numpy\nfrom threadpoolctl import threadpool_info\n"
                "print(max(i['num_threads'] for i in threadpool_info() "
                "if i['internal_api'] == 'openblas'))")


def _blas_threads_in_pool_kernel(threads: int, fork: bool) -> int:
    return int(_run_in_pool_kernel(BLAS_THREADS, threads, fork))


def test_forked_kernels_inherit_the_template_objects_frozen_out_of_their_collector():
    code = "import gc\nprint(gc.get_freeze_count())"
    assert int(_run_in_pool_kernel(code, 1, fork=True)) > 100_000  # the imported libraries
    assert int(_run_in_pool_kernel(code, 1, fork=False)) == 0


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "new_process"])
def test_batch_kernels_use_the_native_thread_count_they_are_given(fork):
    assert _blas_threads_in_pool_kernel(1, fork) == 1
    assert _blas_threads_in_pool_kernel(2, fork) == 2


def test_parallel_kernels_share_the_cores_out():
    import os

    from kinerja_sim.batch.kernels import THREAD_VARIABLES, thread_environment, threads_per_kernel

    cores = len(os.sched_getaffinity(0))
    assert threads_per_kernel(1) == cores
    assert threads_per_kernel(2) == max(1, cores // 2)
    assert threads_per_kernel(4 * cores) == 1
    env = thread_environment(3)
    assert {env[name] for name in THREAD_VARIABLES} == {"3"} and env["PATH"] == os.environ["PATH"]


def test_figure_workers_fork_with_the_report_objects_frozen_and_the_runner_goes_on_as_before(
        small_workforce, tmp_path):
    import gc

    from kinerja_sim.batch.laporan import laporan_skenario
    from kinerja_sim.report import batch_report as br

    laporan_skenario("status_quo", "status_quo", periods=2, replications=2,
                     output_dir=tmp_path / "hasil" / "status_quo", workforce=small_workforce)
    batch = br.load_batch(tmp_path, ["status_quo"])
    before = gc.get_freeze_count()
    pool = br.figure_pool(["predikat", "lintasan"], workers=2)
    with pool:
        drawn = br._submit_forked(pool, batch, ["predikat", "lintasan"], "id")
        assert pool.submit(gc.get_freeze_count).result() > 100_000
        assert {n: f.result() for n, f in drawn.items()} == \
            br.render_figures(batch, ["predikat", "lintasan"], "id")
    assert gc.get_freeze_count() == before
