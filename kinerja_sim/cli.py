"""The ``kinerja-sim`` command: workforce, score, validate, compare (+ the faces' commands).

A thin face over the package API: every command calls the same functions a notebook would, so
the same scenario and seed give the same numbers everywhere.

Commands of the other faces live with their face, in a module that defines
``register(subparsers) -> list[argparse.ArgumentParser]`` (each parser sets ``func`` with
``set_defaults``); :data:`COMMAND_MODULES` lists them. Exit status: 0 success, 1 input error
(one message, no traceback), 2 usage error (argparse).
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module
from pathlib import Path

import pandas as pd

from kinerja_sim.errors import InputError
from kinerja_sim.labels import t

DATA_SUFFIXES = {".csv", ".xlsx", ".xlsm"}
SCENARIO_SUFFIXES = {".yaml", ".yml"}


def _check_suffix(path: str, allowed: tuple[str, ...]) -> None:
    """An output name the writers cannot honour is an input error named before any work."""
    from kinerja_sim.errors import Problem

    if Path(path).suffix.lower() not in allowed:
        raise InputError([Problem(path, "", "unsupported output file type",
                                  expected=" or ".join(allowed))])


#: Modules that add their face's subcommands (see the module docstring).
COMMAND_MODULES: tuple[str, ...] = (
    "kinerja_sim.batch.commands",
    "kinerja_sim.batch.sweep_cli",
    "kinerja_sim.ui.serve",
    "kinerja_sim.ui.handout",
    "kinerja_sim.audit.cli",
)


def positive_int(text: str) -> int:
    """argparse type: a whole number >= 1 (anything else is a usage error, exit 2)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text[:20]!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="kinerja-sim", description=(
        "Simulasi kebijakan penilaian kinerja ASN (Kota Binjai) / "
        "policy simulation of ASN performance appraisal"))
    p.add_argument("--lang", choices=("id", "en"), default="id",
                   help="bahasa keluaran / output language (default: id)")
    sub = p.add_subparsers(dest="command", required=True)

    w = sub.add_parser("workforce",
                       help="tulis tenaga kerja sintetis / write a synthetic workforce")
    w.add_argument("--profile", default="binjai", help="binjai (default) atau nasional")
    w.add_argument("--seed", type=int, default=2026)
    w.add_argument("--n", type=positive_int, default=None,
                   help="skala ulang ke sekitar n pegawai")
    w.add_argument("--out", required=True, help="FILE.xlsx atau FILE.csv")
    w.add_argument("--scenario", default=None,
                   help="tulis data teramati menurut penilai dan mutu data skenario ini")
    w.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override skenario (dengan --scenario), mis. raters.halo_sd=1.2")

    s = sub.add_parser("score", help="nilai file data pegawai / score a real employee file")
    s.add_argument("data", help="FILE.csv atau FILE.xlsx (skema: docs/data.md)")
    s.add_argument("--scenario", required=True, help="file skenario YAML atau nama skenario")
    s.add_argument("--out", required=True, help="FILE.xlsx (hasil per pegawai, pseudonim)")
    s.add_argument("--salt", default=None, help="garam pseudonim (atau env KINERJA_SIM_SALT)")
    s.add_argument("--sheet", default="pegawai")

    v = sub.add_parser("validate", help="periksa file data atau skenario / validate files")
    v.add_argument("files", nargs="+")

    c = sub.add_parser("compare", help="bandingkan skenario / compare scenarios")
    c.add_argument("scenarios", nargs="+", help="file skenario YAML (atau nama skenario)")
    c.add_argument("--baseline", required=True, help="skenario pembanding, mis. status_quo")
    c.add_argument("--out", default=None, help="FILE.xlsx")
    c.add_argument("--plot", default=None, help="FILE.png: lintasan per triwulan")
    c.add_argument("--periods", type=positive_int, default=8, help="jumlah triwulan (default 8)")
    c.add_argument("--replications", type=positive_int, default=20,
                   help="jumlah replikasi untuk interval 90 %% (default 20)")
    c.add_argument("--seed", type=int, default=None, help="default: seed skenario pembanding")
    c.add_argument("--profile", default=None, help="profil tenaga kerja (default: dari skenario)")
    c.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override untuk semua skenario, mis. raters.leniency_mean=0")
    m = sub.add_parser("simulate", help="hasil per pegawai satu simulasi sintetis / "
                                        "per-employee results of one synthetic run")
    m.add_argument("scenario", help="file skenario YAML atau nama skenario")
    m.add_argument("--out", required=True, help="FILE.xlsx atau FILE.csv")
    m.add_argument("--periods", type=positive_int, default=1,
                   help="triwulan; hasil triwulan terakhir ditulis (default 1)")
    m.add_argument("--seed", type=int, default=None, help="default: seed skenario")
    m.add_argument("--profile", default=None, help="profil tenaga kerja (default: dari skenario)")
    m.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override, mis. raters.leniency_mean=0")
    m.set_defaults(func=cmd_simulate)
    w.set_defaults(func=cmd_workforce)
    s.set_defaults(func=cmd_score)
    v.set_defaults(func=cmd_validate)
    c.set_defaults(func=cmd_compare)
    parsers = [w, s, v, c, m]
    for module in COMMAND_MODULES:
        parsers += import_module(module).register(sub)
    for sp in parsers:  # --lang also accepted after the command
        sp.add_argument("--lang", choices=("id", "en"), default=argparse.SUPPRESS,
                        help="bahasa keluaran / output language")
    return p


def entry_point() -> None:
    """The ``kinerja-sim`` program: :func:`main`, then exit without a last garbage collection.

    At exit the interpreter runs its collector over every object the imported libraries made
    (pandas, scipy, matplotlib, the notebook stack): ~0.3 s of a batch's wall time here, spent
    after the work is done. Every file is written and closed by then and nothing of ours needs
    a finalizer, so the objects are frozen (``gc.freeze``) and released with the process.
    Tests call :func:`main` in-process, where freezing would keep the test session's garbage.
    """
    import gc

    code = main()
    gc.freeze()
    sys.exit(code)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.func(args)
    except InputError as err:
        print(err.message, file=sys.stderr)
        return 1
    except OSError as err:  # a path given on the command line cannot be read or written
        print(str(err), file=sys.stderr)
        return 1


# ---------------------------------------------------------------- commands

def cmd_workforce(args) -> int:
    from kinerja_sim.workforce import synthesize
    from kinerja_sim.workforce.export import export_workforce

    _check_suffix(args.out, (".xlsx", ".csv"))
    if args.scenario is None:
        if args.set:
            from kinerja_sim.errors import Problem

            raise InputError([Problem("<command line>", "--set", "--set needs --scenario")])
        wf = synthesize(args.profile, seed=args.seed, n=args.n)
    else:
        from kinerja_sim.scenario import find_scenario, load_scenario, parse_override
        from kinerja_sim.workforce.observed import observed_file

        sc = load_scenario(find_scenario(args.scenario),
                           dict(parse_override(x) for x in args.set))
        wf, _ = observed_file(args.profile, sc, seed=args.seed, n=args.n)
    export_workforce(wf, args.out)
    print(t("message.workforce_written", args.lang, profile=args.profile, n=wf.n,
            path=args.out))
    return 0


def cmd_score(args) -> int:
    from kinerja_sim.report import write_sheets
    from kinerja_sim.scenario import find_scenario, load_scenario
    from kinerja_sim.simulate import simulate
    from kinerja_sim.workforce import load_workforce

    _check_suffix(args.out, (".xlsx",))
    wf = load_workforce(args.data, salt=args.salt, sheet=args.sheet)
    # names in the scenario are checked against this file's OPDs and rumpun, not the profile's
    sc = load_scenario(find_scenario(args.scenario), workforce=wf)
    df = simulate(wf, sc).final
    table = predikat_by_opd(df)
    print(t("message.per_opd_title", args.lang))
    print(table.to_string())
    print(t("message.suppressed_note", args.lang))
    moved = int(df["moved_by_distribution"].sum())
    if df.attrs.get("adjustment", {}).get("enabled"):
        print(t("message.moved_by_curve", args.lang, n=moved))
    write_sheets(args.out, {"hasil": df, "predikat_per_opd": table.reset_index()})
    print(t("message.written", args.lang, path=args.out))
    return 0


def predikat_by_opd(df: pd.DataFrame, min_n: int | None = None) -> pd.DataFrame:
    """Employees per predikat per OPD; OPDs with fewer than 10 employees are suppressed, and
    complementarily the next-smallest OPDs, so no hidden row follows from the overall
    distribution minus the shown rows (:mod:`kinerja_sim.metrics.disclosure`)."""
    from kinerja_sim.metrics.disclosure import suppression_pattern

    table = pd.crosstab(df["opd"].astype(str), df["predikat"])
    table["total"] = table.sum(axis=1)
    hidden = suppression_pattern(table["total"].to_numpy(), min_n) != ""
    table = table.astype("Float64")
    table.loc[hidden, :] = pd.NA
    return table


def cmd_validate(args) -> int:
    from kinerja_sim.scenario import load_scenario
    from kinerja_sim.workforce import load_workforce

    failed = False
    for name in args.files:
        path = Path(name)
        try:
            if path.suffix.lower() in SCENARIO_SUFFIXES:
                # every check a run makes: schema, domains, names against the workforce
                # profile the scenario names, settings a run would not read
                load_scenario(path)
            elif path.suffix.lower() in DATA_SUFFIXES:
                load_workforce(path)
            else:
                from kinerja_sim.errors import Problem

                raise InputError([Problem(name, "", "unknown file type",
                                          expected=".yaml/.yml scenario or .csv/.xlsx data")])
            print(t("message.valid", args.lang, path=name))
        except InputError as err:
            failed = True
            print(err.message, file=sys.stderr)
    return 1 if failed else 0


def cmd_compare(args) -> int:
    from kinerja_sim.compare import compare_scenarios
    from kinerja_sim.scenario import find_scenario, load_scenario, parse_override

    if args.out:
        _check_suffix(args.out, (".xlsx",))
    overrides = dict(parse_override(s) for s in args.set)
    base = load_scenario(find_scenario(args.baseline), overrides)
    scs = [load_scenario(find_scenario(s), overrides) for s in args.scenarios]
    print(t("message.running", args.lang, n=len({s.hash for s in [base, *scs]}),
            periods=args.periods, replications=args.replications), file=sys.stderr)
    from kinerja_sim.report import headline_text, predikat_distribution, write_comparison
    from kinerja_sim.report.comparison import assumptions_text

    comp = compare_scenarios(scs, base, workforce=args.profile, seed=args.seed,
                             periods=args.periods, replications=args.replications,
                             progress=sys.stderr.isatty())
    table = headline_text(comp.headline, base.name, args.lang)
    with pd.option_context("display.width", 250, "display.max_columns", None,
                           "display.max_colwidth", 70):
        print(t("message.distribution_title", args.lang))
        print(predikat_distribution(comp.simulations).to_string())
        print()
        print(t("message.headline_title", args.lang, baseline=base.name))
        print(table.to_string())
        print()
        print(t("assumption.title", args.lang))
        print(assumptions_text(comp.assumptions, args.lang).to_string(index=False))
    if args.out:
        write_comparison(comp, args.out, args.lang)
        print(t("message.written", args.lang, path=args.out))
    if args.plot:
        import matplotlib

        matplotlib.use("Agg")
        from kinerja_sim.report import plot_trajectories, save_figure

        save_figure(plot_trajectories(comp.simulations, lang=args.lang), args.plot)
        print(t("message.written", args.lang, path=args.plot))
    return 0


def cmd_simulate(args) -> int:
    """One synthetic run; the last period's per-employee table (pseudonymous ids, ``sim_*``
    truth columns) is written through the one writer layer."""
    from kinerja_sim.report import write_sheets
    from kinerja_sim.scenario import find_scenario, load_scenario, parse_override
    from kinerja_sim.simulate import simulate

    overrides = dict(parse_override(s) for s in args.set)
    sc = load_scenario(find_scenario(args.scenario), overrides)
    sim = simulate(args.profile, sc, seed=args.seed, periods=args.periods)
    write_sheets(args.out, {"hasil": sim.final})
    print(t("message.written", args.lang, path=args.out))
    return 0


if __name__ == "__main__":  # pragma: no cover
    entry_point()
