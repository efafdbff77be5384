"""The project carries its contract: docs/SPEC.md is the shared SPEC.md, and every reference points at it."""

import pytest

from .conftest import ROOT

SHARED = ROOT.parent / "shared" / "SPEC.md"


def test_docs_spec_is_the_shared_contract():
    if not SHARED.is_file():
        pytest.skip(f"{SHARED} is not on this machine (only the project's copy is)")
    assert (ROOT / "docs" / "SPEC.md").read_bytes() == SHARED.read_bytes()


def test_references_point_at_the_project_copy():
    assert (ROOT / "docs" / "SPEC.md").is_file()
    for path in [ROOT / "README.md", ROOT / "annotations" / "GUIDELINES.md", ROOT / "data" / "written" / "BRIEF.md",
                 *sorted((ROOT / "src").rglob("*.py"))]:
        text = path.read_text(encoding="utf-8")
        assert "../shared/SPEC.md" not in text and "shared/SPEC.md" not in text.replace("docs/SPEC.md", ""), path
