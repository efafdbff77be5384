# Two entry points, both from a fresh clone: `make all` (main job) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: all test install validate data encoders model report ablation clean

# main job: validate the gold, make the training data, pretrain the encoders, train the default model,
# cross-validate it against the baselines and refresh README's results
all: install validate data encoders model report ablation

# torch is pinned to the local CPU build first, so that nothing pulls a CUDA build.
$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test]'
	touch $(BIN)/activate

install: $(BIN)/activate

validate: install
	$(BIN)/vntransfer validate annotations/
	$(BIN)/vntransfer stats annotations/*.json

data: install
	$(BIN)/vntransfer generate --n 600 --seed 0 --out data/generated/generated.jsonl
	$(BIN)/vntransfer validate data/written data/generated

# models/encoder: all reachable text (seeds included) for the shipped model;
# models/encoder-cv: the same without the seed texts, so cross-validation never pretrains on a test document
encoders: data
	$(BIN)/vntransfer pretrain $(wildcard data/*.txt) data/written data/generated/generated.jsonl --out models/encoder
	$(BIN)/vntransfer pretrain data/written data/generated/generated.jsonl --out models/encoder-cv

model: install
	$(BIN)/python train.py configs/default.json --readme README.md

report: install
	$(BIN)/python evaluate.py --cv --config configs/cv.json --out reports/cv --update-readme

ablation: install
	$(BIN)/python evaluate.py --ablation --config configs/cv.json --bootstrap 200 --out reports/ablation --update-readme

test: install
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
