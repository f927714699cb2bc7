"""Documentation text: AWS's HTML docs condensed into Google-style docstring lines.

Every emitter writes docstrings through these helpers: one line per field, a summary line
per method that says what the operation does (past any notice AWS opens with), and blob
docs reworded for a Python caller (raw bytes, not base64).
"""

from __future__ import annotations

import html
import re
import textwrap
from dataclasses import dataclass

#: Tags that mark up words inside a sentence: dropped without a space, so that
#: ``<code>FaceIds</code>.`` reads "FaceIds." and not "FaceIds .".
_INLINE_TAGS = re.compile(r"</?(?:a|b|code|em|i|strong|u|sub|sup)(?:\s[^>]*)?>")
_LINK = re.compile(r'<a\s[^>]*href="([^"]+)"[^>]*>(.*?)</a>', re.S)


def _between_words(match: re.Match[str]) -> bool:
    text, start, end = match.string, match.start(), match.end()
    return start > 0 and end < len(text) and text[start - 1].isalnum() and text[end].isalnum()


def plain_text(doc: str | None, *, links: bool = False) -> str:
    """HTML documentation to one line of plain text; ``links`` keeps hrefs as Markdown links."""
    if not doc:
        return ""
    if links:
        doc = _LINK.sub(lambda m: f"[{m.group(2).strip()}]({m.group(1)})", doc)
    # Between two letters an inline tag stands for a space ("Each<code>PersonMatch</code>").
    doc = _INLINE_TAGS.sub(lambda m: " " if _between_words(m) else "", doc)
    doc = re.sub(r"<[^>]+>", " ", doc)
    doc = html.unescape(doc)
    doc = re.sub(r"\s\*\*(?=\s|$)", " ", doc)  # stray Markdown bold markers in some AWS docs
    return re.sub(r"\s+", " ", doc).strip()


#: A paragraph that is a notice about the operation rather than its description.
_NOTICE = re.compile(
    r"(?:This operation applies only to|Service availability notice|End of support notice|Note:|Important:)", re.I
)
_ADMONITION = re.compile(r"\s*<(note|important)>(.*?)</\1>", re.S)
_LEADING_PARAGRAPH = re.compile(r"\s*<p>(.*?)</p>", re.S)


@dataclass(frozen=True)
class Notice:
    """A notice an AWS doc opens with: its Google-style section title and its text."""

    title: str
    text: str


def split_notices(doc: str | None) -> tuple[list[Notice], str]:
    """The notices a doc opens with (``<note>``, ``<important>``, "Service availability notice: ..."), and the rest.

    AWS puts them before the description, where they would become the summary line;
    the generated docstring keeps them as a later section instead.
    """
    rest = doc or ""
    notices: list[Notice] = []
    while True:
        block = _ADMONITION.match(rest)
        if block:
            title = "Important" if block.group(1) == "important" else "Note"
            notices.append(Notice(title, plain_text(block.group(2), links=True)))
            rest = rest[block.end() :]
            continue
        para = _LEADING_PARAGRAPH.match(rest)
        if para and _NOTICE.match(plain_text(para.group(1))):
            notices.append(Notice("Note", plain_text(para.group(1), links=True)))
            rest = rest[para.end() :]
            continue
        break
    if not re.search(r"\w", plain_text(rest)):
        return [], doc or ""  # nothing but notices: they are the description
    return notices, rest


def first_paragraph(doc: str | None) -> str:
    """The first paragraph of a doc's description, past any leading notice."""
    if not doc:
        return ""
    _, doc = split_notices(doc)
    match = re.search(r"<p>(.*?)</p>", doc, re.S)
    return plain_text(match.group(1) if match else doc)


def split_sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z(])", text) if s]


def sentences(text: str, count: int) -> str:
    return " ".join(split_sentences(text)[:count]).strip()


_BASE64_WORDS = re.compile(r"\b[Bb]ase ?64[- ]encoded\s+")
_BASE64 = re.compile(r"\bbase ?64\b", re.I)

#: What a caller does with a blob: the AWS docs describe the wire (base64 text),
#: but botocore encodes and decodes blobs, so Python code handles raw bytes.
SENT_BYTES = "Pass the raw bytes: the SDK base64-encodes them."
RECEIVED_BYTES = "Raw bytes: the SDK decodes them from base64."
SENT_IN_SHAPE = "Its bytes are given raw: the SDK base64-encodes them."


def bytes_doc(text: str, *, sent: bool, blob: bool = False) -> str:
    """Reword ``text`` for a Python caller where it speaks of base64.

    "The input image as base64-encoded bytes" becomes "The input image as bytes",
    and a note says that the SDK does the encoding: for every blob member, and for
    any other doc of a sent value that mentioned base64 (``Image`` parameters).
    """
    mentioned = bool(_BASE64.search(text))
    reworded = _BASE64_WORDS.sub("", text)
    if reworded[:1] != text[:1]:
        reworded = reworded[:1].upper() + reworded[1:]  # "Base64-encoded bytes of ..." -> "Bytes of ..."
    text = reworded
    if blob:
        note = SENT_BYTES if sent else RECEIVED_BYTES
    elif mentioned and sent:
        note = SENT_IN_SHAPE
    else:
        note = ""
    return f"{text} {note}".strip() if note else text


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


def wrap(text: str, indent: str, width: int = 100, *, whole_words: bool = False) -> list[str]:
    """Wrap ``text``; ``whole_words`` never splits a word or at a hyphen (URLs in links)."""
    wrapped = textwrap.wrap(
        escape(text),
        width=width,
        initial_indent=indent,
        subsequent_indent=indent,
        break_long_words=not whole_words,
        break_on_hyphens=not whole_words,
    )
    return wrapped or [indent]


def summary_line(text: str, fallback: str) -> str:
    """A summary line: the first sentence, whole (it is all a hover or a reference table shows)."""
    first = (split_sentences(text) or [fallback])[0]
    return first if re.search(r"[.!?]$", first) else first.rstrip(":;, ") + "."


def method_doc(doc: str | None, fallback: str, indent: str) -> list[str]:
    """The description part of an operation's docstring: summary line, one more sentence, notices.

    The first line is the first sentence of the description even when the service doc
    opens with a notice ("This operation applies only to ...", "Service availability
    notice: ..."); each such notice follows as a ``Note:`` or ``Important:`` section.
    """
    notices, rest = split_notices(doc)
    paragraph = first_paragraph(rest)
    summary = bytes_doc(summary_line(paragraph, fallback), sent=True)
    lines = [indent + escape(summary)]
    more = bytes_doc(" ".join(split_sentences(paragraph)[1:2]), sent=True)
    if more:
        lines += ["", *wrap(more, indent)]
    for notice in notices:
        lines += ["", f"{indent}{notice.title}:", *wrap(notice.text, indent + "    ", whole_words=True)]
    return lines


def entry(name: str, text: str) -> list[str]:
    """One Google-style ``name: text`` entry, continuation lines indented once more."""
    return textwrap.wrap(
        escape(f"{name}: {text}"),
        width=100,
        initial_indent=" " * 12,
        subsequent_indent=" " * 16,
    )
