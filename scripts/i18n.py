#!/usr/bin/env python
"""The French catalogue, for a person editing it: `update` (extract from the code and compile),
`fill <file.json>` (apply translations {msgid: msgstr}, then compile). Extraction needs GNU
gettext (xgettext). `make test` checks the catalogue (tests/test_translations.py).
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
MANAGE = [sys.executable, str(ROOT / "manage.py")]
IGNORES = [".venv", "data", "tests", "node_modules", "static/vendor", "scripts"]


@contextmanager
def catalogue_lock():
    """Several people (or agents) may refresh the catalogue at once: one at a time."""
    with open(ROOT / "locale" / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def extract(into: Path) -> None:
    env = {**os.environ, "SECRET_KEY": os.environ.get("SECRET_KEY", "i18n"), "DEBUG": "true"}
    args = [*MANAGE, "makemessages", "-l", "fr", "--no-obsolete", "--no-location"]
    for pattern in IGNORES:
        args += ["--ignore", pattern]
    subprocess.run(args, cwd=into, env=env, check=True, stdout=subprocess.DEVNULL)


def compile_mo() -> None:
    polib.pofile(str(PO)).save_as_mofile(str(MO))


def update() -> None:
    with catalogue_lock():
        extract(ROOT)
        compile_mo()
    report(polib.pofile(str(PO)))


def fill(path: str) -> None:
    """Apply a JSON object {msgid: msgstr} (or {msgid: [singular, plural]}) to the catalogue."""
    translations = json.loads(Path(path).read_text(encoding="utf-8"))
    with catalogue_lock():
        extract(ROOT)
        catalogue = polib.pofile(str(PO))
        for entry in catalogue:
            if entry.msgid not in translations:
                continue
            value = translations[entry.msgid]
            if entry.msgid_plural:
                singular, plural = value if isinstance(value, list) else (value, value)
                entry.msgstr_plural = {0: singular, 1: plural}
            else:
                entry.msgstr = value
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        catalogue.save()
        compile_mo()
    report(polib.pofile(str(PO)))


def problems(catalogue: polib.POFile) -> list[str]:
    found = [f"untranslated: {e.msgid!r}" for e in catalogue.untranslated_entries()]
    found += [f"fuzzy: {e.msgid!r}" for e in catalogue.fuzzy_entries()]
    return found


def report(catalogue: polib.POFile) -> list[str]:
    found = problems(catalogue)
    print(
        f"{PO.relative_to(ROOT)}: {len(catalogue.translated_entries())} translated, "
        f"{len(found)} to do"
    )
    for line in found:
        print("  " + line)
    return found


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "update":
        update()
    elif command == "fill" and len(sys.argv) == 3:
        fill(sys.argv[2])
    else:
        sys.exit(__doc__)
