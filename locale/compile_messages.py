"""Compile the clerk UI's translations (``locale/*/LC_MESSAGES/django.po`` -> ``.mo``) with
polib, for machines without GNU gettext. The compiled ``.mo`` files are committed, so a fresh
checkout needs neither; run this after editing a ``.po`` (``manage.py compilemessages`` does the
same where gettext is installed).

    .venv/bin/python locale/compile_messages.py
"""

from pathlib import Path

import polib

LOCALE = Path(__file__).resolve().parent


def main() -> None:
    for po_path in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        catalog = polib.pofile(str(po_path))
        catalog.save_as_mofile(str(po_path.with_suffix(".mo")))
        print(f"{po_path.relative_to(LOCALE)}: {catalog.percent_translated()}% translated")


if __name__ == "__main__":
    main()
