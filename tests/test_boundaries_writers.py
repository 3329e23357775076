"""Every file the project writes goes through the one writer layer and is inert."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from kinerja_sim.report.files import html_escape, html_table, is_inert, write_html

ROOT = Path(__file__).resolve().parent.parent


def test_a_hostile_scenario_name_is_inert_in_every_sheet_of_the_comparison(tmp_path):
    from kinerja_sim import simulate
    from kinerja_sim.compare import compare
    from kinerja_sim.report import write_comparison
    from kinerja_sim.scenario import load_scenario
    from kinerja_sim.workforce import synthesize

    wf = synthesize("binjai", seed=2, n=300)
    evil = '=HYPERLINK("http://contoh.invalid","klik")'
    base = simulate(wf, load_scenario("status_quo"), seed=1, periods=1, replications=1)
    reform_sc = load_scenario("permenpanrb_6_2022_kurva", {"name": evil})
    assert reform_sc.name == evil
    reform = simulate(wf, reform_sc, seed=1, periods=1, replications=1)
    path = write_comparison(compare(base, reform), tmp_path / "banding.xlsx")
    wb = openpyxl.load_workbook(path)
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f" and is_inert(c.value), (ws.title, c.coordinate)
                seen += c.value == "'" + evil
    assert seen >= 3  # the name is there (ringkasan, menang_kalah, tentang, ...), as text


def test_no_module_writes_spreadsheets_or_html_around_the_writer_layer():
    """Sibling writers found by grep: only report/files.py may call to_excel/to_csv/
    ExcelWriter/Workbook.save or open a file for writing."""
    pattern = re.compile(r"\.to_excel\(|\.to_csv\(|ExcelWriter\(|\.save\(|\.to_html\(|"
                         r"open\([^)]*['\"]w|\.write_text\(|\.write_bytes\(|\.savefig\(")
    # not files: the two ends of the pipes between the batch runner and its kernel template
    pipes = {"kinerja_sim/batch/forkserver.py": "os.fdopen("}
    offenders = []
    for path in (ROOT / "kinerja_sim").rglob("*.py"):
        if path.name == "files.py" and path.parent.name == "report":
            continue
        rel = str(path.relative_to(ROOT))
        for i, line in enumerate(path.read_text().splitlines(), 1):
            if pipes.get(rel, "\0") in line:
                continue
            if pattern.search(line) and not line.lstrip().startswith("#"):
                offenders.append(f"{rel}:{i}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_html_helpers_escape_data_and_forbid_scripts(tmp_path):
    import pandas as pd

    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    df = pd.DataFrame({evil: [evil, "ok"]})
    page = write_html(tmp_path / "r.html", ["<b>" + evil, html_table(df)], title=evil,
                      footer=evil).read_text()
    assert "<script" not in page and "<img" not in page and "onerror=alert" not in page.replace(
        "onerror=alert(1)&gt;", "")
    assert page.count(str(html_escape(evil))) >= 4
    assert "Content-Security-Policy" in page and "default-src &#x27;none&#x27;" in page


@pytest.mark.parametrize("value", ["=1", " =1", "\t=1", "+1", "-1", "@x", "\r=1", "\n=1",
                                   "\u00a0=1"])
def test_is_inert_rejects_every_trigger(value):
    assert not is_inert(value) and is_inert("'" + value)
