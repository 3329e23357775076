"""CLI commands of the analysts' batch face: ``kinerja-sim run`` and ``kinerja-sim demo``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kinerja_sim.batch.sweep_cli import robustness_options
from kinerja_sim.cli import positive_int
from kinerja_sim.labels import t

#: The demo's workload: every bundled scenario against status_quo (see README, ≤ 3 minutes).
DEMO_PERIODS = 8
DEMO_REPLICATIONS = 10
DEMO_OUT = "hasil/demo"


def _common(p: argparse.ArgumentParser, periods: int, replications: int) -> None:
    p.add_argument("--jobs", type=int, default=2, help="notebook paralel (default 2)")
    p.add_argument("--periods", type=int, default=periods,
                   help=f"jumlah triwulan (default {periods})")
    p.add_argument("--replications", type=int, default=replications,
                   help=f"jumlah replikasi untuk interval 90 %% (default {replications})")
    p.add_argument("--seed", type=int, default=None, help="default: seed skenario pembanding")
    p.add_argument("--timeout", type=float, default=1800.0,
                   help="batas waktu per skenario dalam detik (default 1800)")
    p.add_argument("--no-progress", action="store_true", help="tanpa bilah kemajuan")
    p.add_argument("--fork", action=argparse.BooleanOptionalAction, default=None,
                   help="fork setiap kernel baru dari satu proses templat yang sudah mengimpor "
                        "paket (default di Linux); --no-fork: setiap kernel proses Python baru")


def register(subparsers) -> list[argparse.ArgumentParser]:
    r = subparsers.add_parser(
        "run", help="jalankan notebook laporan per skenario, paralel / batch of report notebooks",
        description="Satu notebook laporan per skenario terhadap pembanding, paralel, tahan "
                    "gagal dan dapat dilanjutkan; menulis index.html, ringkasan.xlsx, Parquet "
                    "dan PNG ke --out. Status keluar 1 bila ada skenario yang gagal.")
    r.add_argument("scenarios", nargs="+", help="file skenario YAML atau nama skenario")
    r.add_argument("--baseline", required=True, help="skenario pembanding, mis. status_quo")
    r.add_argument("--out", required=True, help="folder batch (DIR)")
    r.add_argument("--profile", default=None, help="profil tenaga kerja (default: dari skenario)")
    r.add_argument("--data", default=None, help="file data pegawai (CSV/XLSX) sebagai ganti profil")
    r.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override untuk semua skenario, mis. raters.leniency_mean=0")
    r.add_argument("--notebook", default=None, help=argparse.SUPPRESS)
    _common(r, 8, 20)
    g = r.add_argument_group("ketahanan / robustness (--robustness)")
    g.add_argument("--robustness", action="store_true",
                   help="tambahkan analisis ketahanan (Morris, Sobol) reformasi terhadap "
                        "pembanding ke laporan; lihat 'kinerja-sim robustness'")
    g.add_argument("--robustness-replications", type=positive_int, default=5,
                   help="replikasi per dunia dalam analisis ketahanan (default 5)")
    robustness_options(g)
    g.add_argument("--dask", action="store_true",
                   help="jalankan dunia analisis ketahanan di dask.distributed (2 pekerja)")
    r.set_defaults(func=cmd_run)

    d = subparsers.add_parser(
        "demo", help="semua skenario bawaan vs status_quo, laporan HTML / the demo batch",
        description="Menjalankan semua skenario bawaan terhadap status_quo pada tenaga kerja "
                    "Binjai melalui 'run' dan mencetak lokasi index.html.")
    d.add_argument("--out", default=DEMO_OUT, help=f"folder batch (default {DEMO_OUT})")
    _common(d, DEMO_PERIODS, DEMO_REPLICATIONS)
    d.set_defaults(func=cmd_demo)
    return [r, d]


def _interruptible(run, lang: str) -> int:
    """Run a batch; Ctrl-C ends it with one line and the shell's status for SIGINT (130)."""
    try:
        return _finish(run(), lang)
    except KeyboardInterrupt:
        print(t("batch.interrupted", lang), file=sys.stderr)
        return 130


def _finish(result, lang: str) -> int:
    index = result.index
    print(t("batch.done", lang, ran=len(result.ran), skipped=len(result.skipped),
            failed=len(result.failed), index=index if index else "-"))
    if index is None:
        print(t("batch.no_report", lang), file=sys.stderr)
    else:
        print(t("batch.open_index", lang, path=index))
    return result.exit_code


def cmd_run(args) -> int:
    from kinerja_sim.batch.runner import run_batch, skip_unused_iri_grammar
    from kinerja_sim.scenario import parse_override

    skip_unused_iri_grammar()
    overrides = dict(parse_override(s) for s in args.set)
    robustness = None
    if args.robustness:
        from kinerja_sim.batch.robustness import BatchRobustness

        robustness = BatchRobustness(
            replications=args.robustness_replications, trajectories=args.trajectories,
            sobol_top=args.sobol_top, sobol_n=args.sobol_n,
            parameters=tuple(args.param) if args.param else None, dask=args.dask)
    return _interruptible(lambda: run_batch(
        args.scenarios, args.baseline, args.out, jobs=args.jobs, periods=args.periods,
        replications=args.replications, seed=args.seed, profile=args.profile, data=args.data,
        lang=args.lang, timeout=args.timeout, overrides=overrides, notebook=args.notebook,
        progress=not args.no_progress, fork_kernels=args.fork, robustness=robustness),
        args.lang)


def cmd_demo(args) -> int:
    from kinerja_sim.batch.runner import run_batch, skip_unused_iri_grammar
    from kinerja_sim.scenario import SCENARIO_DIR

    skip_unused_iri_grammar()
    scenarios = sorted(str(p) for p in Path(SCENARIO_DIR).glob("*.yaml"))
    print(t("batch.demo_intro", args.lang, n=len(scenarios), periods=args.periods,
            replications=args.replications))
    return _interruptible(lambda: run_batch(
        scenarios, "status_quo", args.out, jobs=args.jobs, periods=args.periods,
        replications=args.replications, seed=args.seed, profile="binjai", lang=args.lang,
        timeout=args.timeout, progress=not args.no_progress, fork_kernels=args.fork),
        args.lang)
