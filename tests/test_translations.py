"""The French catalogue is complete: every string of the code is in it, translated, not fuzzy,
and the compiled catalogue Django reads says the same."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _i18n_tool():
    """scripts/i18n.py, the tool `make messages` runs: its extraction is the one checked."""
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def catalogue() -> polib.POFile:
    return polib.pofile(str(PO))


def test_every_entry_of_the_french_catalogue_is_translated(catalogue):
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []


def test_no_entry_of_the_french_catalogue_is_fuzzy(catalogue):
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


def test_the_compiled_catalogue_says_what_the_catalogue_says(catalogue):
    compiled = {
        (entry.msgctxt, entry.msgid): entry.msgstr or entry.msgstr_plural.get(0)
        for entry in polib.mofile(str(PO.with_suffix(".mo")))
    }
    stale = [
        entry.msgid
        for entry in catalogue.translated_entries()
        if compiled.get((entry.msgctxt, entry.msgid))
        != (entry.msgstr or entry.msgstr_plural.get(0))
    ]
    assert stale == [], "run `make messages` to compile locale/fr"


def test_every_translatable_string_of_the_code_is_in_the_catalogue(catalogue, tmp_path):
    if shutil.which("xgettext") is None:
        if IN_CI:
            pytest.fail("xgettext (GNU gettext) is needed in CI to compare code and catalogue")
        pytest.skip("xgettext not found (apt-get install gettext)")
    copy = tmp_path / "src"
    shutil.copytree(
        ROOT, copy, ignore=shutil.ignore_patterns(".venv", "data", ".git", "node_modules")
    )
    _i18n_tool().extract(copy)
    extracted = {entry.msgid for entry in polib.pofile(str(copy / PO.relative_to(ROOT)))}
    known = {entry.msgid for entry in catalogue}
    assert sorted(extracted - known) == [], "run `make messages` and translate the new strings"
