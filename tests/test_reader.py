"""The employee-file reader (``kinerja_sim.workforce.reader``) on its own: the exact problem of
every unreadable file (file, location, message, expectation, as docs/data.md promises: say what
is wrong and how to fix it in Excel), and what a readable CSV/XLSX becomes (text cells, row
numbers, formula and number marks). Mutation testing found most of these parts checked only by
substrings or not at all. Expected texts are written from the documented message format
(kinerja_sim/errors.py ``Problem``) and the fix advice, not taken from a run."""

from __future__ import annotations

import datetime as dt
import re
import zipfile

import numpy as np
import openpyxl
import pytest

from kinerja_sim.errors import InputError, Problem
from kinerja_sim.workforce import reader
from kinerja_sim.workforce.reader import (
    column_letter,
    normalise_header,
    read_table,
    show_value,
)

HEADER_ADVICE = "a header row with the column names and one row per employee"
SAVE_AS_UTF8 = ("a CSV saved as UTF-8: in Excel use File > Save As > 'CSV UTF-8 (Comma "
                "delimited) (*.csv)'; in LibreOffice Calc use Save As > Text CSV, tick 'Edit "
                "filter settings' and choose character set 'Unicode (UTF-8)'")
QUOTE_ADVICE = 'values with commas, quotes or line breaks enclosed in double quotes ("...")'
WIDTH_ADVICE = "one column per schema field (docs/data.md)"
UNMERGE = ("one value per cell: select the range and use Merge & Center > Unmerge Cells, then "
           "fill every cell")


def read_problems(path, **kw) -> list[Problem]:
    with pytest.raises(InputError) as ei:
        read_table(path, **kw)
    return ei.value.problems


def one(path, **kw) -> tuple:
    probs = read_problems(path, file="f", **kw)
    assert len(probs) == 1, probs
    p = probs[0]
    return p.file, p.location, p.message, p.column, p.expected


def csv_file(tmp_path, data: bytes | str, name: str = "p.csv"):
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def xlsx_file(tmp_path, rows, *, sheet="pegawai", name="p.xlsx", merge=(), extra_sheets=()):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    for ref in merge:
        ws.merge_cells(ref)
    for s in extra_sheets:
        wb.create_sheet(s)
    path = tmp_path / name
    wb.save(path)
    return path


# -- files that cannot be read -------------------------------------------------------------


def test_missing_file_and_directory_are_named_with_the_path_by_default(tmp_path):
    missing = tmp_path / "tidak_ada.csv"
    assert read_problems(missing) == [Problem(str(missing), "", "file not found")]
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    assert one(folder) == ("f", "", "this is a directory, not a file", None,
                           "a .csv or .xlsx file")


@pytest.mark.parametrize("name, what", [
    ("p.txt", "unsupported file type '.txt'"),
    ("p.xls", "unsupported file type '.xls' (old Excel format: open it in Excel and Save As "
              ".xlsx)"),
    ("pegawai", "unsupported file type '(no extension)'"),
])
def test_unsupported_file_types_say_what_to_send(tmp_path, name, what):
    path = csv_file(tmp_path, "nip\n1\n", name)
    assert one(path) == ("f", "", what, None, "a .csv file (UTF-8) or an Excel .xlsx workbook")


def test_extensions_are_matched_case_insensitively_and_xlsm_is_a_workbook(tmp_path):
    t = read_table(csv_file(tmp_path, "nip,opd\n1,2\n", "P.CSV"))
    assert t.header == ["nip", "opd"] and t.data.values.tolist() == [["1", "2"]]
    src = xlsx_file(tmp_path, [["nip", "opd"], ["1", "2"]])
    macro = tmp_path / "p.xlsm"
    macro.write_bytes(src.read_bytes())
    t = read_table(macro)
    assert t.header == ["nip", "opd"] and t.data.values.tolist() == [["1", "2"]]


def test_empty_csv_and_workbooks_named_csv(tmp_path):
    assert one(csv_file(tmp_path, b"")) == ("f", "", "the file is empty (0 bytes)", None,
                                            HEADER_ADVICE)
    assert one(csv_file(tmp_path, b"PK\x03\x04rest")) == (
        "f", "", "this is an Excel workbook (.xlsx) with a .csv name", None,
        "rename it to .xlsx, or save it from Excel as 'CSV UTF-8'")
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 20
    assert one(csv_file(tmp_path, ole)) == (
        "f", "", "this is an old Excel (.xls) workbook with a .csv name", None, SAVE_AS_UTF8)


def test_unreadable_csv_names_the_os_error(tmp_path, monkeypatch):
    path = csv_file(tmp_path, "nip\n1\n")

    def refuse(self):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(reader.Path, "read_bytes", refuse)
    assert one(path) == ("f", "", "cannot read the file: Permission denied", None, None)


def test_non_utf8_csv_names_the_byte_the_line_and_the_likely_encoding(tmp_path):
    # cp1252 e-acute (0xE9) on line 3: the first two lines are plain ASCII
    path = csv_file(tmp_path, b"nip,nama\n1,Ani\n2,Caf\xe9\n")
    assert one(path) == (
        "f", "row 3", "the file is not UTF-8 text: byte 0xE9 on line 3 is not valid UTF-8; it "
        "was probably saved as plain 'CSV (Comma delimited)', which uses the Windows code page "
        "(e.g. cp1252). The loader does not guess encodings", None, SAVE_AS_UTF8)


@pytest.mark.parametrize("codec, first", [("utf-16-le", 0xFF), ("utf-16-be", 0xFE)])
def test_utf16_csv_is_recognised_by_either_byte_order_mark(tmp_path, codec, first):
    path = csv_file(tmp_path, "\ufeffnip,nama\n1,Ani\n".encode(codec))
    assert one(path) == (
        "f", "row 1", f"the file is not UTF-8 text: byte 0x{first:02X} on line 1 is not valid "
        "UTF-8; it looks like UTF-16 ('Unicode Text'). The loader does not guess encodings",
        None, SAVE_AS_UTF8)


@pytest.mark.parametrize("data", [b" \n\t\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf \n"])
def test_blank_or_bom_only_csv_has_no_data(tmp_path, data):
    assert one(csv_file(tmp_path, data)) == (
        "f", "", "the file contains no data (only blank space)", None, HEADER_ADVICE)


def test_header_of_1001_columns_is_refused_and_1000_read(tmp_path):
    wide = ",".join(f"c{j}" for j in range(1001)) + "\n" + ",".join("1" * 1001) + "\n"
    assert one(csv_file(tmp_path, wide)) == (
        "f", "row 1", "the header row has 1001 columns, more than the 1000 an employee file "
        "can have", None, WIDTH_ADVICE)
    ok = ",".join(f"c{j}" for j in range(1000)) + "\n" + ",".join("1" * 1000) + "\n"
    t = read_table(csv_file(tmp_path, ok, "ok.csv"))
    assert len(t.header) == 1000 and t.header[-1] == "c999" and t.data.shape == (1, 1000)


def test_header_record_wider_than_its_first_line_is_refused(tmp_path):
    # a quoted line break in the header: its first line shows 2 columns, the record has 1002
    text = 'a,"x\ny"' + "".join(f",c{j}" for j in range(1000)) + "\n"
    text += ",".join("1" * 1002) + "\n"
    assert one(csv_file(tmp_path, text)) == (
        "f", "", "the file has rows with 1002 values, more than the 1000 columns an employee "
        "file can have", None, WIDTH_ADVICE)


def test_rows_with_too_many_values_are_each_named_then_summarised(tmp_path):
    body = "".join(f"{i},x,extra\n" for i in range(22))  # spreadsheet rows 2..23
    probs = read_problems(csv_file(tmp_path, "nip;opd\n".replace(";", ",") + body), file="f")
    expected = [Problem("f", f"row {r}", "this row has 3 values but the header has 2 columns",
                        None, "no more values than header columns: a stray separator, or a ',' "
                        "inside an unquoted value?") for r in range(2, 22)]
    expected.append(Problem("f", "rows 22-23", "2 more rows with too many values"))
    assert probs == expected
    # with ';' as the separator the advice names ';'
    probs = read_problems(csv_file(tmp_path, "nip;opd\n1;x;y\n", "s.csv"), file="f")
    assert [p.expected for p in probs] == [
        "no more values than header columns: a stray separator, or a ';' inside an unquoted "
        "value?"]


def test_twenty_long_rows_are_all_listed_without_a_summary(tmp_path):
    body = "".join(f"{i},x,extra\n" for i in range(20))
    probs = read_problems(csv_file(tmp_path, "nip,opd\n" + body), file="f")
    assert [p.location for p in probs] == [f"row {r}" for r in range(2, 22)]


def test_unterminated_quote_is_a_csv_problem_at_its_line(tmp_path):
    path = csv_file(tmp_path, 'nip,opd\n1,ok\n2,"Dinas\n')
    # Python's csv module (strict) stops at the end of the text, line 3, inside the quote
    assert one(path) == ("f", "row 3", "cannot read the CSV: unexpected end of data", None,
                         QUOTE_ADVICE)


def test_csv_structure_without_a_named_cause_gets_the_generic_quoting_problem():
    # called only when pandas refused the text; if the csv module finds no long row and no
    # quoting error either, the problem is still reported (not an empty list)
    assert reader._csv_structure_problems("nip,opd\n1,2\n", ",", "f") == [
        Problem("f", "", "cannot read the CSV (malformed quoting)", None, QUOTE_ADVICE)]


# -- readable CSV ----------------------------------------------------------------------------


@pytest.mark.parametrize("sep", [",", ";", "\t"])
def test_separator_is_the_most_frequent_of_comma_semicolon_tab_in_the_header(tmp_path, sep):
    # Indonesian-locale Excel writes ';' and a decimal comma: '2,5' stays one value
    text = sep.join(["nip", "opd", "nilai"]) + "\n" + sep.join(["1", "Dinas A", "7"]) + "\n"
    t = read_table(csv_file(tmp_path, text))
    assert t.header == ["nip", "opd", "nilai"]
    assert t.data.values.tolist() == [["1", "Dinas A", "7"]]
    if sep == ";":
        t = read_table(csv_file(tmp_path, "nip;nilai\n1;2,5\n", "dec.csv"))
        assert t.data.values.tolist() == [["1", "2,5"]]


def test_csv_cells_are_stripped_bom_dropped_and_blank_rows_left_out_with_row_numbers(tmp_path):
    text = "\ufeffnip,opd\n 1 , A \n\n,\n2,\tB\n"
    t = read_table(csv_file(tmp_path, text))
    assert t.header == ["nip", "opd"]
    assert t.data.values.tolist() == [["1", "A"], ["2", "B"]]
    assert t.rows.tolist() == [2, 5]  # line 3 is blank, line 4 only a separator
    assert t.numeric == {} and t.formula == {}


def test_header_only_csv_has_no_rows(tmp_path):
    t = read_table(csv_file(tmp_path, "nip,opd\n"))
    assert t.header == ["nip", "opd"] and t.data.shape[0] == 0 and t.rows.tolist() == []


def test_many_separator_only_lines_are_dropped_with_the_row_numbers_kept(tmp_path):
    # 1,000 separator-only lines (the threshold of the pre-parse scan) between two employees,
    # one of them inside a quoted value that must stay
    text = "nip,opd\n1,A\n" + ",\n" * 1000 + '2,"B\n,\nC"\n'
    t = read_table(csv_file(tmp_path, text))
    assert t.data.values.tolist() == [["1", "A"], ["2", "B\n,\nC"]]
    assert t.rows.tolist() == [2, 1003]
    text = "nip,opd\n1,A\n" + " ; \r\n" * 0 + ",\n" * 1000 + "2,B"  # no final newline
    t = read_table(csv_file(tmp_path, text, "nofinal.csv"))
    assert t.data.values.tolist() == [["1", "A"], ["2", "B"]] and t.rows.tolist() == [2, 1003]


def test_blank_record_scan_counts_records_not_lines():
    # the scan itself: 1,000 blank lines are dropped; a quoted value spanning 3 lines is one
    # record (header 1, "1,A" 2, the quoted one 3), the blank records are spreadsheet rows
    # 4..1003, so "3,B" is row 1004
    text = 'nip,opd\n1,A\n2,"x\ny\nz"\n' + ",\n" * 1000 + "3,B\n"
    kept, rows = reader._without_blank_records(text, ",")
    assert kept == 'nip,opd\n1,A\n2,"x\ny\nz"\n3,B\n'
    assert rows.tolist() == [1, 2, 3, 1004] and rows.dtype == np.int64
    # quoted values that open and close on their line (4 quotes before the blank lines) do
    # not make the following lines "inside a quote": they are dropped
    text = 'nip,opd\n"1","A"\n' + ",\n" * 1000 + "2,B\n"
    kept, rows = reader._without_blank_records(text, ",")
    assert kept == 'nip,opd\n"1","A"\n2,B\n' and rows.tolist() == [1, 2, 1003]
    # blank means separators, spaces, tabs and CR (CRLF files) only: a value "X" is kept
    text = "nip,opd\r\n" + " ,\t,\r\n" * 1000 + "X,XX\r\n"
    kept, rows = reader._without_blank_records(text, ",")
    assert kept == "nip,opd\r\nX,XX\r\n" and rows.tolist() == [1, 1002]
    # 999 blank lines: below the threshold, the text is returned as it is
    text = "nip\n1\n" + ",\n" * 999
    assert reader._without_blank_records(text, ",") == (text, None)
    # a blank header line is still the header
    kept, rows = reader._without_blank_records(",\n" * 1001 + "1,2\n", ",")
    assert kept == ",\n1,2\n" and rows.tolist() == [1, 1002]


# -- XLSX --------------------------------------------------------------------------------------


def test_damaged_workbooks_name_the_failure(tmp_path):
    bad = csv_file(tmp_path, b"PK\x03\x04 not a zip", "rusak.xlsx")
    assert one(bad) == (
        "f", "", "cannot open the file as an Excel .xlsx workbook: it is damaged or not really "
        "an .xlsx file (BadZipFile)", None,
        "a workbook saved by Excel/LibreOffice as .xlsx, or a UTF-8 .csv")
    # a workbook whose sheet XML is cut: it opens, the sheet cannot be read
    good = xlsx_file(tmp_path, [["nip"], ["1"]])
    cut = tmp_path / "cut.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(cut, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            zout.writestr(item, data)
    file, loc, msg, col, exp = one(cut)
    assert (file, loc, col, exp) == ("f", "", None, "a workbook saved by Excel/LibreOffice as "
                                     ".xlsx")
    # the XML parser's error: xml.etree's ParseError, or lxml's XMLSyntaxError if installed
    m = re.fullmatch(r"cannot read sheet 'pegawai': the workbook is damaged \((\w+)\)", msg)
    assert m and m.group(1) in ("ParseError", "XMLSyntaxError")


def test_missing_sheet_lists_the_sheets_and_the_fix(tmp_path):
    path = xlsx_file(tmp_path, [["nip"]], sheet="Data Pegawai", extra_sheets=["Rekap"])
    assert one(path) == ("f", "", "the workbook has no sheet 'pegawai'; its sheets are: "
                         "'Data Pegawai', 'Rekap'", None,
                         "a sheet named 'pegawai': rename the sheet, or pass sheet=...")


def test_sheet_names_match_exactly_first_then_ignoring_case_and_blanks(tmp_path):
    path = xlsx_file(tmp_path, [["nip"], ["1"]], sheet="Pegawai ", extra_sheets=["pegawai"])
    wb = openpyxl.load_workbook(path)
    wb["pegawai"].append(["nip"])
    wb["pegawai"].append(["2"])
    wb.save(path)
    assert read_table(path).data.values.tolist() == [["2"]]  # the exact name wins
    assert read_table(path, sheet="PEGAWAI").data.values.tolist() == [["1"]]  # first match
    assert read_table(path, sheet=" pegawai ").data.values.tolist() == [["1"]]


def test_empty_sheet_is_named_as_it_is_in_the_workbook(tmp_path):
    path = xlsx_file(tmp_path, [], sheet="Pegawai")
    assert one(path) == ("f", "", "sheet 'Pegawai' is empty",
                         None, "a header row (row 1) with the column names and one row per "
                         "employee")
    blank = xlsx_file(tmp_path, [["  ", None]], name="blank.xlsx")  # blank text is no value
    assert one(blank)[2] == "sheet 'pegawai' is empty"


def test_sheet_wider_than_1000_columns_names_the_column(tmp_path):
    # column 1001 is ALM (A-Z 26, AA-ZZ 676 more = 702; the 299th three-letter column is ALM)
    path = xlsx_file(tmp_path, [["nip"] + [None] * 999 + ["x"]])
    assert one(path) == ("f", "", "the sheet has values in column ALM, beyond the 1000 columns "
                         "an employee file can have", None, WIDTH_ADVICE)
    ok = xlsx_file(tmp_path, [["nip"] + [None] * 998 + ["x"], ["1"]], name="ok.xlsx")
    t = read_table(ok)
    assert len(t.header) == 1000 and t.header[-1] == "x" and t.header[1] == ""


def test_merged_cells_in_the_table_are_listed_by_rows(tmp_path):
    rows = [["nip", "opd", "unit"], ["1", "A", "u"], ["2", "B", "v"], ["3", "C", "w"]]
    path = xlsx_file(tmp_path, rows, merge=["B2:B3", "C4:D4", "A9:A10", "F1:G1"])
    text = ("cells {} are merged: only the first cell of a merged range holds a value, the "
            "others would read as empty")
    # B2:B3 spans rows 2-3; C4:D4 is one row; A9:A10 lies below the last row and F1:G1 right
    # of the last column: both harmless
    assert read_problems(path, file="f") == [
        Problem("f", "rows 2-3", text.format("B2:B3"), None, UNMERGE),
        Problem("f", "row 4", text.format("C4:D4"), None, UNMERGE)]


def test_merges_at_the_last_row_and_column_count_and_at_most_20_are_listed(tmp_path):
    rows = [["nip", "opd"]] + [[str(i), "A"] for i in range(30)]  # rows 2..31, columns A-B
    path = xlsx_file(tmp_path, rows, merge=[f"A{r}:B{r}" for r in range(2, 32)])
    locations = [p.location for p in read_problems(path, file="f")]
    assert len(locations) == 20 and len(set(locations)) == 20  # 20 of the 30, each once
    assert set(locations) <= {f"row {r}" for r in range(2, 32)}
    edge = xlsx_file(tmp_path, rows[:3], merge=["B3:C3"], name="edge.xlsx")
    assert [p.location for p in read_problems(edge)] == ["row 3"]


def test_xlsx_cells_become_text_with_number_and_formula_marks(tmp_path):
    rows = [
        [" nip ", "opd", "n", "x", "flag", "tanggal", "f"],
        [198001012, "  Dinas A ", 7, 2.5, True, dt.datetime(2024, 1, 31), "=1+2"],
        [None, None, None, None, None, None, None],
        ["198001012005011002", "Dinas B", -3, 1e-7, False, dt.date(2024, 2, 29), "=SUM(C2:C4)"],
    ]
    t = read_table(xlsx_file(tmp_path, rows))
    assert t.header == ["nip", "opd", "n", "x", "flag", "tanggal", "f"]
    assert t.data.values.tolist() == [
        ["198001012", "Dinas A", "7", "2.5", "true", "2024-01-31T00:00:00", "=1+2"],
        ["198001012005011002", "Dinas B", "-3", "1e-07", "false", "2024-02-29T00:00:00",
         "=SUM(C2:C4)"]]
    assert t.rows.tolist() == [2, 4]  # row 3 is empty
    # numbers are marked only in identifier columns (an 18-digit NIP typed as a number loses
    # digits: Excel keeps 15)
    assert list(t.numeric) == [0] and t.numeric[0].tolist() == [True, False]
    assert list(t.formula) == [6] and t.formula[6].tolist() == [True, True]


def test_text_that_starts_with_equals_is_not_a_formula(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "pegawai"
    ws.append(["nip", "catatan"])
    ws.append(["1", None])
    ws["B2"].value = "=not a formula"
    ws["B2"].data_type = "s"
    path = tmp_path / "p.xlsx"
    wb.save(path)
    t = read_table(path)
    assert t.data.values.tolist() == [["1", "=not a formula"]] and t.formula == {}


def test_identifier_headers_are_recognised_after_normalising(tmp_path):
    rows = [["NIP Penilai", "ID-Pegawai", "usia"], [19800101, 12, 40]]
    t = read_table(xlsx_file(tmp_path, rows))
    assert sorted(t.numeric) == [0, 1] and t.numeric[0].tolist() == [True]
    assert t.numeric[1].tolist() == [True]


def test_xlsx_text_of_other_cell_types():
    assert reader._xlsx_text(dt.time(7, 30)) == "07:30:00"
    assert reader._xlsx_text(dt.timedelta(days=1, hours=2)) == "1 day, 2:00:00"
    assert reader._xlsx_text(" a ") == "a"
    assert reader._xlsx_text(10**20) == "100000000000000000000"
    assert reader._xlsx_text(0.1) == "0.1"

    class Other:
        def __str__(self):
            return "  lain  "
    assert reader._xlsx_text(Other()) == "lain"
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
    assert reader._xlsx_text(ArrayFormula("A1:A2", "=A1*2")) == "=A1*2"
    assert reader._xlsx_text(ArrayFormula("A1:A2", "A1*2")) == "=A1*2"
    # a formula with no text (an array formula's other cells; a What-If data table, which has
    # no text attribute at all) still reads as a formula: "="
    assert reader._xlsx_text(ArrayFormula("A1:A2")) == "="
    assert reader._xlsx_text(DataTableFormula(ref="A1:B2")) == "="


# -- helpers used in messages ---------------------------------------------------------------


def test_normalise_header_folds_case_blanks_and_dashes():
    assert normalise_header("  IKI1 Target ") == "iki1_target"
    assert normalise_header("nip-penilai") == "nip_penilai"
    assert normalise_header("a \t- b") == "a_b"
    assert normalise_header(7) == "7"


def test_column_letters_at_the_alphabet_boundaries():
    assert [column_letter(j) for j in (0, 1, 25, 26, 51, 52, 701, 702, 999, 16383)] == [
        "A", "B", "Z", "AA", "AZ", "BA", "ZZ", "AAA", "ALL", "XFD"]


def test_show_value_quotes_cuts_at_40_and_hides_runs_of_8_digits():
    assert show_value("abc") == "'abc'"
    assert show_value("x" * 40) == repr("x" * 40)
    assert show_value("x" * 41) == repr("x" * 37 + "...")
    assert show_value("y" * 10, limit=5) == "'yy...'"
    assert show_value("NIP 198001012005011001 salah") == "'NIP <18 digits> salah'"
    assert show_value("1234 5678") == "'<8 digits>'"
    assert show_value("1234-567") == "'1234-567'"  # 7 digits: not an identifier
    assert show_value("12.34.56.7") == "'12.34.56.7'"


def test_merges_in_a_header_only_sheet_and_in_a_sheet_without_a_header(tmp_path):
    text = ("cells {} are merged: only the first cell of a merged range holds a value, the "
            "others would read as empty")
    # header only: a merged header (row 1) is reported, a merge below it (row 2) is not
    path = xlsx_file(tmp_path, [["nip", None, "opd"]], merge=["A1:B1", "A2:B2"])
    assert read_problems(path, file="f") == [
        Problem("f", "row 1", text.format("A1:B1"), None, UNMERGE)]
    # nothing in row 1 (the header was deleted): the merge in the data is still reported
    path = xlsx_file(tmp_path, [[None], ["1", None]], merge=["A2:B2"], name="nohead.xlsx")
    assert read_problems(path, file="f") == [
        Problem("f", "row 2", text.format("A2:B2"), None, UNMERGE)]
    # and one right of every value (values in column A only, merge from column B) is not
    path = xlsx_file(tmp_path, [[None], ["1", None]], merge=["B2:C2"], name="right.xlsx")
    t = read_table(path)
    assert t.header == [""] and t.data.values.tolist() == [["1"]]


def test_merge_refs_that_name_no_cell_range_are_skipped_not_the_end_of_the_list():
    # whole-column and whole-row refs (no row or no column bounds) and an unreadable ref are
    # passed over; the real merge after them is still reported
    cells = {(1, 1): "nip", (1, 2): "opd", (2, 1): "1", (3, 1): "2"}
    for skipped in ("C:C", "5:6", "not a ref"):
        with pytest.raises(InputError) as ei:
            reader._xlsx_table(cells, [skipped, "B2:B3"], set(), "f")
        assert [p.location for p in ei.value.problems] == ["rows 2-3"]


def test_csv_and_xlsx_give_the_same_uniform_table(tmp_path):
    # the module's promise: the checks see one table whatever the file type, the same values
    # and the same (object) columns
    rows = [["nip", "opd", "usia"], ["198001012005011001", "Dinas A", "40"],
            ["198001012005011002", "Dinas B", "41"]]
    c = read_table(csv_file(tmp_path, "".join(",".join(r) + "\n" for r in rows)))
    x = read_table(xlsx_file(tmp_path, rows))
    assert c.header == x.header == rows[0]
    assert c.data.values.tolist() == x.data.values.tolist() == rows[1:]
    assert [str(d) for d in c.data.dtypes] == [str(d) for d in x.data.dtypes] == ["object"] * 3
    assert c.rows.tolist() == x.rows.tolist() == [2, 3]


def test_a_formula_in_the_header_is_header_text_not_a_data_formula(tmp_path):
    # the header row is not data: a formula there is read as its text (the checks then name
    # it as an unknown column) and no data cell is marked as a formula
    path = xlsx_file(tmp_path, [['="nip"', "opd"], ["1", "A"]])
    t = read_table(path)
    assert t.header == ['="nip"', "opd"] and t.formula == {}
    assert t.data.values.tolist() == [["1", "A"]]


def test_dates_of_a_1904_workbook_and_durations_read_as_written(tmp_path):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904
    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904  # old Mac Excel: day 0 is 1904-01-01, not 1899-12-30
    ws = wb.active
    ws.title = "pegawai"
    ws.append(["nip", "tanggal", "durasi"])
    ws.append(["1", dt.datetime(2024, 1, 31), dt.timedelta(days=1, hours=2)])
    path = tmp_path / "mac.xlsx"
    wb.save(path)
    t = read_table(path)
    # a duration cell (number format [h]:mm:ss) is a duration, not a date in 1904
    assert t.data.values.tolist() == [["1", "2024-01-31T00:00:00", "1 day, 2:00:00"]]


def test_header_only_csv_and_xlsx_have_the_same_empty_row_numbers(tmp_path):
    c = read_table(csv_file(tmp_path, "nip,opd\n"))
    x = read_table(xlsx_file(tmp_path, [["nip", "opd"]]))
    assert c.rows.tolist() == x.rows.tolist() == []
    assert c.rows.dtype == x.rows.dtype == np.int64


def _as_shared_strings(src, dst) -> None:
    """Rewrite an openpyxl workbook (inline strings) the way Excel saves text: every string
    cell an index into xl/sharedStrings.xml."""
    import html
    strings: list[str] = []

    def shared(m):
        text = html.unescape(m.group(2))
        if text not in strings:
            strings.append(text)
        return f'<c r="{m.group(1)}" t="s"><v>{strings.index(text)}</v></c>'

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item).decode("utf-8")
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(r'<c r="(\w+)" t="inlineStr"><is><t>(.*?)</t></is></c>', shared,
                              data)
            elif item.filename == "[Content_Types].xml":
                data = data.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" '
                                    'ContentType="application/vnd.openxmlformats-officedocument'
                                    '.spreadsheetml.sharedStrings+xml"/></Types>')
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace("</Relationships>", '<Relationship Id="rIdSS" Type="http:'
                                    '//schemas.openxmlformats.org/officeDocument/2006/'
                                    'relationships/sharedStrings" Target="sharedStrings.xml"/>'
                                    "</Relationships>")
            zout.writestr(item, data)
        sis = "".join(f"<si><t>{html.escape(s)}</t></si>" for s in strings)
        zout.writestr("xl/sharedStrings.xml", '<sst xmlns="http://schemas.openxmlformats.org/'
                      f'spreadsheetml/2006/main" count="{len(strings)}" '
                      f'uniqueCount="{len(strings)}">{sis}</sst>')


def test_text_saved_as_shared_strings_the_way_excel_saves_it_is_read(tmp_path):
    # Excel (unlike openpyxl) stores text cells as indexes into a shared string table
    src = xlsx_file(tmp_path, [["nip", "opd"], ["198001012005011001", "Dinas A"],
                               ["198001012005011002", "Dinas A"]])
    path = tmp_path / "excel.xlsx"
    _as_shared_strings(src, path)
    with zipfile.ZipFile(path) as z:
        assert 't="s"' in z.read("xl/worksheets/sheet1.xml").decode()
    t = read_table(path)
    assert t.header == ["nip", "opd"]
    assert t.data.values.tolist() == [["198001012005011001", "Dinas A"],
                                      ["198001012005011002", "Dinas A"]]


def test_a_workbook_without_any_sheet_says_none(tmp_path):
    good = xlsx_file(tmp_path, [["nip"]])
    path = tmp_path / "nosheet.xlsx"
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item).decode("utf-8")
            if item.filename == "xl/workbook.xml":
                data = re.sub(r"<sheets>.*</sheets>", "<sheets></sheets>", data)
            zout.writestr(item, data)
    assert one(path)[2] == "the workbook has no sheet 'pegawai'; its sheets are: (none)"


def test_csv_cells_stay_text_numbers_headers_and_na_words_included(tmp_path):
    # a numeric header (a year) over numeric data must not turn the column into numbers, and
    # "NA", "NULL", "nan" are text the checks judge, not empty cells
    t = read_table(csv_file(tmp_path, "nip,2024,catatan\n1,5,NA\n2,6,NULL\n3,7,nan\n"))
    assert t.header == ["nip", "2024", "catatan"]
    assert t.data.values.tolist() == [["1", "5", "NA"], ["2", "6", "NULL"], ["3", "7", "nan"]]
