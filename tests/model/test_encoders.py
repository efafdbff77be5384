"""Checkpoints of the other tokenizer families (README: any Hugging Face checkpoint): a WordPiece BERT and a
SentencePiece (Unigram) XLM-R, made in the test. Syllables point at the piece holding their first character
whatever the piece markers (`##`, `▁`) and however pieces straddle the `_` that joins a word's syllables; a
model trained on either saves, reloads with its own tokenizer and predicts exact offsets."""
from __future__ import annotations

import pytest
from transformers import AutoTokenizer

from vntransfer.pipeline import load
from vntransfer.model.tensors import WordEncoder, _piece_length
from vntransfer.training.trainer import TrainingArguments, train
from vntransfer.annotation.validation import validate_document
from vntransfer.text.words import form_syllables, segment_words, word_string

from ..conftest import overfit_documents
from ..tiny_encoders import make_unigram_encoder, make_wordpiece_encoder

FAMILIES = {"wordpiece": (make_wordpiece_encoder, "BertTokenizer", "##"),
            "unigram": (make_unigram_encoder, "XLMRobertaTokenizer", "▁")}


@pytest.mark.parametrize("family", FAMILIES)
def test_every_syllable_points_at_the_piece_that_holds_its_first_character(tmp_path, family):
    make, tokenizer_class, marker = FAMILIES[family]
    docs = overfit_documents()
    tokenizer = AutoTokenizer.from_pretrained(make(tmp_path, [d.text for d in docs]), use_fast=False)
    assert type(tokenizer).__name__ == tokenizer_class
    encoder = WordEncoder(tokenizer)
    multi_piece_syllables = marked = 0
    for doc in docs:
        for si, sentence in enumerate(segment_words(doc.text)):
            (window,) = encoder.windows(sentence, si)
            assert window.input_ids[0] == tokenizer.cls_token_id and window.input_ids[-1] == tokenizer.sep_token_id
            k, offset = 0, 1  # the window's position of the word's first piece (after the start token)
            for w in sentence.words:
                form = word_string(sentence, w)
                pieces = tokenizer.tokenize(form)
                ids = tokenizer.convert_tokens_to_ids(pieces)
                assert tokenizer.unk_token_id not in ids and sum(map(_piece_length, pieces)) == len(form), form
                assert list(window.input_ids[offset:offset + len(ids)]) == ids
                marked += sum(marker in p for p in pieces)
                ends, total = [], 0
                for p in pieces:
                    total += _piece_length(p)
                    ends.append(total)
                at = 0  # the syllable's first character in the word
                for syllable in form_syllables(sentence, w):
                    owner = window.syllable_token[k] - offset
                    begin = ends[owner] - _piece_length(pieces[owner])
                    assert begin <= at < ends[owner], (form, syllable, pieces[owner])
                    multi_piece_syllables += len(syllable) > ends[owner] - at
                    at += len(syllable) + 1
                    k += 1
                offset += len(ids)
            assert k == len(sentence.syllables)
    assert marked and multi_piece_syllables  # the markers and syllables over several pieces were met


@pytest.mark.slow
@pytest.mark.parametrize("family", FAMILIES)
def test_trained_on_another_tokenizer_family_it_reloads_and_predicts_exact_offsets(tmp_path, family):
    make, tokenizer_class, _ = FAMILIES[family]
    docs = overfit_documents()
    encoder = make(tmp_path / "encoder", [d.text for d in docs], hidden=64, layers=1)
    args = TrainingArguments(train=[], dev=[], encoder=str(encoder), output_dir=str(tmp_path / "model"),
                             checkpoint_dir=str(tmp_path / "ckpt"), epochs=30, batch_size=2, learning_rate=3e-3,
                             warmup_ratio=0.05, progress=False, seed=1)
    trained, history = train(args, train_docs=docs, dev_docs=[])
    assert history[-1]["loss"] < history[0]["loss"] / 10
    extractor = load(tmp_path / "model")
    assert type(extractor.tokenizer).__name__ == tokenizer_class
    for gold in docs:
        pred = extractor.predict(gold.text, id=gold.id)
        assert pred.to_dict() == trained.predict(gold.text, id=gold.id).to_dict()  # the reload changed nothing
        assert validate_document(pred) == []
        assert all(gold.text[e.start:e.end] == e.text for e in pred.entities)
        assert sorted((e.type, e.start, e.end) for e in pred.entities) == sorted((e.type, e.start, e.end) for e in gold.entities)
