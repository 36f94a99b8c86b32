"""Every user-facing string of our templates goes through {% trans %} / {% blocktrans %}.

makemessages collects only marked strings; text typed straight into a template would stay
English in every language. This reads each template with Django's own lexer, drops what is
marked for translation, template tags, variables, comments, scripts and HTML tags, and fails on
any words left over, or in the user-facing attributes (title, aria-label, placeholder, alt).
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType

TEMPLATES = sorted(
    path
    for folder in settings.TEMPLATES[0]["DIRS"]
    for path in Path(folder).rglob("*")
    if path.suffix in {".html", ".txt"}
)
MARKUP = re.compile(r"<(script|style)\b.*?</\1>|<!--.*?-->|<[^>]*>", re.S | re.I)
SHOWN_ATTRIBUTES = re.compile(r'\b(?:title|aria-label|placeholder|alt)="([^"]*)"', re.I)
ENTITY = re.compile(r"&[a-z#0-9]+;")
HOLE = "\x00"  # where a tag or variable was
# Names that are the same in every language.
NAMES = {
    "Commonshare",
    "JSON",
    "CSV",
    "iCal",
    "Google",
    "Outlook",
    "Apple",
    "Calendar",
    "Thunderbird",
}
OPENERS = {"blocktrans", "blocktranslate", "comment"}
CLOSERS = {"endblocktrans", "endblocktranslate", "endcomment"}


def untranslated(source: str) -> list[str]:
    parts, depth = [], 0
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0] if token.contents.strip() else ""
            depth += name in OPENERS
            depth -= name in CLOSERS
            parts.append(HOLE)
        elif token.token_type == TokenType.TEXT and not depth:
            parts.append(token.contents)
        else:
            parts.append(HOLE)
    text = "".join(parts)
    found: list[str] = []
    for tag in MARKUP.finditer(text):
        found += [value for value in SHOWN_ATTRIBUTES.findall(tag.group(0)) if words(value)]
    prose = ENTITY.sub(" ", MARKUP.sub(" ", text))
    found += [chunk.strip() for chunk in prose.split(HOLE) if words(chunk)]
    return found


def words(text: str) -> list[str]:
    """Words a reader would read: not CSS classes, slugs or other code-like tokens."""
    plain = [token for token in text.split() if not re.search(r"[-_./=:{}]", token)]
    return [
        word for word in re.findall(r"[A-Za-z][A-Za-z']+", " ".join(plain)) if word not in NAMES
    ]


def test_the_checker_catches_plain_text_and_attributes_but_not_marked_strings():
    assert untranslated("<p>Book now</p>") == ["Book now"]
    assert untranslated('<a title="Close">x</a>') == ["Close"]
    assert untranslated('{% load i18n %}<p>{% trans "Book now" %}</p>') == []
    assert untranslated("{% blocktrans %}Hello {{ name }}{% endblocktrans %}") == []
    assert untranslated('<div class="card period-picker">{{ value }}</div>') == []
    assert untranslated("<p>Add to Google Calendar</p>") == ["Add to Google Calendar"]


@pytest.mark.parametrize(
    "path", TEMPLATES, ids=lambda path: str(path.relative_to(settings.BASE_DIR))
)
def test_every_user_facing_string_in_templates_is_marked_for_translation(path):
    assert untranslated(path.read_text(encoding="utf-8")) == []
