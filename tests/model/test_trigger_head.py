"""The trigger head: gold trigger tags from the events, decoding of its tags, and event assembly from
the triggers it finds (in place of the lexicon)."""
import torch

from vntransfer.model.batching import document_examples
from vntransfer.annotation.document import Document, Trigger
from vntransfer.events import assemble_events
from vntransfer.annotation.formats.markup import parse_block
from vntransfer.model.network import TransferExtractorModel
from vntransfer.decoding.spans import Span
from vntransfer.decoding.triggers import decode_triggers
from vntransfer.schema import TRIGGER_TAGS
from vntransfer.model.tensors import WordEncoder
from vntransfer.text.words import split_sentences

from ..conftest import APPROVAL_MARKUP as APPROVAL, make_phobert_style_encoder



def test_decode_triggers_spans_and_classes():
    tag = {t: i for i, t in enumerate(TRIGGER_TAGS)}
    tags = [tag["O"], tag["B-DIEU_DONG"], tag["I-DIEU_DONG"], tag["O"], tag["I-BAU"], tag["B-OTHER"], tag["I-BO_NHIEM"]]
    assert decode_triggers(tags) == [Span(1, 2, "DIEU_DONG"), Span(4, 4, "BAU"), Span(5, 5, "OTHER"), Span(6, 6, "BO_NHIEM")]


def test_assembly_uses_the_given_triggers_not_the_lexicon():
    gold = parse_block(APPROVAL)
    bare = Document(gold.id, gold.text, gold.entities, gold.relations)
    sentences = split_sentences(gold.text)
    # the lexicon knows "phê chuẩn" but "bầu" is nearer the people: it takes "bầu" (BAU)
    assert {e.type for e in assemble_events(bare, sentences)} == {"BAU"}
    # the trigger head's reading: "phê chuẩn" governs both people, class OTHER
    start = gold.text.index("phê chuẩn")
    events = assemble_events(bare, sentences, triggers=[(Trigger(start, start + 9, "phê chuẩn"), "OTHER")])
    assert [(e.type, e.trigger.text) for e in events] == [("OTHER", "phê chuẩn")] * 2
    assert events == gold.events
    # no trigger word found in the sentence: an OTHER event with a null trigger
    assert [(e.type, e.trigger) for e in assemble_events(bare, sentences, triggers=[])] == [("OTHER", None)] * 2


def test_gold_trigger_tags_of_the_training_examples(tmp_path):
    gold = parse_block(APPROVAL)
    encoder_dir = make_phobert_style_encoder(tmp_path / "enc", [gold.text])
    from transformers import AutoTokenizer

    (example,) = document_examples(gold, WordEncoder(AutoTokenizer.from_pretrained(encoder_dir, use_fast=False)), segment=False)
    labels = [TRIGGER_TAGS[t] for t in example.trigger_tags]
    syllables = [s.text for s in example.syllables]
    k = syllables.index("phê")
    assert labels[k:k + 2] == ["B-OTHER", "I-OTHER"]
    assert labels.count("O") == len(labels) - 2  # "bầu" after "kết quả" governs no one here


def test_model_trigger_logits_shape_and_absence(tmp_path):
    from transformers import AutoModel

    enc = make_phobert_style_encoder(tmp_path / "enc", ["Ông An"])
    states = torch.zeros(2, 5, AutoModel.from_pretrained(enc).config.hidden_size)
    with_head = TransferExtractorModel(AutoModel.from_pretrained(enc), trigger_head=True)
    assert with_head.trigger_logits(states).shape == (2, 5, len(TRIGGER_TAGS))
    assert TransferExtractorModel(AutoModel.from_pretrained(enc)).trigger_logits(states) is None


def test_overlapping_spans_resolved_as_spec_allows():
    from vntransfer.decoding.spans import Span, resolve_overlaps

    P, POS, B, L = "PERSON", "POSITION", "BODY", "LOCALITY"
    # "Hà Nội" tagged BODY (0.6) and LOCALITY (0.9) on the same syllables: one span, LOCALITY
    assert resolve_overlaps([Span(0, 1, B, 0.6), Span(0, 1, L, 0.9)]) == [Span(0, 1, L, 0.9)]
    # a LOCALITY inside a BODY stays nested
    assert resolve_overlaps([Span(0, 4, B, 0.8), Span(2, 4, L, 0.7)]) == [Span(0, 4, B, 0.8), Span(2, 4, L, 0.7)]
    # [Đảng ủy xã] and [xã Đinh Thanh]: the body grows over the place it runs into
    assert resolve_overlaps([Span(0, 2, B, 0.8), Span(2, 4, L, 0.7)]) == [Span(0, 4, B, 0.8), Span(2, 4, L, 0.7)]
    # a POSITION crossing a BODY: the surer one stays
    assert resolve_overlaps([Span(0, 2, POS, 0.6), Span(1, 3, B, 0.9), Span(5, 6, P, 0.5)]) == [Span(1, 3, B, 0.9), Span(5, 6, P, 0.5)]


def test_text_without_diacritics_is_recognised():
    from vntransfer.pipeline import looks_undiacritised

    assert looks_undiacritised("Ong Nguyen Van An giu chuc Bi thu Tinh uy Lao Cai tu thang 3")
    assert not looks_undiacritised("Ông Nguyễn Văn An giữ chức Bí thư Tỉnh ủy Lào Cai từ tháng 3")
    assert not looks_undiacritised("UBND TP.HCM")  # too short to tell


def test_trigger_spans_grow_to_whole_words_and_the_lexicon_backs_up_the_head():
    from vntransfer.text.words import Word

    tag = {t: i for i, t in enumerate(TRIGGER_TAGS)}
    # "được luân_chuyển về": the head tagged only "luân"
    words = (Word(0, 0), Word(1, 2), Word(3, 3))
    assert decode_triggers([tag["O"], tag["B-LUAN_CHUYEN"], tag["O"], tag["O"]], words) == [Span(1, 2, "LUAN_CHUYEN")]
    # the segmenter glued a degree to the verb ("bầu_PGS"): the trigger does not grow over the capitals
    from vntransfer.text.syllables import split_syllables

    syllables = split_syllables("đã bầu PGS Trần")
    glued = (Word(0, 0), Word(1, 2), Word(3, 3))
    assert decode_triggers([tag["O"], tag["B-BAU"], tag["O"], tag["O"]], glued, syllables) == [Span(1, 1, "BAU")]
    gold = parse_block(APPROVAL)
    bare = Document(gold.id, gold.text, gold.entities, gold.relations)
    sentences = split_sentences(gold.text)
    # the head found nothing in the sentence: the lexicon's trigger word, if asked for
    backed = assemble_events(bare, sentences, triggers=[], lexicon_fallback=True)
    assert {(e.type, e.trigger.text) for e in backed} == {("BAU", "bầu")}
