"""Tiny encoders of the two other tokenizer families a Hugging Face checkpoint may bring (README: any
checkpoint works), made in the test: WordPiece (`##` continuations, BERT) and a SentencePiece-style
Unigram model (`▁` word starts, XLM-R), each with a small random model of its architecture."""
from __future__ import annotations

from pathlib import Path

SPECIAL_BERT = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def segmented_texts(texts: list[str]) -> list[str]:
    """The texts as the encoder reads them: word-segmented, the syllables of a word joined with `_`."""
    from vntransfer.text.words import segment_words, word_string

    return [" ".join(word_string(s, w) for s in segment_words(t) for w in s.words) for t in texts]


def make_wordpiece_tokenizer(directory: Path, texts: list[str]):
    """A cased BERT WordPiece tokenizer: every character (alone and as `##` continuation) and every
    syllable of `texts` as a whole piece, so words split into pieces of several characters."""
    from transformers import BertTokenizerFast

    directory.mkdir(parents=True, exist_ok=True)
    chars = sorted({c for t in texts for c in t if not c.isspace()} | set("_"))
    syllables = sorted({s for t in texts for s in t.split() if len(s) > 1})
    vocab = SPECIAL_BERT + chars + [f"##{c}" for c in chars] + syllables + [f"##{s}" for s in syllables]
    (directory / "vocab.txt").write_text("\n".join(dict.fromkeys(vocab)) + "\n", encoding="utf-8")
    tokenizer = BertTokenizerFast(str(directory / "vocab.txt"), do_lower_case=False, strip_accents=False)
    tokenizer.save_pretrained(directory)
    return tokenizer


def make_wordpiece_encoder(directory: Path, texts: list[str], hidden: int = 32, layers: int = 1) -> Path:
    import torch
    from transformers import AutoModel, BertConfig

    tokenizer = make_wordpiece_tokenizer(directory, texts)
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=2,
                        intermediate_size=2 * hidden, max_position_embeddings=256, pad_token_id=tokenizer.pad_token_id)
    torch.manual_seed(0)
    AutoModel.from_config(config).save_pretrained(directory)
    return directory


def make_unigram_encoder(directory: Path, texts: list[str], hidden: int = 32, layers: int = 1,
                         vocab_size: int = 300) -> Path:
    """A SentencePiece Unigram model trained here (the `tokenizers` library) on the word-segmented texts,
    wrapped as an XLM-R tokenizer, and a small random XLM-R."""
    import torch
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers
    from transformers import AutoModel, XLMRobertaConfig, XLMRobertaTokenizer

    directory.mkdir(parents=True, exist_ok=True)
    special = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    model = Tokenizer(models.Unigram())
    model.normalizer = normalizers.NFC()
    model.pre_tokenizer = pre_tokenizers.Metaspace()
    model.decoder = decoders.Metaspace()
    model.train_from_iterator(segmented_texts(texts) * 4, trainers.UnigramTrainer(
        vocab_size=vocab_size, special_tokens=special, unk_token="<unk>", show_progress=False))
    tokenizer = XLMRobertaTokenizer(tokenizer_object=model, bos_token="<s>", eos_token="</s>", sep_token="</s>",
                                    cls_token="<s>", unk_token="<unk>", pad_token="<pad>", mask_token="<mask>")
    tokenizer.save_pretrained(directory)
    config = XLMRobertaConfig(vocab_size=len(tokenizer), hidden_size=hidden, num_hidden_layers=layers,
                              num_attention_heads=2, intermediate_size=2 * hidden, max_position_embeddings=258,
                              type_vocab_size=1, pad_token_id=tokenizer.pad_token_id,
                              bos_token_id=tokenizer.bos_token_id, eos_token_id=tokenizer.eos_token_id)
    torch.manual_seed(0)
    AutoModel.from_config(config).save_pretrained(directory)
    return directory
