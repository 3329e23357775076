"""Every number a policy designer could question lives in YAML next to a `reference`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

DATA = Path(__file__).resolve().parent.parent / "kinerja_sim" / "data"
FILES = sorted(p for p in DATA.rglob("*.yaml") if p.parent.name != "labels")


def _unreferenced(node, path, inherited):
    """Yield key paths of numbers with no `reference` on themselves or any ancestor."""
    if isinstance(node, dict):
        has_ref = inherited or "reference" in node
        for k, v in node.items():
            yield from _unreferenced(v, f"{path}.{k}" if path else str(k), has_ref)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _unreferenced(v, f"{path}[{i}]", inherited)
    elif isinstance(node, int | float) and not isinstance(node, bool) and not inherited:
        yield path


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(DATA)))
def test_every_number_has_a_reference(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    missing = list(_unreferenced(data, "", False))
    assert not missing, f"{path.name}: numbers without a reference: {missing[:10]}"


def test_model_doc_covers_every_parameter_file():
    doc = (DATA.parent.parent / "docs" / "model.md").read_text(encoding="utf-8")
    for path in FILES:
        rel = str(path.relative_to(DATA))
        assert rel in doc, f"docs/model.md does not cite {rel}"
