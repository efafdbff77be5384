from __future__ import annotations

from vntransfer.annotation.document import Document, Entity, Relation, Slot
from vntransfer.events import assemble_events, find_trigger, trigger_class
from vntransfer.annotation.validation import validate_document


def _person(text: str, name: str) -> Entity:
    s = text.index(name)
    return Entity("T1", "PERSON", s, s + len(name), name)


def test_trigger_is_first_verb_of_the_chain():
    text = "Tỉnh ủy quyết định điều động, bổ nhiệm ông Nguyễn Văn A giữ chức Giám đốc."
    t = find_trigger(text, _person(text, "Nguyễn Văn A"), (0, len(text)))
    assert t.text == "điều động" and trigger_class(t) == "DIEU_DONG"


def test_duoc_dieu_ve_is_dieu_dong_on_dieu():
    text = "Ông Trần Văn B được điều về làm Phó Chủ tịch UBND huyện."
    t = find_trigger(text, _person(text, "Trần Văn B"), (0, len(text)))
    assert (t.text, trigger_class(t)) == ("điều", "DIEU_DONG")


def test_no_trigger_gives_other():
    text = "Quyết định về việc ông Lê C giữ chức Giám đốc."
    assert find_trigger(text, _person(text, "Lê C"), (0, len(text))) is None
    assert trigger_class(None) == "OTHER"


def test_assembled_events_validate(transfer_doc):
    doc = Document(transfer_doc.id, transfer_doc.text, transfer_doc.entities, transfer_doc.relations)
    (event,) = assemble_events(doc, [(0, len(doc.text))])
    assert event.type == "DIEU_DONG" and event.trigger.text == "điều động"
    assert event.from_ == (Slot("T3", "T4"),) and event.to == (Slot("T5", "T6"),) and event.destination == ("T8",)
    assert validate_document(Document(doc.id, doc.text, doc.entities, doc.relations, (event,))) == []


def test_nfd_trigger_offsets_point_into_the_original():
    import unicodedata

    text = unicodedata.normalize("NFD", "Ông Phạm D được bổ nhiệm giữ chức Giám đốc.")
    s = text.index("Phạm D".replace("ạ", unicodedata.normalize("NFD", "ạ")))
    person = Entity("T1", "PERSON", s, s + len(unicodedata.normalize("NFD", "Phạm D")), text[s:s + len(unicodedata.normalize("NFD", "Phạm D"))])
    t = find_trigger(text, person, (0, len(text)))
    assert text[t.start:t.end] == t.text and unicodedata.normalize("NFC", t.text) == "bổ nhiệm"


def test_list_items_take_the_trigger_of_the_line_that_introduces_the_list():
    from vntransfer.text.words import split_sentences

    text = ("Ban Thường vụ Tỉnh ủy đã điều động, bổ nhiệm các đồng chí sau:\n"
            "- Ông Lê Văn Nam, Phó Giám đốc Sở Y tế, giữ chức Giám đốc Sở Y tế.\n")
    s = text.index("Lê Văn Nam")
    t = text.index("Giám đốc Sở Y tế.")
    doc = Document("d", text, (Entity("T1", "PERSON", s, s + 10, "Lê Văn Nam"), Entity("T2", "POSITION", t, t + 8, "Giám đốc")),
                   (Relation("R1", "APPOINTED_TO", "T1", "T2"),))
    (event,) = assemble_events(doc, split_sentences(text))
    assert event.type == "DIEU_DONG" and event.trigger.text == "điều động"
