"""The weight designer: ``kinerja_sim.ui.designer()`` returns an ipywidgets app.

A policy designer picks a preset, moves weights and switches, and watches what the candidate
does against a baseline (status_quo by default). Every change re-scores one period at once
(predikat shares and chart, fairness flags, winners and losers); the 8-quarter projection runs
once the controls have been still for ``debounce_s`` seconds, or on its button, in a background
thread, so the sliders never freeze. Results are applied on the kernel's event loop
(``loop.call_soon_threadsafe``), never from the worker thread, and a result that no longer
matches the design is discarded. "Simpan skenario" writes the design as a scenario file that
``extends:`` the preset with only the changed keys.

Every callback is guarded: an exception is shown in the app in plain words (label table),
never lost in a kernel log. All the logic is in :mod:`kinerja_sim.ui.designer_state`; this
module only builds widgets and moves values between them and the state.
"""

from __future__ import annotations

import asyncio
import functools
import html
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import ipywidgets as w

from kinerja_sim.errors import InputError
from kinerja_sim.labels import t
from kinerja_sim.outcomes import GROUP_COLUMNS
from kinerja_sim.scenario import load_scenario
from kinerja_sim.schemes.base import ORG_PREDIKAT
from kinerja_sim.ui import designer_state as ds
from kinerja_sim.ui.designer_charts import DistributionChart, projection_png

__all__ = ["DesignerApp", "KernelScheduler", "ManualScheduler", "Scheduler", "designer"]

NAME_RE = re.compile(r"[A-Za-z0-9_.\-]+")


# ---------------------------------------------------------------- scheduling
class Scheduler(Protocol):
    """When the slow work runs. Injected, so tests can run it synchronously."""

    def debounce(self, fn: Callable[[], None]) -> None: ...
    def cancel(self) -> None: ...
    def background(self, work: Callable[[], Any],
                   done: Callable[[Any, BaseException | None], None]) -> None: ...


class ManualScheduler:
    """For tests and scripts: a debounced call waits for :meth:`run_pending`; background work
    runs at once on the calling thread."""

    def __init__(self) -> None:
        self.pending: Callable[[], None] | None = None

    def debounce(self, fn: Callable[[], None]) -> None:
        self.pending = fn

    def cancel(self) -> None:
        self.pending = None

    def run_pending(self) -> bool:
        fn, self.pending = self.pending, None
        if fn is not None:
            fn()
        return fn is not None

    def background(self, work, done) -> None:
        try:
            result = work()
        except Exception as err:  # handed to done, which shows it
            done(None, err)
        else:
            done(result, None)


class KernelScheduler:
    """Debounce with a ``threading.Timer``, work in a daemon thread, and hand every result
    back to the kernel's asyncio loop (widgets are only touched on the loop's thread). Without
    a running loop (a plain script) callbacks run on the worker thread."""

    def __init__(self, delay_s: float = 1.0) -> None:
        self.delay_s = delay_s
        try:
            self.loop: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            self.loop = None
        self._timer: threading.Timer | None = None

    def _post(self, fn: Callable[[], None]) -> None:
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(fn)
        else:
            fn()

    def debounce(self, fn: Callable[[], None]) -> None:
        self.cancel()
        self._timer = threading.Timer(self.delay_s, self._post, args=(fn,))
        self._timer.daemon = True
        self._timer.start()

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def background(self, work, done) -> None:
        def run() -> None:
            try:
                result = work()
            except Exception as err:
                self._post(functools.partial(done, None, err))
            else:
                self._post(functools.partial(done, result, None))

        threading.Thread(target=run, name="kinerja-sim-projection", daemon=True).start()


# ---------------------------------------------------------------- formatting
def _num(x: float, digits: int, lang: str) -> str:
    if x != x:  # NaN
        return "—"
    s = f"{x:,.{digits}f}"
    return s.translate(str.maketrans(",.", ".,")) if lang == "id" else s


def _pct(x: float, lang: str, digits: int = 1) -> str:
    return "—" if x != x else f"{_num(100 * x, digits, lang)} %"


def _table(css: str, header: list[str], rows: list[list[str]],
           row_attrs: list[str] | None = None) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join(
        f"<tr{(' ' + row_attrs[i]) if row_attrs else ''}>"
        + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for i, r in enumerate(rows))
    return (f'<table class="ks-table {css}" style="border-collapse:collapse;font-size:12px">'
            f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")


STYLE = ("<style>.ks-table td,.ks-table th{padding:2px 8px;border-bottom:1px solid #ddd;"
         "text-align:right}.ks-table td:first-child,.ks-table th:first-child{text-align:left}"
         ".ks-flag{color:#b00020;font-weight:bold}</style>")


# ---------------------------------------------------------------- the app
class DesignerApp(w.VBox):
    """The designer widget. Its parts are attributes so tests can drive it without a browser:
    ``weight_sliders[(rumpun, indicator)]``, ``behaviour_weight``, ``method``, ``distribution``,
    ``org_predikat[opd]``, ``rater_training``, ``coverage``, ``preset``, ``baseline``; outputs
    ``distribution_table``, ``chart``, ``fairness_table``, ``winners_table``,
    ``projection_status``, ``projection_chart``, ``projection_table``, ``message``."""

    def __init__(self, state: ds.DesignState, *, lang: str = "id", periods: int = 8,
                 replications: int = 5, scheduler: Scheduler | None = None,
                 auto_projection: bool = True, save_dir: str | Path | None = None,
                 debounce_s: float = 1.0) -> None:
        super().__init__()
        self.state, self.lang = state, lang
        self.periods, self.replications = periods, replications
        self.scheduler = scheduler if scheduler is not None else KernelScheduler(debounce_s)
        self.auto_projection = auto_projection
        self.save_dir = Path(save_dir) if save_dir is not None else Path.cwd() / "rancangan"
        self.last_fast: ds.FastResult | None = None
        self.last_projection: ds.ProjectionResult | None = None
        self._running = False
        self._again = False
        self._projection_key: tuple | None = None  # design the shown projection belongs to
        self._building = False
        self._dist_chart = DistributionChart(lang)

        L = self._t
        self.message = w.HTML(layout=w.Layout(display="none"))
        self.message.add_class("ks-message")
        presets = ds.bundled_presets()
        self.preset = w.Dropdown(options=presets, value=state.preset.name
                                 if state.preset.name in presets else None,
                                 description=L("preset"), style={"description_width": "110px"},
                                 layout=w.Layout(width="420px"))
        if self.preset.value is None:
            self._add_preset_option(str(state.preset_path))
        self.preset_file = w.Text(placeholder=L("preset_file_placeholder"),
                                  layout=w.Layout(width="320px"))
        self.preset_file_button = w.Button(description=L("preset_file_load"))
        self.baseline = w.Dropdown(options=presets, value=state.baseline.name
                                   if state.baseline.name in presets else None,
                                   description=L("baseline"),
                                   style={"description_width": "110px"},
                                   layout=w.Layout(width="420px"))
        self.status = w.HTML()
        self.tabs = w.Tab()
        self.distribution_table = w.HTML()
        self.distribution_table.add_class("ks-distribution")
        self.chart = w.Image(format="png", layout=w.Layout(max_width="460px"))
        self.chart.add_class("ks-chart")
        self.fairness_table = w.HTML()
        self.fairness_table.add_class("ks-fairness")
        self.winners_dimension = w.Dropdown(
            options=[(L(f"dim_{g}"), g) for g in GROUP_COLUMNS], value="rumpun",
            description=L("winners_by"), style={"description_width": "110px"})
        self.winners_table = w.HTML()
        self.winners_table.add_class("ks-winners")
        self.projection_button = w.Button(description=L("projection_run"), icon="play",
                                           layout=w.Layout(width="auto", min_width="170px"))
        self.projection_status = w.HTML()
        self.projection_status.add_class("ks-projection-status")
        self.projection_chart = w.Image(format="png", layout=w.Layout(max_width="580px"))
        self.projection_table = w.HTML()
        self.projection_table.add_class("ks-projection")
        self.assumption = w.HTML()
        self.assumption.add_class("ks-assumption")
        self.robustness_button = w.Button(description=L("robustness_run"), icon="balance-scale",
                                          layout=w.Layout(width="auto", min_width="170px"))
        self.robustness_status = w.HTML()
        self.robustness_status.add_class("ks-robustness-status")
        self.robustness_table = w.HTML()
        self.robustness_table.add_class("ks-robustness")
        self.robustness_chart = w.Image(format="png", layout=w.Layout(max_width="580px"))
        self.last_robustness = None  # RobustnessResult of the last finished test
        self._robustness_running = False
        self._robustness_key: tuple | None = None
        self.save_name = w.Text(value=state.name, description=L("save_name"),
                                style={"description_width": "110px"},
                                layout=w.Layout(width="420px"))
        self.save_path = w.Text(value=str(self.save_dir / f"{state.name}.yaml"),
                                description=L("save_path"), style={"description_width": "110px"},
                                layout=w.Layout(width="520px"))
        self.save_button = w.Button(description=L("save"), icon="save", button_style="primary")
        self.save_message = w.HTML()
        self.save_message.add_class("ks-save-message")

        self.preset.observe(self._guard("preset", self._on_preset), names="value")
        self.preset_file_button.on_click(self._guard("preset", self._on_preset_file))
        self.baseline.observe(self._guard("baseline", self._on_baseline), names="value")
        self.winners_dimension.observe(self._guard("update", lambda _c: self._show_winners()),
                                       names="value")
        self.projection_button.on_click(self._guard("projection",
                                                    lambda _b: self.start_projection()))
        self.robustness_button.on_click(self._guard("robustness",
                                                    lambda _b: self.start_robustness()))
        self.save_name.observe(self._guard("save", self._on_name), names="value")
        self.save_button.on_click(self._guard("save", self._on_save))

        outputs = w.VBox([
            w.HTML(f"<b>{html.escape(L('out_distribution'))}</b>"), self.chart,
            self.distribution_table,
            w.HTML(f"<b>{html.escape(L('out_fairness'))}</b>"), self.fairness_table,
            w.HTML(f"<b>{html.escape(L('out_winners'))}</b>"), self.winners_dimension,
            self.winners_table,
            w.HTML(f"<b>{html.escape(L('out_projection'))}</b>"),
            w.HBox([self.projection_button, self.projection_status]), self.projection_chart,
            self.projection_table,
            w.HTML(f"<b>{html.escape(L('out_robustness'))}</b>"), self.assumption,
            w.HBox([self.robustness_button, self.robustness_status]), self.robustness_table,
            self.robustness_chart,
        ], layout=w.Layout(width="50%", padding="0 0 0 12px"))
        save_box = w.VBox([w.HTML(f"<b>{html.escape(L('save_title'))}</b>"), self.save_name,
                           self.save_path, self.save_button, self.save_message])
        controls = w.VBox([self.tabs, save_box], layout=w.Layout(width="50%"))
        self.children = [
            w.HTML(STYLE + f"<h3>{html.escape(L('title'))}</h3>"
                   f"<p>{html.escape(L('intro'))}</p>"),
            self.message,
            w.HBox([self.preset, self.preset_file, self.preset_file_button]),
            self.baseline, self.status, w.HBox([controls, outputs]),
        ]
        self._guard("update", lambda: (self._build_controls(), self.refresh()))()

    # ------------------------------------------------------------ helpers
    def _t(self, key: str, **fmt: object) -> str:
        return t(f"designer.{key}", self.lang, **fmt)

    def _guard(self, action: str, fn: Callable) -> Callable:
        """Wrap a callback: any exception becomes a plain message in the app."""
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            try:
                return fn(*args, **kwargs)
            except Exception as err:
                self.show_error(action, err)
                return None
        return wrapper

    def show_error(self, action: str, err: BaseException) -> None:
        doing = self._t(f"action_{action}")
        if isinstance(err, InputError):
            text = self._t("error_input", action=doing)
            detail = err.message
        else:
            text = self._t("error_unexpected", action=doing)
            detail = f"{type(err).__name__}: {err}"
        self.message.value = (
            '<div style="border:1px solid #b00020;background:#fdecea;padding:6px">'
            f"<b>{html.escape(text)}</b><br><pre style='white-space:pre-wrap;margin:4px 0'>"
            f"{html.escape(detail)}</pre>{html.escape(self._t('error_hint'))}</div>")
        self.message.layout.display = None

    def clear_error(self) -> None:
        self.message.value = ""
        self.message.layout.display = "none"

    def _add_preset_option(self, value: str) -> None:
        opts = list(self.preset.options)
        if value not in opts:
            opts.append(value)
        self._building = True
        try:
            self.preset.options = opts
            self.preset.value = value
        finally:
            self._building = False

    # ------------------------------------------------------------ controls
    def _build_controls(self) -> None:
        """(Re)build the tabs for the current preset's scheme."""
        st, L = self.state, self._t
        for old in getattr(self, "_control_widgets", []):
            old.close()
        made: list[w.Widget] = []
        self.weight_sliders: dict[tuple[str, str], w.FloatSlider] = {}
        self.weight_shares: dict[tuple[str, str], w.HTML] = {}
        weight_rows: list[w.Widget] = []
        current = None
        for c in st.weight_controls:
            if c.rumpun != current:
                current = c.rumpun
                weight_rows.append(w.HTML(f"<b>{html.escape(L('rumpun'))}: "
                                          f"{html.escape(c.rumpun)}</b>"))
            s = w.FloatSlider(value=st.values[c.path], min=0.0, max=5.0, step=0.1,
                              description=c.label[self.lang], continuous_update=False,
                              readout_format=".1f", style={"description_width": "210px"},
                              layout=w.Layout(width="420px"))
            s.add_class("ks-weight")
            share = w.HTML()
            s.observe(self._guard("update", functools.partial(self._on_value, c.path)),
                      names="value")
            self.weight_sliders[(c.rumpun, c.indicator)] = s
            self.weight_shares[(c.rumpun, c.indicator)] = share
            weight_rows.append(w.HBox([s, share]))
            made += [s, share]
        if not st.weight_controls:
            weight_rows.append(w.HTML(html.escape(L("no_weights",
                                                    scheme=st.preset.spec.scheme.name))))
        else:
            weight_rows.insert(0, w.HTML(f"<i>{html.escape(L('weights_note'))}</i>"))

        scheme_rows: list[w.Widget] = []
        self.behaviour_weight = self.method = self.distribution = None
        if st.has(ds.BEHAVIOUR_WEIGHT):
            self.behaviour_weight = w.FloatSlider(
                value=st.values[ds.BEHAVIOUR_WEIGHT], min=0.0, max=1.0, step=0.05,
                readout_format=".0%", continuous_update=False,
                description=L("behaviour_weight"), style={"description_width": "210px"},
                layout=w.Layout(width="420px"))
            self.method = w.Dropdown(options=[(L(f"method_{m}"), m) for m in ds.METHODS],
                                     value=st.values[ds.METHOD], description=L("method"),
                                     style={"description_width": "210px"},
                                     layout=w.Layout(width="420px"))
            scheme_rows += [self.behaviour_weight, self.method]
        if st.has(ds.DISTRIBUTION):
            self.distribution = w.Checkbox(value=st.values[ds.DISTRIBUTION],
                                           description=L("distribution"), indent=False)
            scheme_rows.append(self.distribution)
        for widget, path in ((self.behaviour_weight, ds.BEHAVIOUR_WEIGHT),
                             (self.method, ds.METHOD), (self.distribution, ds.DISTRIBUTION)):
            if widget is not None:
                widget.observe(self._guard("update", functools.partial(self._on_value, path)),
                               names="value")
                made.append(widget)
        if not scheme_rows:
            scheme_rows.append(w.HTML(html.escape(L("no_scheme_settings",
                                                    scheme=st.preset.spec.scheme.name))))

        self.org_predikat: dict[str, w.Dropdown] = {}
        org_rows: list[w.Widget] = [w.HTML(f"<i>{html.escape(L('org_note'))}</i>")]
        for opd in st.org.opd_names:
            path = (*ds.ORGANISATION, opd)
            d = w.Dropdown(options=list(ORG_PREDIKAT), value=st.values[path], description=opd,
                           style={"description_width": "300px"},
                           layout=w.Layout(width="480px"))
            d.observe(self._guard("update", functools.partial(self._on_value, path)),
                      names="value")
            self.org_predikat[opd] = d
            org_rows.append(d)
            made.append(d)

        self.rater_training = w.Checkbox(value=st.values[ds.RATER_TRAINING],
                                         description=L("rater_training"), indent=False)
        self.coverage = w.FloatSlider(value=st.values[ds.COVERAGE], min=0.0, max=1.0,
                                      step=0.05, readout_format=".0%", continuous_update=False,
                                      description=L("coverage"),
                                      style={"description_width": "210px"},
                                      layout=w.Layout(width="420px"))
        for widget, path in ((self.rater_training, ds.RATER_TRAINING),
                             (self.coverage, ds.COVERAGE)):
            widget.observe(self._guard("update", functools.partial(self._on_value, path)),
                           names="value")
            made.append(widget)
        rollout_rows = [w.HTML(f"<i>{html.escape(L('rollout_note'))}</i>"),
                        self.rater_training, self.coverage]

        pages = [w.VBox(weight_rows), w.VBox(scheme_rows), w.VBox(org_rows),
                 w.VBox(rollout_rows)]
        self.tabs.children = pages
        self.tabs.titles = [L("tab_weights"), L("tab_scheme"), L("tab_org"), L("tab_rollout")]
        self.tabs.selected_index = 0
        self._control_widgets = made + pages
        self._show_shares()

    def _show_shares(self) -> None:
        for c in self.state.weight_controls:
            share = self.state.normalised_share(c)
            self.weight_shares[(c.rumpun, c.indicator)].value = (
                f'<span class="ks-share" title="{html.escape(self._t("share_title"))}">'
                f"{_pct(share, self.lang)}</span>")

    # ------------------------------------------------------------ callbacks
    def _on_value(self, path: ds.Path_, change: dict) -> None:
        if self._building:
            return
        self.state.set(path, change["new"])
        if path[:len(ds.WEIGHTS)] == ds.WEIGHTS:
            self._show_shares()
        self.refresh()

    def _revert(self, dropdown: w.Dropdown, value) -> None:
        """Show the value the design still uses after a failed switch."""
        self._building = True
        try:
            dropdown.value = value
        finally:
            self._building = False

    def _on_preset(self, change: dict) -> None:
        if self._building or change["new"] is None:
            return
        try:
            self.state.load_preset(change["new"])
        except Exception:
            self._revert(self.preset, change["old"])
            raise
        self.save_name.value = self.state.name
        self._build_controls()
        self.refresh()

    def _on_preset_file(self, _button=None) -> None:
        path = self.preset_file.value.strip()
        if not path:
            raise ValueError(self._t("preset_file_empty"))
        load_scenario(path)  # loud, complete error before anything changes
        self._add_preset_option(str(Path(path).resolve()))
        self._on_preset({"new": str(Path(path).resolve())})

    def _on_baseline(self, change: dict) -> None:
        if self._building or change["new"] is None:
            return
        try:
            self.state.set_baseline(change["new"])
        except Exception:
            self._revert(self.baseline, change["old"])
            raise
        self.refresh()

    def _on_name(self, change: dict) -> None:
        old_default = str(self.save_dir / f"{change['old']}.yaml")
        self.state.name = change["new"]
        if self.save_path.value == old_default:
            self.save_path.value = str(self.save_dir / f"{change['new']}.yaml")

    def _on_save(self, _button=None) -> None:
        name = self.save_name.value.strip()
        if not NAME_RE.fullmatch(name):
            raise ValueError(self._t("bad_name", name=name))
        path = Path(self.save_path.value.strip() or self.save_dir / f"{name}.yaml")
        self.state.name = name
        self.state.save_yaml(path, name, self.lang)
        check = load_scenario(path)  # the file must load back to the candidate shown
        if check.hash != self.state.candidate().hash:
            raise RuntimeError(self._t("save_mismatch", path=str(path)))
        self.save_message.value = html.escape(self._t("saved", path=str(path),
                                                      hash=check.hash))
        self.clear_error()

    # ------------------------------------------------------------ fast outputs
    def refresh(self) -> None:
        """Re-score one period and redraw; then (re)arm the debounced projection."""
        fast = self.state.fast()
        self.last_fast = fast
        self._show_distribution(fast)
        self._show_fairness(fast)
        self._show_winners()
        self.status.value = html.escape(self._t(
            "status", n=_num(self.state.workforce.n, 0, self.lang),
            ms=_num(fast.elapsed_s * 1000, 0, self.lang), name=self.state.preset.name,
            baseline=self.state.baseline.name))
        self._show_assumption()
        self.clear_error()
        if self._robustness_key is not None and self._robustness_key != self.state.design_key():
            self.robustness_status.value = html.escape(self._t("robustness_outdated"))
        if self._projection_key != self.state.design_key():
            self.projection_status.value = html.escape(self._t(
                "projection_waiting" if self.auto_projection else "projection_outdated"))
        if self.auto_projection:
            self.scheduler.debounce(self._guard("projection", self.start_projection))

    def _show_distribution(self, fast: ds.FastResult) -> None:
        labels = tuple(c if c == b else f"{c} / {b}" for c, b in
                       zip(fast.labels_candidate, fast.labels_baseline, strict=True))
        self.chart.value = self._dist_chart.render(labels, fast.shares_baseline,
                                                   fast.shares_candidate)
        rows, attrs = [], []
        for code in range(4, -1, -1):
            b, c = fast.shares_baseline[code], fast.shares_candidate[code]
            rows.append([html.escape(labels[code]), _pct(b, self.lang), _pct(c, self.lang),
                         _num(100 * (c - b), 1, self.lang)])
            attrs.append(f'data-code="{code}" data-candidate="{c:.6f}" data-baseline="{b:.6f}"')
        self.distribution_table.value = _table(
            "ks-distribution", [self._t("col_predikat"), self._t("baseline"),
                                self._t("candidate"), self._t("col_delta_pp")], rows, attrs)

    def _show_fairness(self, fast: ds.FastResult) -> None:
        flag = f'<span class="ks-flag">{html.escape(self._t("flag"))}</span>'
        rows = []
        for r in fast.fairness.itertuples():
            rows.append([html.escape(self._t(f"dim_{r.dimension}")),
                         _num(r.ff_baseline, 2, self.lang), _num(r.ff_candidate, 2, self.lang),
                         flag if r.ff_flag else "",
                         _num(r.gap_baseline, 2, self.lang), _num(r.gap_candidate, 2, self.lang),
                         flag if r.gap_flag else ""])
        self.fairness_table.value = _table(
            "ks-fairness", [self._t("col_dimension"), self._t("col_ff_baseline"),
                            self._t("col_ff_candidate"), self._t("col_ff_flag"),
                            self._t("col_gap_baseline"), self._t("col_gap_candidate"),
                            self._t("col_gap_flag")], rows) + \
            f"<small>{html.escape(self._t('fairness_note'))}</small>"

    def _show_winners(self) -> None:
        if self.last_fast is None:
            return
        wl = self.last_fast.winners_losers
        part = wl[wl["dimension"] == self.winners_dimension.value]
        rows = []
        for r in part.itertuples():
            rows.append([html.escape(str(r.group)), _num(r.n, 0, self.lang),
                         _pct(r.share_up, self.lang), _pct(r.share_down, self.lang),
                         _num(r.mean_tpp_change, 0, self.lang)])
        self.winners_table.value = _table(
            "ks-winners", [self._t("col_group"), self._t("col_n"), self._t("col_up"),
                           self._t("col_down"), self._t("col_tpp")], rows) + \
            f"<small>{html.escape(self._t('suppressed_note'))}</small>"

    # ------------------------------------------------------------ projection
    def start_projection(self) -> None:
        """Run the projection in the background (one at a time; a newer design re-runs)."""
        self.scheduler.cancel()
        if self._running:
            self._again = True
            return
        workforce, baseline, candidate = self.state.projection_inputs()
        key = self.state.design_key()
        self._running, self._again = True, False
        self.projection_status.value = (
            '<span class="ks-working">&#8987; '
            + html.escape(self._t("projection_working", periods=self.periods,
                                  replications=self.replications)) + "</span>")
        state, periods, reps = self.state, self.periods, self.replications
        self.scheduler.background(
            lambda: (key, ds.project(state, workforce, baseline, candidate, periods, reps)),
            self._guard("projection", self._projection_done))

    def _projection_done(self, keyed: tuple[tuple, ds.ProjectionResult] | None,
                         error: BaseException | None) -> None:
        self._running = False
        if error is not None:
            self.projection_status.value = html.escape(self._t("projection_failed"))
            self.show_error("projection", error)
            return
        key, result = keyed
        if self._again or key != self.state.design_key():
            self.start_projection()  # the design moved on while this ran
            return
        self.last_projection, self._projection_key = result, key
        self.projection_chart.value = projection_png(result, self.lang)
        rows = []
        for r in result.final.itertuples():
            digits = 0 if r.metric == "service.vaksinasi" else 2
            rows.append([html.escape(t(f"metric.{r.metric}", self.lang)),
                         _num(r.baseline, digits, self.lang), _num(r.candidate, digits, self.lang),
                         _num(r.delta, digits, self.lang)])
        self.projection_table.value = _table(
            "ks-projection", [self._t("col_metric_final"), self._t("baseline"),
                              self._t("candidate"), self._t("col_delta")], rows)
        self.projection_status.value = '<span class="ks-done">' + html.escape(self._t(
            "projection_done", s=_num(result.elapsed_s, 1, self.lang), periods=result.periods,
            replications=result.replications)) + "</span>"

    # ------------------------------------------------------------ assumption and robustness

    def _show_assumption(self) -> None:
        """The candidate's initial-understanding assumption with its range (every change)."""
        a, b = self.state.candidate().understanding, self.state.baseline.understanding
        n = functools.partial(_num, digits=2, lang=self.lang)
        self.assumption.value = html.escape(self._t(
            "assumption", value=n(a.value), low=n(a.low), high=n(a.high), base=n(b.value)))

    def start_robustness(self) -> bool:
        """Test the candidate design over the plausible ranges (Morris screening, small budget)
        in the background; a click while a test runs is ignored (returns False)."""
        from kinerja_sim.batch.robustness import ROBUSTNESS_QUICK, plausible_ranges

        if self._robustness_running:
            self.robustness_status.value = html.escape(self._t("robustness_busy"))
            return False
        candidate, baseline = self.state.candidate(), self.state.baseline
        key = self.state.design_key()
        k = len(plausible_ranges())
        q = ROBUSTNESS_QUICK
        self._robustness_running = True
        self.robustness_status.value = '<span class="ks-working">&#8987; ' + html.escape(
            self._t("robustness_working", k=k, n=q["trajectories"] * (k + 1),
                    periods=q["periods"], replications=q["replications"])) + "</span>"
        lang = self.lang

        def work():
            import time

            from kinerja_sim.batch.robustness import robustness_of

            start = time.perf_counter()
            result = robustness_of([candidate], baseline, progress=False, lang=lang, **q)
            return key, result, time.perf_counter() - start

        self.scheduler.background(work, self._guard("robustness", self._robustness_done))
        return True

    def _robustness_done(self, keyed, error: BaseException | None) -> None:
        from kinerja_sim.batch.robustness import tornado_figure
        from kinerja_sim.report.files import figure_png

        self._robustness_running = False
        if error is not None:
            self.robustness_status.value = ""
            self.show_error("robustness", error)
            return
        key, result, elapsed = keyed
        self.last_robustness, self._robustness_key = result, key
        rows = [[html.escape(t(f"metric.{r.metric}", self.lang)),
                 _num(100 * r.share_better, 0, self.lang) + " %", html.escape(r.verdict)]
                for r in result.summary.itertuples()]
        self.robustness_table.value = _table(
            "ks-robustness", [self._t("robustness_col_metric"), self._t("robustness_col_share"),
                              self._t("robustness_col_verdict")], rows)
        import matplotlib.pyplot as plt

        fig = tornado_figure(result, result.summary["scenario"].iloc[0], self.lang)
        self.robustness_chart.value = figure_png(fig)
        plt.close(fig)
        status = "robustness_done" if key == self.state.design_key() else "robustness_outdated"
        self.robustness_status.value = '<span class="ks-done">' + html.escape(
            self._t(status, s=_num(elapsed, 0, self.lang))) + "</span>"


def designer(workforce=None, preset: str | Path = "kpi_objektif_binjai",
             baseline: str | Path = "status_quo", *, lang: str = "id", periods: int = 8,
             replications: int = 5, debounce_s: float = 1.0, auto_projection: bool = True,
             scheduler: Scheduler | None = None, save_dir: str | Path | None = None
             ) -> DesignerApp:
    """The weight designer app (an ipywidgets ``VBox``); display it in a notebook or Voila.

    ``workforce``: a Workforce or profile name (default: the baseline scenario's own, Binjai).
    ``scheduler``: when the projection runs (default: debounced in a background thread;
    pass :class:`ManualScheduler` to run it synchronously in tests).
    ``save_dir``: default folder of "Simpan skenario" (default ``./rancangan``).
    """
    if lang not in ("id", "en"):
        raise ValueError("lang must be 'id' or 'en'")
    state = ds.DesignState(workforce, preset, baseline)
    return DesignerApp(state, lang=lang, periods=periods, replications=replications,
                       scheduler=scheduler, auto_projection=auto_projection,
                       save_dir=save_dir, debounce_s=debounce_s)
