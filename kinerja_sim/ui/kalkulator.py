"""The sosialisasi calculator: "what would my predikat be?" for one employee (ipywidgets).

An anxious employee in a training room types in the targets and realisations of their own
indicators and their seven BerAKHLAK ratings, and sees each step the way the regulation takes
it: capaian and level per IKI, the two ratings, their cell of the 3x3 matrix, the predikat,
what the SE 03/2023 curve could do to it in their OPD, an estimated monthly TPP, and what the
old PP 46/2011 would have said. Every number comes with one plain sentence from the label table
(Bahasa Indonesia by default, English on the switch).

All numbers come from :mod:`kinerja_sim.schemes.single`, which runs the schemes' own public
functions, so the calculator cannot disagree with the simulation. Entries outside their range
get a message next to the field (from :func:`~kinerja_sim.schemes.single.problems`), never a
traceback; an unexpected error is shown in plain words in the results area.

Every call of :func:`kalkulator` builds fresh widgets and state: under Voila's preheated kernel
pool each visitor gets a kernel that has built its own calculator.
"""

from __future__ import annotations

import html
import math
from functools import lru_cache

import ipywidgets as widgets

from kinerja_sim.indicators import default_catalogue
from kinerja_sim.labels import LANGUAGES, t
from kinerja_sim.params import load_yaml
from kinerja_sim.schemes import permenpanrb_6_2022 as p6
from kinerja_sim.schemes.base import BERAKHLAK, JENIS_JABATAN, ORG_PREDIKAT, RATING_LEVELS
from kinerja_sim.schemes.distribution import LABELS
from kinerja_sim.schemes.single import (
    Appraisal,
    Employee,
    Iki,
    appraise,
    curve_outcomes,
    problems,
)

__all__ = ["kalkulator", "Kalkulator", "defaults", "rumpun_indicators", "fmt_number",
           "fmt_rupiah", "MAX_IKI", "CSS"]

MAX_IKI = 3
STRUKTURAL = "struktural"
CSS = """<style>
.kk-app {max-width: 1250px; font-size: 14px;}
.kk-msg {color: #b00020; font-weight: 600;}
.kk-head {font-weight: 700; font-size: 15px; margin-top: 10px;}
.kk-predikat {font-size: 20px; font-weight: 700; padding: 6px 10px; background: #e8f0fe;
  border-radius: 6px;}
table.kk-matrix {border-collapse: collapse; margin: 4px 0;}
table.kk-matrix td, table.kk-matrix th {border: 1px solid #999; padding: 4px 8px;
  text-align: center; font-size: 13px;}
table.kk-matrix td.kk-here {background: #ffd54f; font-weight: 700; outline: 3px solid #e65100;}
.kk-sentence {margin: 2px 0 6px 0; line-height: 1.35;}
</style>"""


@lru_cache(maxsize=1)
def defaults() -> dict:
    """The calculator's starting values (``data/sosialisasi.yaml``, block ``kalkulator``)."""
    return dict(load_yaml("sosialisasi.yaml")["kalkulator"])


def rumpun_indicators(rumpun: str) -> list[tuple[str, bool]]:
    """(indicator name, utama) of a rumpun's SKP in the catalogue (``struktural`` = unit head)."""
    a = default_catalogue().assignment
    slots = a.structural if rumpun == STRUKTURAL else a.by_rumpun[rumpun]
    return [(n, True) for n in slots.utama] + [(n, False) for n in slots.tambahan]


def rumpun_choices() -> list[str]:
    return [*default_catalogue().assignment.by_rumpun, STRUKTURAL]


def fmt_number(x: float, lang: str, digits: int = 1) -> str:
    """``1234.5`` -> ``1.234,5`` (id) or ``1,234.5`` (en); whole numbers without decimals."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    whole = digits == 0 or float(x).is_integer()
    text = f"{x:,.0f}" if whole else f"{x:,.{digits}f}"
    if lang == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def fmt_rupiah(x: float, lang: str) -> str:
    return "Rp " + fmt_number(round(x), lang, 0)


def _esc(x: object) -> str:
    return html.escape(str(x))


class _IkiRow:
    """The widgets of one IKI slot."""

    def __init__(self) -> None:
        self.name = widgets.HTML()
        self.target = widgets.FloatText(layout=widgets.Layout(width="150px"))
        self.realisation = widgets.FloatText(layout=widgets.Layout(width="150px"))
        self.missing = widgets.Checkbox(indent=False, layout=widgets.Layout(width="auto"))
        self.utama = widgets.Checkbox(indent=False, layout=widgets.Layout(width="auto"))
        self.msg_target = widgets.HTML()
        self.msg_realisation = widgets.HTML()
        self.indicator: str | None = None
        for w in (self.msg_target, self.msg_realisation):
            w.add_class("kk-msg")
        self.box = widgets.VBox([
            self.name,
            widgets.HBox([self.target, self.msg_target]),
            widgets.HBox([self.realisation, self.missing, self.utama, self.msg_realisation]),
        ])

    def inputs(self) -> list[widgets.Widget]:
        return [self.target, self.realisation, self.missing, self.utama]


class Kalkulator:
    """The calculator's widgets and state; :attr:`app` is the widget to display."""

    def __init__(self, lang: str = "id", rumpun: str | None = None,
                 opd_size: int | None = None) -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"lang must be one of {LANGUAGES}")
        d = defaults()
        self.lang = lang
        self.opd_size = int(opd_size or d["curve_opd_size"])
        self.params6 = p6.default_params()
        self.cat = default_catalogue()
        self.appraisal: Appraisal | None = None
        self._updating = False
        lay = widgets.Layout(width="470px")
        style = {"description_width": "270px"}

        self.language = widgets.ToggleButtons(options=[("Bahasa Indonesia", "id"),
                                                       ("English", "en")], value=lang)
        self.title = widgets.HTML()
        self.rumpun = widgets.Dropdown(layout=lay, style=style)
        self.jenis_jabatan = widgets.Dropdown(options=list(JENIS_JABATAN),
                                              value=d["jenis_jabatan"], layout=lay, style=style)
        self.kelas_jabatan = widgets.IntText(value=d["kelas_jabatan"], layout=lay, style=style)
        self.org_predikat = widgets.Dropdown(options=list(reversed(ORG_PREDIKAT)),
                                             value=d["org_predikat"], layout=lay, style=style)
        self.iki_rows = [_IkiRow() for _ in range(MAX_IKI)]
        self.perilaku = [widgets.FloatText(value=float(d["perilaku"]), layout=lay, style=style)
                         for _ in BERAKHLAK]
        self.days_absent = widgets.FloatText(value=0.0, layout=lay, style=style)
        self.late = [widgets.FloatText(value=0.0, layout=widgets.Layout(width="118px"),
                                       style={"description_width": "40px"}) for _ in range(4)]
        self.quality = widgets.FloatText(value=float(d["quality"]), layout=lay, style=style)
        self.time_target = widgets.FloatText(value=float(d["time_target"]), layout=lay,
                                             style=style)
        self.time_realisation = widgets.FloatText(value=float(d["time_realisation"]),
                                                  layout=lay, style=style)
        self.msg: dict[str, widgets.HTML] = {}
        for key in ["kelas_jabatan", "days_absent", "late", "quality", "time_target",
                    "time_realisation", *[f"perilaku.{j}" for j in range(len(BERAKHLAK))]]:
            self.msg[key] = widgets.HTML()
            self.msg[key].add_class("kk-msg")
        for k, row in enumerate(self.iki_rows):
            self.msg[f"iki.{k}.target"] = row.msg_target
            self.msg[f"iki.{k}.realisation"] = row.msg_realisation

        self.heads = {k: widgets.HTML() for k in (
            "section_position", "section_iki", "section_perilaku", "section_attendance",
            "section_pp46", "section_results", "head_iki", "head_ratings", "head_matrix",
            "head_predikat", "head_curve", "head_tpp", "head_pp46")}
        self.notice = widgets.HTML()
        self.notice.add_class("kk-msg")
        self.out_iki = widgets.HTML()
        self.out_ratings = widgets.HTML()
        self.out_matrix = widgets.HTML()
        self.out_predikat = widgets.HTML()
        self.out_predikat.add_class("kk-predikat")
        self.out_predikat_note = widgets.HTML()
        self.out_curve = widgets.HTML()
        self.out_tpp = widgets.HTML()
        self.out_pp46 = widgets.HTML()
        self.results = widgets.VBox([
            self.heads["section_results"], self.notice,
            self.heads["head_iki"], self.out_iki,
            self.heads["head_ratings"], self.out_ratings,
            self.heads["head_matrix"], self.out_matrix,
            self.heads["head_predikat"], self.out_predikat, self.out_predikat_note,
            self.heads["head_curve"], self.out_curve,
            self.heads["head_tpp"], self.out_tpp,
            self.heads["head_pp46"], self.out_pp46,
        ])
        self._tag()

        def field(w, key):
            return widgets.HBox([w, self.msg[key]])

        form = widgets.VBox([
            self.heads["section_position"], self.rumpun, self.jenis_jabatan,
            field(self.kelas_jabatan, "kelas_jabatan"), self.org_predikat,
            self.heads["section_iki"], *[r.box for r in self.iki_rows],
            self.heads["section_perilaku"],
            *[field(w, f"perilaku.{j}") for j, w in enumerate(self.perilaku)],
            self.heads["section_attendance"], field(self.days_absent, "days_absent"),
            self._late_label(), widgets.HBox([*self.late, self.msg["late"]]),
            self.heads["section_pp46"], field(self.quality, "quality"),
            field(self.time_target, "time_target"),
            field(self.time_realisation, "time_realisation"),
        ])
        # form and results side by side (results stay in view while typing); they wrap
        # under each other on a narrow screen
        form.layout = widgets.Layout(width="560px", min_width="480px")
        self.results.layout = widgets.Layout(flex="1 1 380px", min_width="360px",
                                             padding="0 0 0 16px")
        columns = widgets.HBox([form, self.results],
                               layout=widgets.Layout(flex_flow="row wrap",
                                                     align_items="flex-start"))
        self.app = widgets.VBox([widgets.HTML(CSS), self.language, self.title, columns])
        self.app.add_class("kk-app")
        self.app.kalkulator = self  # tests and notebooks reach the state through the widget

        self._relabel()
        self._set_rumpun_options(rumpun or d["rumpun"])
        self._load_rumpun()
        self.language.observe(self._on_language, names="value")
        self.rumpun.observe(self._on_rumpun, names="value")
        for w in self._inputs():
            w.observe(self._on_change, names="value")
        self.refresh()

    # ----------------------------------------------------------------- building
    def _late_label(self) -> widgets.HTML:
        self._late_html = widgets.HTML()
        return self._late_html

    def _tag(self) -> None:
        """Stable CSS classes, so a browser test can find the fields in the page."""
        self.rumpun.add_class("kk-rumpun")
        self.org_predikat.add_class("kk-org-predikat")
        self.kelas_jabatan.add_class("kk-kelas")
        for k, row in enumerate(self.iki_rows):
            row.target.add_class(f"kk-target-{k}")
            row.realisation.add_class(f"kk-realisation-{k}")
            row.missing.add_class(f"kk-missing-{k}")
        for j, w in enumerate(self.perilaku):
            w.add_class(f"kk-perilaku-{j}")
        for key, w in self.msg.items():  # e.g. kk-msg-perilaku-3, kk-msg-iki-0-target
            w.add_class("kk-msg-" + key.replace(".", "-"))
        for name in ("out_iki", "out_ratings", "out_matrix", "out_curve", "out_tpp",
                     "out_pp46"):
            getattr(self, name).add_class(f"kk-{name.removeprefix('out_')}")

    def _inputs(self) -> list[widgets.Widget]:
        out = [self.jenis_jabatan, self.kelas_jabatan, self.org_predikat, *self.perilaku,
               self.days_absent, *self.late, self.quality, self.time_target,
               self.time_realisation]
        for row in self.iki_rows:
            out += row.inputs()
        return out

    def _set_rumpun_options(self, value: str) -> None:
        self._updating = True
        try:
            self.rumpun.options = [(t(f"kalkulator.rumpun.{r}", self.lang), r)
                                   for r in rumpun_choices()]
            self.rumpun.value = value
        finally:
            self._updating = False

    def _load_rumpun(self) -> None:
        """Prefill the IKI rows with the rumpun's catalogue indicators (realisation = target)."""
        self._updating = True
        try:
            slots = rumpun_indicators(self.rumpun.value)
            for k, row in enumerate(self.iki_rows):
                if k < len(slots):
                    name, utama = slots[k]
                    spec = self.cat.indicators[name]
                    row.indicator = name
                    row.target.value = float(spec.target)
                    row.realisation.value = float(spec.target)
                    row.missing.value = False
                    row.utama.value = utama
                    row.box.layout.display = None
                else:
                    row.indicator = None
                    row.box.layout.display = "none"
            self._relabel_iki()
        finally:
            self._updating = False

    def _relabel_iki(self) -> None:
        lang = self.lang
        for row in self.iki_rows:
            if row.indicator is None:
                continue
            spec = self.cat.indicators[row.indicator]
            direction = t(f"kalkulator.direction_{spec.direction}", lang)
            row.name.value = (f"<b>{_esc(getattr(spec.label, lang))}</b> "
                              f"({_esc(spec.unit)}; {_esc(direction)})")
            row.target.description = t("kalkulator.target", lang)
            row.realisation.description = t("kalkulator.realisation", lang)
            row.missing.description = t("kalkulator.missing", lang)
            row.utama.description = t("kalkulator.utama", lang)

    def _relabel(self) -> None:
        lang = self.lang
        self.title.value = (f"<h3>{_esc(t('kalkulator.title', lang))}</h3>"
                            f"<p>{_esc(t('kalkulator.intro', lang))}</p>")
        for key, w in self.heads.items():
            w.value = f"<div class='kk-head'>{_esc(t(f'kalkulator.{key}', lang))}</div>"
        self.rumpun.description = t("kalkulator.rumpun", lang)
        self.jenis_jabatan.description = t("kalkulator.jenis_jabatan", lang)
        self.kelas_jabatan.description = t("kalkulator.kelas_jabatan", lang)
        self.org_predikat.description = t("kalkulator.org_predikat", lang)
        for name, w in zip(BERAKHLAK, self.perilaku, strict=True):
            w.description = t(f"kalkulator.berakhlak.{name}", lang)
        self.days_absent.description = t("kalkulator.days_absent", lang)
        self._late_html.value = _esc(t("kalkulator.late", lang))
        for j, w in enumerate(self.late):
            w.description = f"TL{j + 1}"
        self.quality.description = t("kalkulator.quality", lang)
        self.time_target.description = t("kalkulator.time_target", lang)
        self.time_realisation.description = t("kalkulator.time_realisation", lang)
        self._relabel_iki()

    # ----------------------------------------------------------------- events
    def _on_language(self, change) -> None:
        self.lang = change["new"]
        self._relabel()
        self._set_rumpun_options(self.rumpun.value)
        self.refresh()

    def _on_rumpun(self, change) -> None:
        if self._updating:
            return
        self._load_rumpun()
        self.refresh()

    def _on_change(self, change) -> None:
        if not self._updating:
            self.refresh()

    # ----------------------------------------------------------------- computing
    def employee(self) -> Employee:
        """The entries as a :class:`~kinerja_sim.schemes.single.Employee`."""
        iki = tuple(
            Iki(row.indicator, row.target.value,
                None if row.missing.value else row.realisation.value, utama=row.utama.value,
                quality=self.quality.value, time_target=self.time_target.value,
                time_realisation=self.time_realisation.value)
            for row in self.iki_rows if row.indicator is not None)
        return Employee(iki=iki, perilaku=tuple(w.value for w in self.perilaku),
                        jenis_jabatan=self.jenis_jabatan.value,
                        kelas_jabatan=self.kelas_jabatan.value,
                        org_predikat=self.org_predikat.value,
                        days_absent=self.days_absent.value,
                        late=tuple(w.value for w in self.late))

    def _show_problems(self, emp: Employee) -> bool:
        """Put each range problem next to its field; True when there are none."""
        for w in self.msg.values():
            w.value = ""
        found = problems(emp, self.cat)
        for p in found:
            key = p.field
            if key.startswith("late."):
                key = "late"
            elif key.startswith("iki.") and key.split(".")[2] in (
                    "quality", "time_target", "time_realisation"):
                key = key.split(".")[2]
            text = t(f"kalkulator.problem.{p.code}", self.lang, low=fmt_number(p.low, self.lang)
                     if p.low is not None else "", high=fmt_number(p.high, self.lang)
                     if p.high is not None else "")
            if key in self.msg:
                self.msg[key].value = "⚠ " + _esc(text)
        return not found

    def _clear_results(self) -> None:
        for w in (self.out_iki, self.out_ratings, self.out_matrix, self.out_predikat,
                  self.out_predikat_note, self.out_curve, self.out_tpp, self.out_pp46):
            w.value = ""

    def refresh(self) -> None:
        """Recompute everything from the current entries (called on every change)."""
        self.notice.value = ""
        try:
            emp = self.employee()
            if not self._show_problems(emp):
                self.appraisal = None
                self._clear_results()
                self.notice.value = _esc(t("kalkulator.fix_inputs", self.lang))
                return
            self.appraisal = appraise(emp, params6=self.params6, cat=self.cat)
            self._render(emp, self.appraisal)
        except Exception as err:  # shown in the app in plain words, never lost in a log
            self.appraisal = None
            self._clear_results()
            self.notice.value = _esc(t("kalkulator.error", self.lang, message=err))

    # ----------------------------------------------------------------- rendering
    def _render(self, emp: Employee, a: Appraisal) -> None:
        lang = self.lang
        par = self.params6
        num = lambda x, d=1: fmt_number(x, lang, d)  # noqa: E731
        sent = lambda s: f"<div class='kk-sentence'>{_esc(s)}</div>"  # noqa: E731

        lines = []
        for iki, cap, lvl in zip(emp.iki, a.capaian, a.iki_level, strict=True):
            spec = self.cat.indicators[iki.indicator]
            name = getattr(spec.label, lang)
            level = RATING_LEVELS[lvl]
            if iki.realisation is None:
                text = t("kalkulator.capaian_missing", lang, name=name, level=level)
            else:
                text = t(f"kalkulator.capaian_{spec.direction}", lang, name=name,
                         value=num(cap), r=num(iki.realisation, 2), t=num(iki.target, 2),
                         level=level)
            lines.append(sent(text))
        lines.append(sent(t("kalkulator.level_rule", lang, sesuai=num(par.hasil.sesuai_from),
                            atas=num(par.hasil.atas_from))))
        self.out_iki.value = "".join(lines)

        n = len(a.iki_level)
        self.out_ratings.value = sent(t(
            "kalkulator.rating_hasil", lang, rating=RATING_LEVELS[a.rating_hasil],
            n=n, n_atas=sum(v == 2 for v in a.iki_level),
            n_bawah=sum(v == 0 for v in a.iki_level))) + sent(t(
                "kalkulator.rating_perilaku", lang, rating=RATING_LEVELS[a.rating_perilaku],
                n_atas=sum(v == 2 for v in a.perilaku_level),
                n_bawah=sum(v == 0 for v in a.perilaku_level),
                atas=num(par.perilaku.atas_from), sesuai=num(par.perilaku.sesuai_from)))

        predikat = LABELS[a.predikat]
        self.out_matrix.value = matrix_html(par, a.rating_hasil, a.rating_perilaku) + sent(t(
            "kalkulator.matrix_sentence", lang, hasil=RATING_LEVELS[a.rating_hasil],
            perilaku=RATING_LEVELS[a.rating_perilaku], predikat=predikat))
        self.out_predikat.value = _esc(t("kalkulator.predikat_value", lang, predikat=predikat))
        self.out_predikat_note.value = sent(t("kalkulator.predikat_sentence", lang))

        curve = curve_outcomes(a.predikat, emp.org_predikat, self.opd_size, par.distribution)
        outcomes = ", ".join(LABELS[c] for c in reversed(curve.possible))
        if curve.possible == (a.predikat,):
            key = "kalkulator.curve_none"
        elif a.predikat not in curve.possible:
            key = "kalkulator.curve_always"
        else:
            key = "kalkulator.curve_may"
        self.out_curve.value = sent(t(key, lang, org=emp.org_predikat, n=self.opd_size,
                                      predikat=predikat, outcomes=outcomes))

        from kinerja_sim.schemes import tpp

        tp = tpp.default_params()
        split = tp.effective_split
        factor = tp.kinerja_factor.by_code[a.predikat]
        money = a.tpp
        text = t("kalkulator.tpp_sentence", lang, kelas=int(emp.kelas_jabatan),
                 base=fmt_rupiah(money["tpp_base"], lang), kinerja_pct=num(split.kinerja * 100),
                 factor=num(factor * 100), predikat=predikat,
                 disiplin_pct=num(split.disiplin * 100),
                 cut=num(min(money["deduction_pct"], 100.0)),
                 total=fmt_rupiah(money["tpp_total"], lang))
        others = [c for c in reversed(curve.possible) if c != a.predikat]
        out = sent(text)
        if others:
            out += sent(t("kalkulator.tpp_others", lang, amounts="; ".join(
                f"{LABELS[c]} {fmt_rupiah(a.tpp_by_predikat[c], lang)}" for c in others)))
        self.out_tpp.value = out + sent(t("kalkulator.tpp_note", lang))

        self.out_pp46.value = sent(t(
            "kalkulator.pp46_sentence", lang, score=num(a.pp46_score), skp=num(a.pp46_skp),
            perilaku=num(a.pp46_perilaku), band=a.pp46_labels[a.pp46_predikat])) + sent(
            t("kalkulator.pp46_skp_note", lang))


def matrix_html(params: p6.Params, hasil: int | None = None, perilaku: int | None = None
                ) -> str:
    """The 3x3 matrix of the scheme's parameters as an HTML table, one cell highlighted."""
    head = "".join(f"<th>{_esc(p)}</th>" for p in RATING_LEVELS)
    rows = []
    for h in reversed(range(3)):
        hl = RATING_LEVELS[h]
        cells = []
        for p, pl in enumerate(RATING_LEVELS):
            here = " class='kk-here'" if (h, p) == (hasil, perilaku) else ""
            cells.append(f"<td{here}>{_esc(params.matrix.cells[hl][pl])}</td>")
        rows.append(f"<tr><th>{_esc(hl)}</th>{''.join(cells)}</tr>")
    return f"<table class='kk-matrix'><tr><th></th>{head}</tr>{''.join(rows)}</table>"


def kalkulator(lang: str = "id", rumpun: str | None = None, opd_size: int | None = None
               ) -> widgets.VBox:
    """Build the calculator and return its app widget (display it in a notebook or Voila).

    ``lang`` "id" (default) or "en" (the app has a switch too); ``rumpun`` picks the prefilled
    indicators (default from ``data/sosialisasi.yaml``); ``opd_size`` is the OPD size for what
    the SE 03/2023 curve could do. The state is at ``app.kalkulator`` (a :class:`Kalkulator`).
    """
    return Kalkulator(lang=lang, rumpun=rumpun, opd_size=opd_size).app
