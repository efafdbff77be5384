"""Train the extractor: `python train.py [--encoder vinai/phobert-base-v2] ...` or `python train.py config.json`.

With no arguments it rebuilds the shipped default model in models/default from annotations/.
"""
import logging
import sys

from transformers import HfArgumentParser

from vntransfer.training import TrainingArguments, train


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    parser = HfArgumentParser(TrainingArguments)
    if len(sys.argv) == 2 and sys.argv[1].endswith(".json"):
        (args,) = parser.parse_json_file(sys.argv[1])
    else:
        (args,) = parser.parse_args_into_dataclasses()
    _, history = train(args)
    print(history[-1])


if __name__ == "__main__":
    main()
