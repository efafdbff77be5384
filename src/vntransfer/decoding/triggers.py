"""Trigger scores -> trigger spans: the trigger head's tags become syllable spans of an event class."""
from __future__ import annotations

from ..schema import TRIGGER_TAGS
from .spans import Span


def decode_triggers(tags: list[int], words=None, syllables=None) -> list[Span]:
    """Trigger-head tags (indices into TRIGGER_TAGS) -> syllable spans whose type is the event class. An I-
    tag continues a span of its class, else it opens one (the argmax may miss a B-). With the sentence's
    segmented `words`, a span grows to the whole words it touches over lowercase syllables: a trigger is a
    verb, and the head may tag only the first syllable of "luân_chuyển" or "trúng_cử" (but the segmenter's
    "bầu_PGS" gives no "bầu PGS")."""
    spans: list[list] = []
    for k, tag in enumerate(tags):
        label = TRIGGER_TAGS[tag]
        if label == "O":
            continue
        prefix, cls = label.split("-", 1)
        if prefix == "I" and spans and spans[-1][1] == k - 1 and spans[-1][2] == cls:
            spans[-1][1] = k
        else:
            spans.append([k, k, cls])
    if words:
        def verbal(i: int) -> bool:
            return syllables is None or (syllables[i].text.isalpha() and syllables[i].text.islower())

        for span in spans:
            for w in words:
                if w.first <= span[0] <= w.last:
                    while span[0] > w.first and verbal(span[0] - 1):
                        span[0] -= 1
                if w.first <= span[1] <= w.last:
                    while span[1] < w.last and verbal(span[1] + 1):
                        span[1] += 1
        merged: list[list] = []
        for span in spans:  # pieces of one word joined
            if merged and span[0] <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], span[1])
            else:
                merged.append(span)
        spans = merged
    return [Span(first, last, cls) for first, last, cls in spans]
