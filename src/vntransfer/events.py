"""Event assembly (SPEC.md, "Transfer events"): one event per person mention that is moved.

`from`, `to` and `destination` follow from the relations; the event type and trigger come from the
governing trigger word, chosen by `find_trigger` among the sentence's trigger words. Those come from the
model's trigger head when it has one (`triggers` of `assemble_events`: spans with their class), else
from the trigger lexicon below.
"""
from __future__ import annotations

import re
from typing import Callable, Iterable, Optional, Sequence

from .annotation.document import Document, Entity, Event, Slot, Trigger
from .schema import MOVE_RELATIONS
from .text.normalize import lower_key, nfc

#: trigger phrase (NFC, lowercase) -> event class; SPEC.md "Decided cases" fixes several of these
TRIGGER_LEXICON: dict[str, str] = {
    "điều động": "DIEU_DONG",
    "điều": "DIEU_DONG",
    "luân chuyển": "LUAN_CHUYEN",
    "bổ nhiệm": "BO_NHIEM",
    "chỉ định": "CHI_DINH",
    "bầu": "BAU",
    "trúng cử": "BAU",
    "giới thiệu": "GIOI_THIEU",
    "tiếp nhận": "TIEP_NHAN",
    "phân công": "PHAN_CONG",
    "chuyển": "OTHER",
    "hiệp thương cử": "OTHER",
    "cử": "OTHER",
    "tái cử": "BAU",
    "đắc cử": "BAU",
    "tái đắc cử": "BAU",
    "phê chuẩn": "OTHER",
    "chuẩn y": "OTHER",
    "giao quyền": "OTHER",
}


def slots_of(positions: Iterable[str], of_bodies: dict[str, list[str]]) -> tuple[Slot, ...]:
    """One slot per (position, OF body); a position with no OF body gets body None."""
    out: list[Slot] = []
    for p in positions:
        bodies = of_bodies.get(p) or [None]
        out.extend(Slot(p, b) for b in bodies)
    return tuple(out)


def expected_arguments(doc: Document) -> dict[str, tuple[tuple[Slot, ...], tuple[Slot, ...], tuple[str, ...]]]:
    """person id -> (from, to, destination) implied by the relations, for moved persons only."""
    of_bodies: dict[str, list[str]] = {}
    by_person: dict[str, dict[str, list[str]]] = {}
    for r in doc.relations:
        if r.type == "OF":
            of_bodies.setdefault(r.head, []).append(r.tail)
        elif r.type in ("HOLDS", "APPOINTED_TO", "TRANSFERRED_TO"):
            by_person.setdefault(r.head, {}).setdefault(r.type, []).append(r.tail)
    out = {}
    for person, rels in by_person.items():
        if not MOVE_RELATIONS & set(rels):
            continue
        out[person] = (
            slots_of(rels.get("HOLDS", []), of_bodies),
            slots_of(rels.get("APPOINTED_TO", []), of_bodies),
            tuple(rels.get("TRANSFERRED_TO", [])),
        )
    return out


_TRIGGER_RE = re.compile(
    r"(?<![^\W_])(" + "|".join(sorted((re.escape(k) for k in TRIGGER_LEXICON), key=len, reverse=True)) + r")(?![^\W_])",
    re.IGNORECASE,
)


def find_triggers(text: str, start: int, end: int) -> list[Trigger]:
    """Trigger words in `text[start:end]`, offsets into `text`. Matching is done on the NFC form;
    the offsets are mapped back so NFD input still gets offsets into the original string."""
    piece = text[start:end]
    composed = nfc(piece)
    if composed == piece:
        return [Trigger(start + m.start(), start + m.end(), text[start + m.start():start + m.end()])
                for m in _TRIGGER_RE.finditer(piece)]
    # map NFC offsets back to the original by normalising prefixes (rare path: NFD input)
    triggers = []
    for m in _TRIGGER_RE.finditer(composed):
        s = _nfc_to_original(piece, m.start())
        e = _nfc_to_original(piece, m.end())
        triggers.append(Trigger(start + s, start + e, text[start + s:start + e]))
    return triggers


def _nfc_to_original(piece: str, nfc_offset: int) -> int:
    for i in range(len(piece) + 1):
        if len(nfc(piece[:i])) >= nfc_offset:
            return i
    return len(piece)


def trigger_class(trigger: Optional[Trigger]) -> str:
    if trigger is None:
        return "OTHER"
    return TRIGGER_LEXICON.get(lower_key(trigger.text), "OTHER")


TriggerSource = Callable[[str, int, int], list[Trigger]]


def find_trigger(text: str, person: Entity, sentence: tuple[int, int],
                 source: TriggerSource = find_triggers) -> Optional[Trigger]:
    """The governing trigger of a move of `person` in the sentence `[start, end)`: the first trigger of
    the chain (triggers joined by commas / "và") nearest before the person; else the first after.
    `source(text, start, end)` gives the sentence's trigger words (default: the lexicon)."""
    triggers = source(text, *sentence)
    before = [t for t in triggers if t.end <= person.start]
    if before:
        chain = [before[-1]]
        for t in reversed(before[:-1]):
            gap = text[t.end:chain[0].start]
            if re.fullmatch(r"[\s,]*(?:và|,)?[\s,]*", gap):
                chain.insert(0, t)
            else:
                break
        return chain[0]
    after = [t for t in triggers if t.start >= person.end]
    return after[0] if after else None


_LIST_ITEM = re.compile(r"\s*(?:[-+•*–]|\d{1,2}[.)])\s")


def list_intro_trigger(text: str, sentences: list[tuple[int, int]], k: int,
                       source: TriggerSource = find_triggers) -> Optional[Trigger]:
    """For a person in a list item ("- Ông X, ..., giữ chức Y."), the trigger of the sentence that
    introduces the list ("... điều động, bổ nhiệm các đồng chí sau:")."""
    if not _LIST_ITEM.match(text[sentences[k][0]:sentences[k][1]] + " "):
        return None
    j = k - 1
    while j >= 0 and _LIST_ITEM.match(text[sentences[j][0]:sentences[j][1]] + " "):
        j -= 1
    if j < 0 or not text[sentences[j][0]:sentences[j][1]].rstrip().endswith(":"):
        return None
    s, e = sentences[j]
    end = Entity("", "PERSON", e, e, "")
    return find_trigger(text, end, (s, e), source)


def assemble_events(doc: Document, sentences: list[tuple[int, int]], scores: Optional[dict[str, float]] = None,
                    triggers: Optional[Sequence[tuple[Trigger, str]]] = None,
                    lexicon_fallback: bool = False) -> tuple[Event, ...]:
    """Events for `doc` from its relations; `sentences` are (start, end) spans used to find triggers.
    `triggers`: trigger words with their event class (the model's trigger head); None: the lexicon."""
    entities = doc.entity_map()
    if triggers is None:
        source, classify = find_triggers, trigger_class
    else:
        ordered = sorted(triggers, key=lambda tc: tc[0].start)
        classes = {(t.start, t.end): c for t, c in ordered}

        def source(text: str, start: int, end: int) -> list[Trigger]:
            return [t for t, _ in ordered if start <= t.start and t.end <= end]

        def classify(trigger: Optional[Trigger]) -> str:
            return "OTHER" if trigger is None else classes[(trigger.start, trigger.end)]
    events = []
    for n, (person, (from_, to, dest)) in enumerate(
        sorted(expected_arguments(doc).items(), key=lambda kv: entities[kv[0]].start), start=1
    ):
        ent = entities[person]
        k = next((i for i, (s, e) in enumerate(sentences) if s <= ent.start < e), None)
        sentence = sentences[k] if k is not None else (0, len(doc.text))
        def governing(src: TriggerSource) -> Optional[Trigger]:
            found = find_trigger(doc.text, ent, sentence, src)
            return found if found is not None or k is None else list_intro_trigger(doc.text, sentences, k, src)

        trigger = governing(source)
        cls = classify(trigger)
        if trigger is None and triggers is not None and lexicon_fallback:
            # the head found no trigger for this move: a trigger word of the lexicon in the sentence, if any
            trigger = governing(find_triggers)
            cls = trigger_class(trigger)
        events.append(Event(
            id=f"E{n}", type=cls, trigger=trigger, person=person,
            from_=from_, to=to, destination=dest,
            score=(scores or {}).get(person),
        ))
    return tuple(events)
