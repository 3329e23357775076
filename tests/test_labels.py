"""The one label table: merged from data/labels/, every key defined once."""

from __future__ import annotations

import pytest

from kinerja_sim import labels
from kinerja_sim.yaml_safe import YamlProblem


@pytest.fixture
def label_folder(tmp_path, monkeypatch):
    """labels.table() reading tmp_path/data/labels instead of the package's files."""
    folder = tmp_path / "data" / "labels"
    folder.mkdir(parents=True)
    monkeypatch.setattr(labels.resources, "files", lambda _pkg: tmp_path)
    labels.table.cache_clear()
    yield folder
    labels.table.cache_clear()


def test_a_key_written_twice_in_one_label_file_is_an_error(label_folder):
    (label_folder / "core.yaml").write_text(
        "batch:\n  done:\n    id: Selesai\n    en: Done\n"
        "  done:\n    id: Rampung\n    en: Finished\n", "utf-8")
    with pytest.raises(YamlProblem, match="done"):
        labels.table()


def test_a_key_defined_in_two_label_files_is_an_error(label_folder):
    text = "batch:\n  done:\n    id: Selesai\n    en: Done\n"
    (label_folder / "a.yaml").write_text(text, "utf-8")
    (label_folder / "b.yaml").write_text(text, "utf-8")
    with pytest.raises(ValueError, match=r"batch\.done is defined twice \(b\.yaml\)"):
        labels.table()


def test_files_merge_into_one_table_in_both_languages(label_folder):
    (label_folder / "a.yaml").write_text("batch:\n  done:\n    id: Selesai\n    en: Done\n",
                                         "utf-8")
    (label_folder / "b.yaml").write_text("batch:\n  next:\n    id: Lanjut {n}\n    en: Next {n}\n",
                                         "utf-8")
    assert labels.t("batch.done") == "Selesai"
    assert labels.t("batch.next", "en", n=3) == "Next 3"
    assert labels.t("batch.missing") == "batch.missing"


def test_the_packaged_label_table_loads_with_both_languages_everywhere():
    labels.table.cache_clear()
    table = labels.table()
    entries = [texts for names in table.values() for texts in names.values()]
    assert len(entries) > 300
    assert all(set(e) >= {"id", "en"} for e in entries)
