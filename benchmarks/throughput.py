"""Throughput of the build against the bare spaCy parse, in one run.

Generates a synthetic news-like corpus (about 50k words by default) from sentence
templates written for this benchmark, then prints words per second of bare
``nlp.pipe`` over the same paragraphs and of ``graph.pipeline.build`` (parse, extraction,
RDF and all outputs), and their ratio.

Usage: python benchmarks/throughput.py [--words 50000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

ACTORS = ["China", "Russia", "the United States", "Japan", "India", "France", "Germany",
          "the European Union", "NATO", "the Pentagon", "the Chinese Defense Ministry",
          "President Xi Jinping", "Vladimir Putin", "the U.S. Navy", "Beijing", "Washington",
          "Moscow", "Brazil", "South Africa", "Turkey"]
PLACES = ["the South China Sea", "the Paracel Islands", "the Black Sea", "the Baltic Sea",
          "the Taiwan Strait", "the Arctic", "Moscow", "Geneva", "Singapore", "Tokyo"]
TEMPLATES = [
    "{a} said on Monday that it is ready to strengthen military cooperation with {b}.",
    "{a} accused {b} of deliberately fueling tensions in {p}.",
    "According to officials, {a} and {b} plan to hold joint naval patrols near {p}.",
    "{a} did not confirm reports that it had signed a new agreement with {b}.",
    "A destroyer from {a} sailed through {p} on Thursday, the fleet said in a statement.",
    "{a} hopes that {b} will engage in dialogue and respect mutual interests.",
    "The talks between {a} and {b} in {p} ended without a joint statement.",
    "{a} has requested a defense budget of $842 billion for the coming year.",
    "Officials in {a} described {b} as a challenge to regional stability.",
    "{a} could impose new sanctions on {b} if the negotiations fail.",
    "The minister met his counterpart from {b} in {p} earlier this month.",
    "{a} insisted that its relations with {b} do not amount to an alliance.",
]


def make_corpus(folder: Path, *, words: int, seed: int = 7) -> int:
    """Write synthetic articles into ``folder``; return the number of words written."""
    rng = random.Random(seed)
    total, n = 0, 0
    while total < words:
        paragraphs = []
        for _ in range(rng.randint(4, 8)):
            sents = []
            for _ in range(rng.randint(2, 4)):
                a, b = rng.sample(ACTORS, 2)
                sents.append(rng.choice(TEMPLATES).format(a=a, b=b, p=rng.choice(PLACES)))
            paragraphs.append(" ".join(sents))
        title = f"{rng.choice(ACTORS)} and {rng.choice(ACTORS)} discuss security"
        text = title + "\n\n" + "\n\n".join(paragraphs) + "\n"
        (folder / f"article_{n:04d}.txt").write_text(text, encoding="utf-8")
        total += len(text.split())
        n += 1
    return total


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=50_000, help="corpus size in words")
    parser.add_argument("--keep", type=Path, help="write the corpus and outputs here")
    args = parser.parse_args(argv)

    from graph.articles import discover, read_article
    from graph.nlp import load_model
    from graph.pipeline import build

    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        corpus = root / "corpus"
        corpus.mkdir(parents=True, exist_ok=True)
        words = make_corpus(corpus, words=args.words)
        nlp = load_model()
        paragraphs = []
        for path in discover([corpus]):
            art = read_article(path)
            paragraphs.extend(art.text[s.start:s.end] for s in art.parsed_segments())
        list(nlp.pipe(paragraphs[:50]))  # warm-up
        t0 = time.perf_counter()
        for _doc in nlp.pipe(paragraphs, batch_size=32):
            pass
        parse_s = time.perf_counter() - t0
        build([corpus], out=root / "out")  # warm-up of gazetteer and components
        t0 = time.perf_counter()
        result = build([corpus], out=root / "out")
        build_s = time.perf_counter() - t0
    print(f"corpus: {words} words, {len(result.articles)} articles, "
          f"{result.sentences} sentences, {len(result.statements)} statements")
    print(f"bare nlp.pipe : {words / parse_s:10.0f} words/s ({parse_s:.2f} s)")
    print(f"build()       : {words / build_s:10.0f} words/s ({build_s:.2f} s)")
    stages = ", ".join(f"{k} {v:.2f} s" for k, v in result.timings.items())
    print(f"build stages  : {stages}")
    extract_s = result.timings["extract"]
    print(f"extraction (parse + rules) / bare parse: {extract_s / parse_s:.3f} "
          f"(rules add {100 * (extract_s / parse_s - 1):.1f}%)")
    print(f"ratio build/parse time: {build_s / parse_s:.3f} "
          f"(extraction and outputs add {100 * (build_s / parse_s - 1):.1f}%)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
