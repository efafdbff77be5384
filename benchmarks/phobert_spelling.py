"""How our texts' spellings meet PhoBERT's vocabulary: docs/phobert.md's numbers.

    python benchmarks/phobert_spelling.py            # needs ../shared/phobert-tokenizer (or $VNTRANSFER_PHOBERT_TOKENIZER)

For each source (seed annotations, seed .txt, dev40, written) the texts are split and word-segmented as
the model does (`segment_words`), and every word is tokenised by PhoBERT's own tokenizer under each
spelling: decomposed (NFD), as written (NFC, what the encoder got so far), every open oa/oe/uy syllable
with the tone on its first vowel ("hòa", "thủy") and on its final vowel ("hoà", "thuỷ"). Measured per
word: the share that is one whole vocabulary entry, pieces per word, the share of pieces that are
unknown. The same for single syllables (no segmentation). Writes the key "phobert_spelling" of
benchmarks/results.json and the block `spelling` of docs/phobert.md.
"""
from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from vntransfer.annotation.corpus import load_documents  # noqa: E402
from vntransfer.model.phobert import find_tokenizer_dir, load_tokenizer  # noqa: E402
from vntransfer.evaluation.report import update_readme  # noqa: E402
from vntransfer.text.normalize import respell, tone_on_first_vowel  # noqa: E402
from vntransfer.text.words import form_syllables, segment_words, word_string  # noqa: E402
from results_file import store  # noqa: E402  (benchmarks/: the script's own folder is on sys.path)

SOURCES = {  # the seed texts are the annotated ones (annotations/*.json) and data/*.txt, read once
    "seed": sorted(str(p.relative_to(ROOT)) for p in [*(ROOT / "annotations").glob("*.json"), *(ROOT / "data").glob("*.txt")]),
    "dev40": ["data/dev/dev40.jsonl"],
    "written": ["data/written"],
}
SPELLINGS = {
    "NFD (decomposed)": lambda w: unicodedata.normalize("NFD", w),
    "as written (NFC)": lambda w: w,
    "tone on first vowel (hòa, thủy)": tone_on_first_vowel,
    "tone on final vowel (hoà, thuỷ)": lambda w: respell(w, "tone_on_final_vowel"),
}


def source_texts(paths: list[str]) -> list[str]:
    """The distinct texts under `paths` (a text given twice, as .txt and as annotated JSON, counts once)."""
    texts: dict[str, str] = {}
    for p in paths:
        path = ROOT / p
        found = [path.read_text(encoding="utf-8")] if path.suffix == ".txt" else [d.text for d in load_documents([path])]
        for text in found:
            texts.setdefault(text.strip(), text)
    return list(texts.values())


def word_counts(texts: list[str]) -> tuple[Counter, Counter]:
    """(segmented words, syllables) as the encoder's input forms (NFC), with their frequencies."""
    words, syllables = Counter(), Counter()
    for text in texts:
        for s in segment_words(text):
            for w in s.words:
                words[word_string(s, w)] += 1
                syllables.update(form_syllables(s, w))
    return words, syllables


def measure(counts: Counter, spell, tokenizer) -> dict:
    n = whole = pieces = unknown = 0
    for word, k in counts.items():
        toks = tokenizer.tokenize(spell(word))
        ids = tokenizer.convert_tokens_to_ids(toks)
        n += k
        pieces += k * len(toks)
        whole += k * (len(toks) == 1 and ids[0] != tokenizer.unk_token_id)
        unknown += k * sum(i == tokenizer.unk_token_id for i in ids)
    return {"tokens": n, "whole_entry": whole / n, "pieces_per_token": pieces / n, "unknown_piece_rate": unknown / max(1, pieces)}


def placement_census(counts: Counter) -> dict:
    """Open oa/oe/uy syllables carrying a tone mark, by where the mark sits."""
    first = final = 0
    for syllable, k in counts.items():
        to_final, to_first = respell(syllable, "tone_on_final_vowel"), tone_on_first_vowel(syllable)
        if to_final != syllable:
            first += k
        elif to_first != syllable:
            final += k
    return {"tone_on_first_vowel": first, "tone_on_final_vowel": final}


def fragmented_examples(words: Counter, tokenizer, limit: int = 12) -> tuple[list, list]:
    """(the most frequent words that the final-vowel spelling makes whole or shorter, the most frequent
    segmented words PhoBERT splits though each of their syllables is a whole entry: segmentation that
    differs from the one PhoBERT's corpus used)."""
    respelled, segmentation = [], []
    for word, k in words.most_common():
        before = tokenizer.tokenize(word)
        after = tokenizer.tokenize(respell(word, "tone_on_final_vowel"))
        if len(after) < len(before) and len(respelled) < limit:
            respelled.append([word, k, " ".join(before), " ".join(after)])
        if "_" in word and len(after) > 1 and len(segmentation) < limit:
            parts = respell(word, "tone_on_final_vowel").split("_")
            if all(len(tokenizer.tokenize(p)) == 1 for p in parts):
                segmentation.append([word, k, " ".join(after)])
    return respelled, segmentation


def markdown(result: dict) -> str:
    lines = []
    for unit, title in (("words", "segmented words (underthesea, joined with `_`)"), ("syllables", "single syllables")):
        lines += [f"**{title}**: share that is one whole vocabulary entry / pieces per {unit[:-1]} / unknown pieces", "",
                  "| source | " + " | ".join(SPELLINGS) + " |", "|---" * (len(SPELLINGS) + 1) + "|"]
        for name, src in result["sources"].items():
            cells = [f"{m['whole_entry']:.3f} / {m['pieces_per_token']:.3f} / {m['unknown_piece_rate']:.4f}"
                     for m in (src[unit][s] for s in SPELLINGS)]
            lines.append(f"| {name} ({src[unit]['as written (NFC)']['tokens']:,} {unit}) | " + " | ".join(cells) + " |")
        lines.append("")
    lines += ["**Where the tone mark sits** in open oa/oe/uy syllables that carry one (syllable occurrences):", "",
              "| source | on the first vowel (hòa) | on the final vowel (hoà) |", "|---|---|---|"]
    for name, src in result["sources"].items():
        c = src["placement"]
        lines.append(f"| {name} | {c['tone_on_first_vowel']:,} | {c['tone_on_final_vowel']:,} |")
    lines += ["", "**Words the final-vowel spelling makes whole or shorter** (all sources; occurrences, pieces as "
              "written -> respelled):", "", "| word | occurrences | as written | respelled |", "|---|---|---|---|"]
    lines += [f"| {w} | {k} | `{a}` | `{b}` |" for w, k, a, b in result["respelled_examples"]]
    lines += ["", "**Segmented words PhoBERT splits although each syllable is a whole entry** (underthesea joins "
              "what PhoBERT's segmenter kept apart; pieces after respelling):", "", "| word | occurrences | pieces |",
              "|---|---|---|"]
    lines += [f"| {w} | {k} | `{p}` |" for w, k, p in result["segmentation_examples"]]
    lines += ["", f"Tokenizer: PhoBERT's `vocab.txt` + `bpe.codes` ({result['vocabulary']:,} entries); segmenter "
              f"{result['segmenter']}. Made by `python benchmarks/phobert_spelling.py`."]
    return "\n".join(lines)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tokenizer", help="folder with PhoBERT's vocab.txt and bpe.codes (default: found as tests do)")
    p.add_argument("--results", default=str(ROOT / "benchmarks" / "results.json"))
    p.add_argument("--doc", default=str(ROOT / "docs" / "phobert.md"))
    a = p.parse_args()
    folder = Path(a.tokenizer) if a.tokenizer else find_tokenizer_dir()
    if folder is None:
        print("error: no PhoBERT tokenizer folder (../shared/phobert-tokenizer or $VNTRANSFER_PHOBERT_TOKENIZER)", file=sys.stderr)
        return 2
    tokenizer = load_tokenizer(folder)
    from vntransfer.text.words import segmenter_info

    result = {"vocabulary": len(tokenizer), "segmenter": "{name} {version}".format(**segmenter_info()), "sources": {}}
    all_words: Counter = Counter()
    for name, paths in SOURCES.items():
        words, syllables = word_counts(source_texts(paths))
        all_words.update(words)
        result["sources"][name] = {
            "words": {s: measure(words, f, tokenizer) for s, f in SPELLINGS.items()},
            "syllables": {s: measure(syllables, f, tokenizer) for s, f in SPELLINGS.items()},
            "placement": placement_census(syllables),
        }
        print(name, json.dumps(result["sources"][name]["words"], ensure_ascii=False), file=sys.stderr)
    result["respelled_examples"], result["segmentation_examples"] = fragmented_examples(all_words, tokenizer)
    store("phobert_spelling", result, a.results)
    update_readme(a.doc, markdown(result), marker="spelling")
    print(markdown(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
