"""Segmentation through datasets (segmenting.py): the on-disk cache gives back exactly what `segment_words`
gives, is read instead of segmenting again, and is keyed by the texts and the segmenting code."""
from __future__ import annotations

import pytest

from vntransfer.text import segmenting
from vntransfer.model.batching import document_examples
from vntransfer.text.segmenting import cache_key, segment_dataset, segmented_texts
from vntransfer.model.tensors import WordEncoder
from vntransfer.text.words import segment_words

from ..conftest import make_phobert_style_encoder

TEXTS = ["Ban Thường vụ Tỉnh ủy điều động ông Nguyễn Văn An, Phó Giám đốc Sở Y tế.\nĐồng chí Trần Thị Bình được bầu.",
         "", "Ông A. B. Lê. " + "rất dài " * 150 + "kết thúc."]  # an empty text; a sentence cut at 200 syllables


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(segmenting.CACHE_ENV, str(tmp_path / "cache"))
    segmenting.forget_segmentations()
    yield tmp_path / "cache"
    segmenting.forget_segmentations()


@pytest.mark.parametrize("segment", [True, False])
def test_the_cache_gives_what_segment_words_gives(cache, segment):
    assert segmented_texts(TEXTS, segment) == [tuple(segment_words(t, segment=segment)) for t in TEXTS]
    assert list(cache.glob("segments-*.arrow"))
    segmenting.forget_segmentations()  # read back from disk this time
    assert segmented_texts(TEXTS, segment) == [tuple(segment_words(t, segment=segment)) for t in TEXTS]


def test_a_warm_cache_does_not_segment_again(cache, monkeypatch):
    segment_dataset(TEXTS)
    segmenting.forget_segmentations()

    def refuse(*a, **k):
        raise AssertionError("segmented again")

    monkeypatch.setattr(segmenting, "segment_words", refuse)
    assert [len(s) for s in segmented_texts(TEXTS)] == [len(segment_words(t)) for t in TEXTS]
    with pytest.raises(AssertionError, match="segmented again"):
        segmented_texts(["Văn bản mới."])  # a text never seen is segmented


def test_the_key_follows_the_texts_and_the_segmenting_choice():
    assert cache_key(TEXTS, True) == cache_key(list(TEXTS), True)
    assert cache_key(TEXTS, True) != cache_key(TEXTS, False)
    assert cache_key(TEXTS, True) != cache_key(TEXTS[:1] + ["Ban Thường vụ Tỉnh uỷ."], True)
    assert cache_key(["a", "b"], True) != cache_key(["ab"], True)


def test_cache_off_keeps_nothing_on_disk(tmp_path, monkeypatch):
    monkeypatch.setenv(segmenting.CACHE_ENV, "off")
    monkeypatch.chdir(tmp_path)
    segmenting.forget_segmentations()
    assert segmented_texts(TEXTS[:1]) == [tuple(segment_words(TEXTS[0]))]
    assert not list(tmp_path.rglob("*.arrow"))
    segmenting.forget_segmentations()


def test_training_examples_are_the_same_tensors(cache, tmp_path, gold_documents):
    docs = gold_documents[:2]
    encoder_dir = make_phobert_style_encoder(tmp_path / "enc", [d.text for d in docs])
    from transformers import AutoTokenizer

    encoder = WordEncoder(AutoTokenizer.from_pretrained(encoder_dir, use_fast=False))
    cached = segmented_texts([d.text for d in docs])
    for doc, sentences in zip(docs, cached):
        a, b = document_examples(doc, encoder), document_examples(doc, encoder, sentences=sentences)
        assert [(x.window, x.tags, x.entities, x.relations, x.trigger_tags) for x in a] == \
               [(x.window, x.tags, x.entities, x.relations, x.trigger_tags) for x in b]
