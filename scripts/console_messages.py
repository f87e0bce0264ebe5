"""Keep the console's Thai catalogue in step with the code.

    python -m scripts.console_messages

Extracts every message of barter/console (Python `_()` and the Jinja templates) with Babel,
merges them into barter/console/locale/th/LC_MESSAGES/messages.po (keeping the translations it
already has; new messages come in untranslated and obsolete ones are dropped), and compiles
messages.mo beside it. tests/console/test_i18n.py fails while a message has no Thai or the .mo
is stale.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
CONSOLE = ROOT / "barter" / "console"
PO = CONSOLE / "locale" / "th" / "LC_MESSAGES" / "messages.po"
METHODS = [("**/templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
# silent: a template Jinja cannot parse fails here, not left out of the catalogue without a word
OPTIONS = {
    "**/templates/**.html": {
        "extensions": "jinja2.ext.i18n",
        "trim_blocks": "true",
        "lstrip_blocks": "true",
        "silent": "false",
    }
}


def extracted() -> Catalog:
    catalog = Catalog(locale="th", project="barter", fuzzy=False)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(CONSOLE), METHODS, options_map=OPTIONS, keywords=keywords
    ):
        catalog.add(message, locations=[(filename, lineno)], context=context)
    return catalog


def main() -> None:
    fresh = extracted()
    if PO.exists():
        with PO.open("rb") as f:
            old = read_po(f, locale="th")
        for message in fresh:
            known = old.get(message.id, context=message.context) if message.id else None
            if known is not None and known.string:
                message.string = known.string
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as f:
        write_po(f, fresh, omit_header=False, sort_output=True, include_lineno=False, width=0)
    with PO.with_suffix(".mo").open("wb") as f:
        write_mo(f, fresh)
    # a plural's Thai is a tuple of forms, each of which must be written
    forms = {
        (m.context, m.id): m.string if isinstance(m.string, tuple) else (m.string,) for m in fresh if m.id
    }
    missing = [mid for mid, thai in forms.items() if not all(thai)]
    print(f"{len(fresh)} messages, {len(missing)} without Thai")
    for context, mid in missing:
        print(f"  {mid!r}" + (f" ({context})" if context else ""))


if __name__ == "__main__":
    main()
