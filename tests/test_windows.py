"""Long sentences in overlapping windows: per-syllable scores averaged over the windows that cover them,
entities that cross a window edge, relation candidates asked once; and the repairs as the extractor
chains them. The encoder is replaced by a scripted one that gives each window's scores, so the real
`Extractor` decodes known numbers."""
from __future__ import annotations

import pytest
import torch

from vntransfer.model.batching import Example, candidate_pairs, document_examples
from vntransfer.annotation.document import Document, Relation
from vntransfer.schema import RELATION_LABELS, TAGS
from vntransfer.pipeline import Extractor, ExtractorSettings
from vntransfer.stages import merge_windows as _merge_windows
from vntransfer.schema import ENTITY_TYPES
from vntransfer.model.tensors import WordEncoder
from vntransfer.annotation.validation import validate_document
from vntransfer.text.words import segment_words

from .tiny_encoders import make_wordpiece_tokenizer

PERSON, POSITION, BODY, LOC = (ENTITY_TYPES.index(t) for t in ("PERSON", "POSITION", "BODY", "LOCALITY"))
O, B, I = (TAGS.index(t) for t in ("O", "B", "I"))
FILLER = "các đồng chí đã dự họp và thảo luận về công tác cán bộ của tỉnh trong thời gian tới"
LONG = f"{FILLER} rồi ông Nguyễn Văn An , Giám đốc Sở Y tế , phát biểu ý kiến về {FILLER} ở Lào Cai"
TEXTS = [LONG, "Tân Bí thư Tỉnh ủy Nghệ An Nguyễn Đức Trung phát biểu.", "Cuối năm xã Tân Lập tổ chức đại hội."]


@pytest.fixture(scope="module")
def tokenizer(tmp_path_factory):
    return make_wordpiece_tokenizer(tmp_path_factory.mktemp("wordpiece"), TEXTS)


class ScriptedModel(torch.nn.Module):
    """Stands in for `TransferExtractorModel`: `scores(window, k)` gives the (types, tags) probabilities of
    syllable k of the window's sentence as that window sees it; relation pairs asked are recorded."""

    trigger_head = None
    crf = None  # independent tags: the softmax of its log-probabilities gives them back

    def __init__(self, scores):
        super().__init__()
        self.scores = scores
        self.pending, self.batch, self.asked = [], [], []

    def syllable_states(self, input_ids, attention_mask, syllable_token, syllable_kind, syllable_gazetteer=None,
                        syllable_mask=None):
        b, s = syllable_token.shape
        self.batch, self.pending = self.pending[:b], self.pending[b:]
        probs = torch.zeros(b, s, len(ENTITY_TYPES), len(TAGS))
        probs[..., O] = 1.0
        for i, w in enumerate(self.batch):
            for k in range(w.first, w.last + 1):
                probs[i, k - w.first] = self.scores(w, k)
        return probs.flatten(2)

    def entity_logits(self, states):
        return states.view(*states.shape[:2], len(ENTITY_TYPES), len(TAGS)).clamp_min(1e-9).log()

    def trigger_logits(self, states):
        return None

    def relation_logits(self, states, pairs):
        for p in pairs.tolist():
            w = self.batch[p[0]]
            self.asked.append(((p[1] + w.first, p[2] + w.first, p[5]), (p[3] + w.first, p[4] + w.first, p[6])))
        logits = torch.zeros(len(pairs), len(RELATION_LABELS))
        logits[:, 0] = 10.0  # NONE
        return logits


def scripted_extractor(tokenizer, scores, **settings) -> Extractor:
    model = ScriptedModel(scores)
    extractor = Extractor(model, tokenizer, ExtractorSettings(**settings))
    windows = extractor.encoder.windows

    def recorded(sentence, index):  # the windows of a batch, in the order the batch is built
        out = windows(sentence, index)
        model.pending.extend(out)
        return out

    extractor.encoder.windows = recorded
    return extractor


def tagged(spans: dict[int, tuple[int, int]], k: int) -> torch.Tensor:
    """Probabilities of syllable k: B/I of each type whose span (type -> (first, last)) holds it (a window
    that enters a span in its middle sees I first, as `document_examples` trains it)."""
    p = torch.zeros(len(ENTITY_TYPES), len(TAGS))
    p[:, O] = 1.0
    for t, (f, l) in spans.items():
        if f <= k <= l:
            p[t] = torch.eye(len(TAGS))[B if k == f else I]
    return p


def test_scores_are_averaged_over_the_windows_that_cover_a_syllable():
    (sentence,) = segment_words("a b c d e f g h i", segment=False)
    from vntransfer.model.tensors import Window

    windows = [Window(0, 0, 5, (), (), ()), Window(0, 3, 8, (), (), ())]
    examples = [Example(w, sentence) for w in windows]
    probs = torch.zeros(2, 6, 1, 3)
    probs[0, :, 0] = torch.tensor([0.7, 0.2, 0.1])  # window 0: syllables 0-5
    probs[1, :, 0] = torch.tensor([0.1, 0.2, 0.7])  # window 1: syllables 3-8
    merged = _merge_windows(probs, examples, [0, 1], 9)
    assert torch.allclose(merged[:3, 0], torch.tensor([0.7, 0.2, 0.1]).expand(3, 3))
    assert torch.allclose(merged[3:6, 0], torch.tensor([0.4, 0.2, 0.4]).expand(3, 3))  # the overlap: the mean
    assert torch.allclose(merged[6:, 0], torch.tensor([0.1, 0.2, 0.7]).expand(3, 3))
    # rows of another sentence in the same batch are not mixed in
    assert torch.allclose(_merge_windows(probs, examples, [1], 9)[:3], torch.zeros(3, 1, 3))


def _layout(tokenizer, wanted):
    """(max_length, stride, sentence, windows, index of "Nguyễn") for the first window sizes whose windows
    over LONG satisfy `wanted(windows, name)`: the test states the layout it needs, not magic numbers."""
    (sentence,) = segment_words(LONG, segment=False)
    name = [s.text for s in sentence.syllables].index("Nguyễn")
    for max_length in range(16, 96):
        for stride in (0, 4, 8, 16):
            windows = WordEncoder(tokenizer, max_length, stride).windows(sentence, 0)
            if wanted(windows, name):
                return max_length, stride, sentence, windows, name
    raise AssertionError("no window layout of the wanted shape")


def test_an_entity_no_window_holds_whole_is_one_span_with_exact_offsets(tokenizer):
    # the name "Nguyễn Văn An" starts at the end of one window and ends in the next
    max_length, stride, sentence, windows, name = _layout(tokenizer, lambda ws, n: not any(
        w.first <= n and n + 2 <= w.last for w in ws))
    spans = {PERSON: (name, name + 2), POSITION: (name + 4, name + 5), BODY: (name + 6, name + 8)}
    extractor = scripted_extractor(tokenizer, lambda w, k: tagged(spans, k), max_length=max_length, stride=stride,
                                   segment=False)
    doc = extractor.predict(LONG, id="long")
    assert len(windows) > 2
    assert [(e.type, e.text) for e in doc.entities] == [("PERSON", "Nguyễn Văn An"), ("POSITION", "Giám đốc"),
                                                       ("BODY", "Sở Y tế")]
    person = doc.entities[0]
    assert (person.start, person.end) == (sentence.syllables[name].start, sentence.syllables[name + 2].end)
    assert LONG[person.start:person.end] == person.text and person.score == pytest.approx(1.0)
    assert validate_document(doc) == []


def test_the_surer_window_wins_a_disagreement_in_the_overlap(tokenizer):
    # one window ends inside the name, the next holds it whole: the syllable after the edge is seen twice
    def cut_then_whole(ws, n):
        return any(w.first <= n <= w.last == n + 1 for w in ws) and any(w.first <= n and n + 2 <= w.last for w in ws)

    max_length, stride, sentence, windows, name = _layout(tokenizer, cut_then_whole)
    edge = next(w for w in windows if w.first <= name <= w.last == name + 1)
    # the window that ends at the name's second syllable doubts it (O 0.6, I 0.3); the other is sure of I
    doubt = torch.tensor([0.6, 0.1, 0.3])

    def scores(w, k, only_edge_doubts=True):
        p = tagged({PERSON: (name, name + 2)}, k)
        if k == name + 1 and (w == edge or not only_edge_doubts):
            p[PERSON] = doubt
        return p

    settings = {"max_length": max_length, "stride": stride, "segment": False}
    (person,) = scripted_extractor(tokenizer, scores, **settings).predict(LONG).entities
    assert person.text == "Nguyễn Văn An"
    # the span's score is the mean probability of its chosen tags after merging: B 1, I (0.3 + 1) / 2, I 1
    assert person.score == pytest.approx((1.0 + 0.65 + 1.0) / 3)
    # had both windows doubted it, the name would have been cut
    doc = scripted_extractor(tokenizer, lambda w, k: scores(w, k, only_edge_doubts=False), **settings).predict(LONG)
    assert "Nguyễn Văn An" not in [e.text for e in doc.entities]


def test_training_tags_of_an_entity_cut_by_a_window_edge(tokenizer):
    max_length, stride, sentence, windows, name = _layout(tokenizer, lambda ws, n: any(
        w.first <= n <= w.last < n + 2 for w in ws) and any(w.first <= n and n + 5 <= w.last for w in ws))
    syl = sentence.syllables
    start, end = syl[name].start, syl[name + 2].end
    doc = Document.from_dict({"id": "d", "text": LONG, "relations": [], "events": [], "entities": [
        {"id": "T1", "type": "PERSON", "start": start, "end": end, "text": LONG[start:end]},
        {"id": "T2", "type": "POSITION", "start": syl[name + 4].start, "end": syl[name + 5].end,
         "text": LONG[syl[name + 4].start:syl[name + 5].end]}]})
    doc = Document(doc.id, doc.text, doc.entities, (Relation("R1", "HOLDS", "T1", "T2"),))
    examples = document_examples(doc, WordEncoder(tokenizer, max_length, stride), segment=False)
    assert [x.window for x in examples] == windows
    for x in examples:
        w = x.window
        layer = [row[PERSON] for row in x.tags]
        for k in range(w.first, w.last + 1):
            want = B if k == name else I if name < k <= name + 2 else O
            assert layer[k - w.first] == want, (w.first, w.last, k)
        whole = w.first <= name and name + 2 <= w.last
        # only a window that holds the whole entity trains it as a relation argument
        people = [(f + w.first, l + w.first) for f, l, t in x.entities if t == PERSON]
        assert people == ([(name, name + 2)] if whole else [])
        if whole and name + 5 <= w.last:
            assert x.relations == {(0, 1): RELATION_LABELS.index("HOLDS")}
        else:
            assert x.relations == {}


def test_each_relation_candidate_is_asked_once_and_only_inside_a_window(tokenizer):
    place = len(segment_words(LONG, segment=False)[0].syllables) - 2  # "Lào Cai" at the very end

    def shared_but_not_with_the_end(ws, n):  # person, post and body in two windows; none holds them with the place
        return (sum(w.first <= n and n + 8 <= w.last for w in ws) >= 2
                and not any(w.first <= n and place <= w.last for w in ws))

    max_length, stride, sentence, windows, name = _layout(tokenizer, shared_but_not_with_the_end)
    spans = {PERSON: (name, name + 2), POSITION: (name + 4, name + 5), BODY: (name + 6, name + 8), LOC: (place, place + 1)}
    extractor = scripted_extractor(tokenizer, lambda w, k: tagged(spans, k), max_length=max_length, stride=stride,
                                   segment=False)
    doc = extractor.predict(LONG)
    assert [e.type for e in doc.entities] == ["PERSON", "POSITION", "BODY", "LOCALITY"]
    asked = extractor.model.asked
    assert len(asked) == len(set(asked))  # a pair two windows share is scored once
    person, post, body = (name, name + 2, PERSON), (name + 4, name + 5, POSITION), (name + 6, name + 8, BODY)
    # exactly the candidates of the entities a window holds together (the place at the end is with none of them)
    held = [person, post, body]
    assert set(asked) == {(held[i], held[j]) for i, j in candidate_pairs(held)}
    assert set(asked) == {(person, post), (person, body), (post, body)}
    assert doc.relations == ()  # every pair scored NONE


def test_the_repairs_in_the_extractor_keep_holder_modifiers_and_years_out(tokenizer):
    def run(text, spans_by_text):
        (sentence,) = segment_words(text)
        texts = [s.text for s in sentence.syllables]
        spans = {}
        for t, surface in spans_by_text.items():
            words = surface.split()
            f = next(i for i in range(len(texts)) if texts[i:i + len(words)] == words)
            spans[t] = (f, f + len(words) - 1)
        return scripted_extractor(tokenizer, lambda w, k: tagged(spans, k)).predict(text)

    # the segmenter glues "Tân_Bí_thư"; the model tags [Bí thư]: the post stays without "Tân" (new)
    doc = run(TEXTS[1], {POSITION: "Bí thư", BODY: "Tỉnh ủy Nghệ An", LOC: "Nghệ An", PERSON: "Nguyễn Đức Trung"})
    assert [(e.type, e.text) for e in doc.entities] == [("POSITION", "Bí thư"), ("BODY", "Tỉnh ủy Nghệ An"),
                                                       ("LOCALITY", "Nghệ An"), ("PERSON", "Nguyễn Đức Trung")]
    # "Cuối năm": the year, not five: the commune keeps its admin word
    doc = run(TEXTS[2], {LOC: "xã Tân Lập"})
    assert [(e.type, e.text) for e in doc.entities] == [("LOCALITY", "xã Tân Lập")]
    assert validate_document(doc) == []
