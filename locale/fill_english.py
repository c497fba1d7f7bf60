"""Fill the English catalogues after `make messages`: English is the source, so msgstr = msgid.

    .venv/bin/python locale/fill_english.py && .venv/bin/python manage.py compilemessages ...

Only empty and fuzzy entries are touched, so deliberate English wordings (such as
"%(amount)s kr" -> "NOK %(amount)s") survive. A fuzzy entry whose old msgstr differed from its
old msgid is printed: check whether the new source string needs the same treatment.
"""

import subprocess
import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent


def fill(path: Path) -> int:
    catalogue = polib.pofile(str(path))
    changed = 0
    for entry in catalogue:
        if entry.obsolete:
            continue
        fuzzy = "fuzzy" in entry.flags
        if fuzzy:
            old = entry.msgstr_plural.get(0, "") if entry.msgid_plural else entry.msgstr
            customised = bool(old) and entry.previous_msgid is not None and old != entry.previous_msgid
            if customised:
                print(f"{path}: check {entry.msgid!r} (was translated as {entry.msgstr!r})", file=sys.stderr)
            entry.flags.remove("fuzzy")
        if entry.msgid_plural:
            if fuzzy or not all(entry.msgstr_plural.values()):
                entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
                changed += 1
        elif fuzzy or not entry.msgstr:
            entry.msgstr = entry.msgid
            changed += 1
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    if changed:
        catalogue.save(str(path))
        # Rewrap the way makemessages (msgmerge) does, so the next run shows no spurious diff.
        subprocess.run(["msgcat", "--output-file", str(path), str(path)], check=True)
    return changed


if __name__ == "__main__":
    for po_path in sorted((LOCALE_DIR / "en" / "LC_MESSAGES").glob("*.po")):
        print(f"{po_path.relative_to(LOCALE_DIR)}: {fill(po_path)} entries filled")
