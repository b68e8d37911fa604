"""What an English page shows that is still Danish UI text.

The Danish catalogue (every marked message whose English differs) is compared with the
page's visible text. Text inside an element marked ``lang="da"`` is left out: that is source
text quoted as published (an area's name, a report's title, a sentence of the law), which
the page presents in Danish on purpose and says so to screen readers; and so is code (``code``,
``pre``, ``textarea``: an embed snippet, a parameter's values).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po

import service

CATALOGUE = Path(service.__file__).parent / "translations" / "en" / "LC_MESSAGES" / "messages.po"
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
}  # fmt: skip


# Fragments of Danish messages (cut at their placeholders) that are English words as well:
# "side" of "(side %(page)s af %(pages)s)" is also "side by side".
ENGLISH_TOO = frozenset({"side"})


def danish_ui_texts() -> set[str]:
    """Every marked Danish UI text, its placeholders cut out, that differs from its English
    translation (names such as "GeoPackage" are the same in both)."""
    with CATALOGUE.open("rb") as f:
        catalogue = read_po(f)
    texts = set()
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        english = " ".join(s or "" for s in strings).lower()
        for msgid in ids:
            if not msgid or msgid.lower() == english:
                continue
            for part in re.split(r"%\(\w+\)[sd]|%[sd]", msgid):
                part = part.strip(" .,:;()?«»")
                word = part.lower()
                if len(part) >= 4 and word not in english and word not in ENGLISH_TOO:
                    texts.add(part)
    return texts


class _Visible(HTMLParser):
    """The text a reader sees, without scripts, styles and ``lang="da"`` elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # per open element: is it hidden from the check?
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            wanted = {"img": ("alt",), "input": ("placeholder",)}.get(tag, ())
            for name, value in attrs:
                if name in wanted and value and not self._hidden():
                    self.parts.append(value)
            return
        # code (an embed snippet, a parameter value) is not prose in any language
        hidden = tag in ("script", "style", "template", "code", "pre", "textarea", "kbd", "samp")
        hidden = hidden or dict(attrs).get("lang") == "da"
        self.stack.append(hidden)

    def handle_endtag(self, tag):
        if tag in VOID or not self.stack:
            return
        self.stack.pop()

    def _hidden(self) -> bool:
        return any(self.stack)

    def handle_data(self, data):
        if not self._hidden():
            self.parts.append(data)


def visible_text(page: str) -> str:
    """The page's visible text outside ``lang="da"`` elements, whitespace collapsed."""
    parser = _Visible()
    parser.feed(page)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def danish_found(page: str, texts: set[str] | None = None) -> list[str]:
    """The Danish UI texts that occur in the page's visible text as whole words
    ("Område" is not in "Områdekort")."""
    text = re.sub(r"https?://\S+", " ", visible_text(page))  # an address is not prose
    texts = danish_ui_texts() if texts is None else texts
    return sorted(t for t in texts if re.search(rf"(?<!\w){re.escape(t)}(?!\w)", text))


# Danish words that are not English words: a second check that also catches text nobody
# marked for translation.
# fmt: off
DANISH_WORDS = frozenset(
    {
        "og", "ikke", "på", "af", "til", "er", "der", "som", "eller", "fra", "har", "kan",
        "skal", "hvor", "hvis", "blev", "ved", "efter", "når", "være", "områder", "området",
        "kommunen", "andel", "antal", "beboere", "heraf", "samt", "også", "seneste", "vises",
        "viser", "mellem", "mod", "uden", "fordi", "sådan", "disse", "denne", "dette", "hvert",
        "hver", "deres",
    }
)
# fmt: on


def danish_words(page: str) -> list[str]:
    """The Danish words (from :data:`DANISH_WORDS`) in the page's visible text outside
    ``lang="da"`` elements."""
    text = re.sub(r"https?://\S+", " ", visible_text(page))
    return [w for w in re.findall(r"\w+", text) if w.lower() in DANISH_WORDS]
