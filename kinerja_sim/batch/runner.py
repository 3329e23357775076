"""``kinerja-sim run``: one executed report notebook per scenario, in parallel, fault-tolerant,
resumable.

Each scenario runs ``notebooks/laporan_skenario.ipynb`` (parameters injected the way plain
``papermill`` injects them) in its own fresh kernel process; up to ``jobs`` kernels execute at a
time while the next ones start and import in the background (:mod:`kinerja_sim.batch.kernels`).
The baseline is simulated once per batch, in the runner while the first kernels warm up, and
shared with every notebook through a cache file keyed by its hash (:mod:`.cache`).

Layout of a batch directory ``DIR``::

    index.html, ringkasan.xlsx     the batch report (kinerja_sim.report.batch_report)
    notebook/<scenario>.ipynb      each executed notebook, also when it failed
    hasil/<scenario>/              its Parquet tables and PNG figures
    .batch/selesai/<scenario>.json resume marker: key + provenance, written last
    .batch/berjalan/<scenario>.json what is running now (scenario, kernel pid)

A scenario that fails (an exception, a dead kernel, the per-scenario time-out, a kernel that
would not start twice) never stops the others; its notebook is kept and its error summarised
at the end. A scenario whose marker holds the same key (scenario and baseline hash, seed,
workforce hash, periods, replications, language, package version) is skipped. Every file is
written atomically, and a new run first removes the temporary files a killed run left behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from kinerja_sim.batch import cache
from kinerja_sim.batch.kernels import (
    KernelPool,
    KernelStartError,
    shutdown,
    thread_environment,
    threads_per_kernel,
)
from kinerja_sim.batch.laporan import resolve_batch_workforce, resolve_scenario
from kinerja_sim.errors import InputError, Problem
from kinerja_sim.labels import t
from kinerja_sim.provenance import provenance, versions, workforce_hash
from kinerja_sim.report.files import write_text
from kinerja_sim.scenario import Scenario

#: Default time limit for one scenario's notebook (seconds).
DEFAULT_TIMEOUT = 1800.0


class BatchLoop(asyncio.SelectorEventLoop):
    """The batch's event loop: once the runner owns SIGINT and SIGTERM, nobody else's handler
    replaces its own.

    nbclient installs a SIGINT/SIGTERM handler for every notebook it executes (it shuts down
    that one notebook's kernel, and the batch would go on with the next scenario) and removes
    it when the notebook ends, which leaves Ctrl-C with no handler at all while the other
    notebook still runs. The runner handles both signals itself: stop every notebook, start no
    other, clean up (:func:`_run_jobs`).
    """

    def __init__(self) -> None:
        super().__init__()
        self._owned: set[int] = set()

    def own_signal(self, sig: int, callback: Any) -> None:
        super().add_signal_handler(sig, callback)
        self._owned.add(sig)

    def release_signals(self) -> None:
        for sig in list(self._owned):
            self._owned.discard(sig)
            super().remove_signal_handler(sig)

    def add_signal_handler(self, sig: int, callback: Any, *args: Any) -> None:
        if sig not in self._owned:
            super().add_signal_handler(sig, callback, *args)

    def remove_signal_handler(self, sig: int) -> bool:
        return False if sig in self._owned else super().remove_signal_handler(sig)


def skip_unused_iri_grammar() -> None:
    """Keep ``jsonschema`` from loading its IRI grammar in this process (command line only).

    nbformat validates notebooks with jsonschema, and jsonschema's format checkers import
    ``rfc3987_syntax`` when it is installed (``jsonschema[format-nongpl]``, which nbformat asks
    for). That module builds ~35 Earley parsers at import: 2.6 s of the runner's 3 s of
    notebook-library imports here, paid before the first notebook can start (jsonschema issue
    #1428). No notebook schema uses the ``iri`` formats, so blocking the import changes no
    validation. Called by ``kinerja-sim run`` / ``demo`` before anything imports jsonschema;
    not by :func:`run_batch`, which must not change an importing program's modules.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[assignment]


def fork_by_default() -> bool:
    """Kernels are forked from a template by default where forking is safe (Linux)."""
    from kinerja_sim.report.batch_report import can_fork

    return can_fork()


def default_notebook() -> Path:
    """The report notebook: ``notebooks/laporan_skenario.ipynb`` next to the package."""
    here = Path(str(resources.files("kinerja_sim"))).parent
    return here / "notebooks" / "laporan_skenario.ipynb"


@dataclass
class Failure:
    """Why one scenario failed: where (cell) and the exception line."""

    scenario: str
    cell: str
    error: str

    def line(self, lang: str = "id") -> str:
        return t("batch.failure_line", lang, scenario=self.scenario, cell=self.cell,
                 error=self.error)


@dataclass
class BatchResult:
    directory: Path
    ran: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    index: Path | None = None

    @property
    def exit_code(self) -> int:
        return 1 if self.failed else 0


@dataclass
class Job:
    scenario: Scenario
    key: dict[str, str]
    parameters: dict[str, Any]

    @property
    def name(self) -> str:
        return self.scenario.name


def notebook_path(directory: Path, name: str) -> Path:
    return directory / "notebook" / f"{name}.ipynb"


def result_dir(directory: Path, name: str) -> Path:
    return directory / "hasil" / name


def marker_path(directory: Path, name: str) -> Path:
    return directory / ".batch" / "selesai" / f"{name}.json"


def running_path(directory: Path, name: str) -> Path:
    return directory / ".batch" / "berjalan" / f"{name}.json"


def read_marker(directory: Path, name: str) -> dict | None:
    path = marker_path(directory, name)
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


def is_done(directory: Path, job: Job) -> bool:
    """Results exist for exactly this job's key (and its notebook and files are in place)."""
    marker = read_marker(directory, job.name)
    if not marker or marker.get("key") != job.key:
        return False
    files = [notebook_path(directory, job.name),
             *(result_dir(directory, job.name) / f for f in marker.get("files", []))]
    return all(f.is_file() for f in files)


def remove_leftovers(directory: Path) -> list[Path]:
    """Delete what a killed run left: temporary ``.*.part`` files and running markers."""
    removed = []
    if not directory.is_dir():
        return removed
    for path in [*directory.rglob(".*.part"), *(directory / ".batch" / "berjalan").glob("*")]:
        if path.is_file():
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _scenario_ref(sc: Scenario) -> str:
    return str(Path(sc.source).resolve())


def plan_jobs(scenarios: list[str | Path], baseline: str | Path, *, periods: int,
              replications: int, seed: int | None, profile: str | None,
              data: str | Path | None, lang: str, overrides: dict | None,
              directory: Path) -> tuple[Scenario, Any, int, list[Job]]:
    """Load every scenario (all problems reported together) and build one job per scenario."""
    problems: list[Problem] = []
    base = resolve_scenario(baseline, overrides)
    loaded: list[Scenario] = []
    for ref in scenarios:
        try:
            loaded.append(resolve_scenario(ref, overrides))
        except InputError as err:
            problems += err.problems
    if problems:
        raise InputError(problems)
    seen: dict[str, Scenario] = {}
    unique = []
    for sc in loaded:
        if sc.name in seen:
            if seen[sc.name].hash != sc.hash:
                problems.append(Problem(sc.source, "name", f"scenario name {sc.name!r} is used "
                                        f"by two different scenarios ({seen[sc.name].source})",
                                        expected="a unique name per scenario in one batch"))
            continue
        seen[sc.name] = sc
        unique.append(sc)
    if problems:
        raise InputError(problems)
    wf = resolve_batch_workforce(base, profile, data)
    seed = base.spec.seed if seed is None else int(seed)
    wf_hash = workforce_hash(wf)
    data_ref = str(Path(data).resolve()) if data else None
    jobs = []
    for sc in unique:
        key = {"scenario_hash": sc.hash, "baseline_hash": base.hash, "seed": str(seed),
               "workforce_hash": wf_hash, "periods": str(periods),
               "replications": str(replications), "lang": lang,
               "version": versions()["kinerja_sim"]}
        params = {"scenario": _scenario_ref(sc), "baseline": _scenario_ref(base),
                  "profile": profile, "data": data_ref, "periods": periods,
                  "replications": replications, "seed": seed, "lang": lang,
                  "output_dir": str(result_dir(directory, sc.name).resolve()),
                  "overrides": dict(overrides or {})}
        jobs.append(Job(sc, key, params))
    return base, wf, seed, jobs


def run_batch(scenarios: list[str | Path], baseline: str | Path, out: str | Path, *,
              jobs: int = 2, periods: int = 8, replications: int = 20, seed: int | None = None,
              profile: str | None = None, data: str | Path | None = None, lang: str = "id",
              timeout: float = DEFAULT_TIMEOUT, overrides: dict | None = None,
              notebook: str | Path | None = None, progress: bool = True,
              kernel_factory: Any = None, report: bool = True,
              fork_kernels: bool | None = None, robustness: Any = None) -> BatchResult:
    """Run every scenario's report notebook against ``baseline``; see the module docstring.

    ``fork_kernels``: each notebook's new kernel is forked from a template process that has
    imported the package once (:mod:`.forkserver`), or (False) is a new Python process that
    imports it itself; None (default) forks where that is safe (Linux).

    ``robustness`` (a :class:`~kinerja_sim.batch.robustness.BatchRobustness`): afterwards, the
    robustness analysis of the reforms that finished, into ``DIR/ketahanan`` and the report."""
    if robustness is not None and data is not None:
        raise InputError([Problem("<command line>", "--robustness",
                                  t("robustness.batch_needs_synthetic", lang))])
    directory = Path(out)
    directory.mkdir(parents=True, exist_ok=True)
    remove_leftovers(directory)
    if fork_kernels is None:
        fork_kernels = fork_by_default()
    server = None
    if kernel_factory is None and fork_kernels and hasattr(os, "fork"):
        from kinerja_sim.batch.forkserver import ForkServer

        server = ForkServer()
        server.launch()  # the template imports while the scenarios and the workforce load
    try:
        base, wf, seed, all_jobs = plan_jobs(
            scenarios, baseline, periods=periods, replications=replications, seed=seed,
            profile=profile, data=data, lang=lang, overrides=overrides, directory=directory)
        result = BatchResult(directory)
        todo = []
        for job in all_jobs:
            if is_done(directory, job):
                result.skipped.append(job.name)
                _say(t("batch.skipped", lang, scenario=job.name))
            else:
                todo.append(job)
        key = cache.baseline_key(base, seed, wf, periods, replications)
        cache_file = cache.cache_path(directory, key)
        if todo:
            _say(t("batch.starting", lang, n=len(todo), jobs=jobs, periods=periods,
                   replications=replications, baseline=base.name))
            with asyncio.Runner(loop_factory=BatchLoop) as loop_runner:
                loop_runner.run(_run_jobs(
                    todo, result, directory, base, wf, seed, periods, replications, key,
                    cache_file, jobs=jobs, timeout=timeout, lang=lang,
                    notebook=Path(notebook) if notebook else default_notebook(),
                    progress=progress, kernel_factory=kernel_factory, server=server))
    except KeyboardInterrupt:
        remove_leftovers(directory)  # temporary files and running markers of stopped notebooks
        raise
    finally:
        if server is not None:
            server.close_now()
    if not result.failed:
        cache_file.unlink(missing_ok=True)
    robustness_dir = None
    finished = {*result.ran, *result.skipped}
    reforms = [j.scenario for j in all_jobs
               if j.name in finished and j.scenario.hash != base.hash]
    if robustness is not None and reforms:
        from kinerja_sim.batch.robustness import batch_robustness

        _say(t("robustness.batch_running", lang, n=len(reforms), baseline=base.name))
        robustness_dir, skipped = batch_robustness(
            directory, reforms, base, profile=profile or base.spec.workforce.profile,
            seed=seed, periods=periods, options=robustness, progress=progress, lang=lang)
        if skipped:
            _say(t("robustness.batch_skipped", lang))
    if report:
        from kinerja_sim.report.batch_report import write_batch_report

        names = [j.name for j in all_jobs]
        result.index = write_batch_report(directory, names, base.name, lang,
                                          failures=result.failed,
                                          batch_provenance=provenance(base, seed, wf,
                                                                      periods=periods,
                                                                      replications=replications),
                                          robustness_dir=robustness_dir, workers=jobs)
    for failure in result.failed:
        _say(failure.line(lang))
    return result


def _say(text: str) -> None:
    from tqdm.auto import tqdm

    tqdm.write(text, file=sys.stderr)


async def _run_jobs(todo: list[Job], result: BatchResult, directory: Path, base: Scenario,
                    wf: Any, seed: int, periods: int, replications: int, key: dict,
                    cache_file: Path, *, jobs: int, timeout: float, lang: str, notebook: Path,
                    progress: bool, kernel_factory: Any, server: Any) -> None:
    import nbformat
    from tqdm.auto import tqdm

    source = nbformat.read(notebook, as_version=4)
    if server is not None:  # kernels forked from the template run_batch launched
        from kinerja_sim.batch.forkserver import forked_factory

        await server.start()
        kernel_factory = forked_factory(server)
    # kernels share the cores out: no native thread pools spinning against each other
    threads = threads_per_kernel(jobs)
    # a forked kernel has the template's imports and caches already: it only has to answer
    pool = KernelPool(size=jobs, demand=len(todo), cwd=os.getcwd(), factory=kernel_factory,
                      env=thread_environment(threads),
                      **({"warmup": ""} if server is not None else {}))
    pool.start()
    loop = asyncio.get_running_loop()

    def make_baseline() -> None:
        if cache.load_baseline(cache_file, key) is not None:
            return
        cache_file.unlink(missing_ok=True)  # a stale file of another key: notebooks must wait
        from threadpoolctl import threadpool_limits

        from kinerja_sim.batch.laporan import baseline_tables
        from kinerja_sim.simulate import simulate

        try:  # alongside the first kernels: the same share of the cores as one of them
            with threadpool_limits(limits=threads):
                sim = simulate(wf, base, seed=seed, periods=periods, replications=replications)
                cache.save_baseline(cache_file, sim, key, baseline_tables(sim))
        except Exception:  # each notebook then meets (and reports) the same problem itself
            write_text(cache.failed_path(cache_file), "")

    cache.failed_path(cache_file).unlink(missing_ok=True)
    # notebooks start at once and wait for the baseline only when they need it
    shared = loop.run_in_executor(None, make_baseline)
    queue = list(todo)
    bar = tqdm(total=len(todo), desc=t("batch.progress", lang), unit="skenario",
               disable=not progress, file=sys.stderr)

    interrupted = False

    async def worker() -> None:
        while queue and not interrupted:
            job = queue.pop(0)
            try:
                failure = await run_one(job, source, pool, directory, str(cache_file),
                                        timeout)
            except Exception as err:  # a bug or I/O error in one job must not stop the rest
                failure = Failure(job.name, "-", f"{type(err).__name__}: {err}")
            if interrupted:  # stopped, not finished: no result, no failure
                return
            if failure is None:
                result.ran.append(job.name)
            else:
                result.failed.append(failure)
            bar.update(1)

    workers = [asyncio.ensure_future(worker()) for _ in range(max(1, jobs))]

    def stop() -> None:
        """Ctrl-C or SIGTERM: cancel the running notebooks (each shuts its kernel down on the
        way out) and start no other; run_batch then removes their temporary files."""
        nonlocal interrupted
        interrupted = True
        for task in workers:
            task.cancel()

    if isinstance(loop, BatchLoop):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # no signals: Windows
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.own_signal(sig, stop)
    try:
        await asyncio.gather(*workers, return_exceptions=True)
        await shared
    finally:
        if isinstance(loop, BatchLoop):
            loop.release_signals()
        cache.failed_path(cache_file).unlink(missing_ok=True)
        bar.close()
        await pool.close()
        if server is not None:
            await server.close()
    if interrupted:
        raise KeyboardInterrupt


def _error_cell(nb: Any) -> tuple[str, str] | None:
    """(cell description, exception line) of the first cell whose output is an error."""
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                first = (cell.source.strip().splitlines() or [""])[0][:60]
                evalue = " ".join(x.strip() for x in str(out.get("evalue", "")).splitlines()
                                  if x.strip())[:300]
                return f"{i} ({first})", f"{out.get('ename')}: {evalue}"
    return None


async def run_one(job: Job, source: Any, pool: KernelPool, directory: Path,
                  cache_ref: str | None, timeout: float) -> Failure | None:
    """Execute one scenario's notebook; return its failure, or None when it succeeded."""
    import copy

    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError
    from papermill.parameterize import parameterize_notebook

    params = {**job.parameters, "baseline_cache": cache_ref}
    nb = nbformat.from_dict(copy.deepcopy(source))
    for cell in nb.cells:  # as papermill prepares a notebook: every cell has a tag list
        cell.metadata.setdefault("tags", [])
    nb.metadata.setdefault("papermill", {})
    nb = parameterize_notebook(nb, params, kernel_name="python3",
                               language="python")
    failure: Failure | None = None
    try:
        km = await pool.take()
    except KernelStartError as err:
        return Failure(job.name, "-", t("batch.kernel_start_failed", "en", error=str(err)))
    pid = _kernel_pid(km)
    write_text(running_path(directory, job.name),
               json.dumps({"scenario": job.name, "kernel_pid": pid}))
    running: dict[str, int | None] = {"cell": None}  # index of the cell executing now

    def started(cell, cell_index, **_):
        running["cell"] = cell_index

    def finished(cell, cell_index, **_):
        running["cell"] = None

    client = NotebookClient(nb, km=km, timeout=None, kernel_name="python3",
                            resources={"metadata": {"path": os.getcwd()}},
                            on_cell_execute=started, on_cell_executed=finished)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    execution = asyncio.ensure_future(client.async_execute())
    # cancelled at the deadline or by Ctrl-C, nbclient may end with DeadKernelError rather than
    # CancelledError: collect it here, or asyncio logs it as "never retrieved" at exit
    execution.add_done_callback(lambda f: f.cancelled() or f.exception())
    try:
        await asyncio.wait_for(execution, timeout=timeout)
    except CellExecutionError as err:
        cell, line = _error_cell(nb) or ("-", f"{err.ename}: {err.evalue}")
        failure = Failure(job.name, cell, line)
    except Exception as err:  # TimeoutError, DeadKernelError, or anything else
        # nbclient may turn the cancellation at the deadline into DeadKernelError: past the
        # deadline it is a timeout whatever the exception says
        if isinstance(err, TimeoutError) or loop.time() >= deadline:
            why = f"TimeoutError: over {timeout:g} s"
        elif isinstance(err, DeadKernelError):
            why = "DeadKernelError: kernel died"
        else:
            why = f"{type(err).__name__}: {err}"
        failure = Failure(job.name, _describe_cell(nb, running["cell"]), why)
    finally:
        if getattr(client, "kc", None) is not None:
            client.kc.stop_channels()
        await shutdown(km)
    write_text(notebook_path(directory, job.name), nbformat.writes(nb))
    running_path(directory, job.name).unlink(missing_ok=True)
    if failure is None:
        files = sorted(p.name for p in result_dir(directory, job.name).iterdir()
                       if not p.name.startswith("."))
        marker = {"key": job.key, "files": files,
                  "provenance": _provenance_of(result_dir(directory, job.name))}
        write_text(marker_path(directory, job.name), json.dumps(marker, indent=1,
                                                                sort_keys=True))
    else:
        marker_path(directory, job.name).unlink(missing_ok=True)
    return failure


def _describe_cell(nb: Any, index: int | None) -> str:
    """"index (first line)" of the cell that was executing, or "-" if none was."""
    if index is None:
        return "-"
    first = (nb.cells[index].source.strip().splitlines() or [""])[0][:60]
    return f"{index} ({first})"


def _kernel_pid(km: Any) -> int | None:
    try:
        return int(km.provisioner.process.pid)
    except Exception:
        return None


def _provenance_of(folder: Path) -> dict:
    import pyarrow.parquet as pq

    meta = pq.read_schema(folder / "ringkasan.parquet").metadata or {}
    raw = meta.get(b"kinerja_sim.provenance")
    return json.loads(raw) if raw else {}
