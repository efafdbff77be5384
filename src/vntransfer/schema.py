"""The label inventory of SPEC.md, in one place: every other module reads it from here (entity, relation and
event types, and the label lists of the model's heads built from them)."""
from __future__ import annotations

ENTITY_TYPES: tuple[str, ...] = ("PERSON", "POSITION", "BODY", "LOCALITY")

#: relation type -> allowed (head type, tail type) pairs
RELATION_SIGNATURES: dict[str, frozenset[tuple[str, str]]] = {
    "HOLDS": frozenset({("PERSON", "POSITION")}),
    "APPOINTED_TO": frozenset({("PERSON", "POSITION")}),
    "OF": frozenset({("POSITION", "BODY")}),
    "LOCATED_IN": frozenset({("BODY", "LOCALITY")}),
    "TRANSFERRED_TO": frozenset({("PERSON", "BODY"), ("PERSON", "LOCALITY")}),
}
RELATION_TYPES: tuple[str, ...] = tuple(RELATION_SIGNATURES)

#: relations that make a person the subject of a transfer event
MOVE_RELATIONS: frozenset[str] = frozenset({"APPOINTED_TO", "TRANSFERRED_TO"})

EVENT_TYPES: tuple[str, ...] = (
    "DIEU_DONG", "LUAN_CHUYEN", "BO_NHIEM", "CHI_DINH", "BAU",
    "GIOI_THIEU", "TIEP_NHAN", "PHAN_CONG", "OTHER",
)

#: per-syllable tags of the trigger head: O, then B-/I- for each event class (the class of a trigger
#: word is the type of the events it governs)
TRIGGER_TAGS: tuple[str, ...] = ("O", *(f"{p}-{c}" for c in EVENT_TYPES for p in "BI"))

#: per-syllable tags of each entity type layer of the entity head (one O/B/I layer per type, so a
#: LOCALITY can sit inside a BODY)
TAGS: tuple[str, ...] = ("O", "B", "I")

#: labels of the relation head: no relation, then the relation types
RELATION_LABELS: tuple[str, ...] = ("NONE", *RELATION_TYPES)

#: the only nesting SPEC.md allows: (inner type, outer type)
ALLOWED_NESTING: frozenset[tuple[str, str]] = frozenset({("LOCALITY", "BODY")})


def relation_types_for(head_type: str, tail_type: str) -> tuple[str, ...]:
    """Relation types whose signature admits this ordered pair of entity types."""
    return tuple(r for r, sigs in RELATION_SIGNATURES.items() if (head_type, tail_type) in sigs)


#: every ordered (head type, tail type) pair that some relation admits
RELATION_PAIRS: tuple[tuple[str, str], ...] = tuple(
    sorted({pair for sigs in RELATION_SIGNATURES.values() for pair in sigs})
)
