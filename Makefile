# Two entry points, both from a fresh clone: `make all` (main job) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
GENERATED := data/generated/generated.jsonl
WRITTEN := $(wildcard data/written/*/*.json)

.PHONY: all test install validate data encoder encoder-cv model shipped dev report ablation decoders clean

# main job: validate the gold, make the training data, pretrain the encoders, train the default model,
# score it on the dev set, cross-validate over the seeds against the baselines, refresh README's results.
# Every job is one torch thread (this model's small operations gain almost nothing from a second thread), and
# the machine's cores run jobs side by side: the two pretrainings together, then the shipped model (and its dev
# report) beside the cross-validation folds (evaluate.py --jobs). Folds run in one process more than there are
# cores, so that five folds leave no core idle: in make all, the shipped model and 3 folds share 2 cores, then 2
# folds fill them (three trainings' time, against three and a half with 2 fold processes, where the fifth fold ran
# alone); alone (make report, make ablation), 3 folds then 2 take two and a half trainings' time, against three.
# `make all CORES=1` runs them one after another.
CORES ?= $(shell nproc 2>/dev/null || echo 2)
THREADS ?= 1
JOBS ?= $(shell echo $$(( $(CORES) > 1 ? $(CORES) + 1 : 1 )))
TORCH := OMP_NUM_THREADS=$(THREADS)
all: install validate
	$(MAKE) -j$(CORES) encoder encoder-cv
	$(MAKE) -j$(CORES) shipped report

# torch is pinned to the local CPU build first, so that nothing pulls a CUDA build (elsewhere, add
# --index-url https://download.pytorch.org/whl/cpu to get the CPU wheel: see README, "Install").
$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test]'
	touch $(BIN)/activate

install: $(BIN)/activate

validate: install
	$(BIN)/vntransfer validate annotations/ data/dev/
	$(BIN)/vntransfer stats annotations/*.json

# the generated corpus is rebuilt when the generator or its lexicons change
$(GENERATED): $(shell find src/vntransfer/synthetic -name "*.py") $(wildcard src/vntransfer/lexicons/*.tsv src/vntransfer/lexicons/*.py) | install
	$(BIN)/vntransfer generate --n 800 --seed 0 --out $(GENERATED)
	$(BIN)/vntransfer validate data/written $(GENERATED)
data: $(GENERATED)

# models/encoder: all reachable training text (seeds included) for the shipped model;
# models/encoder-cv: the same without the seed texts, so cross-validation never pretrains on a test document.
# The dev set (data/dev) is never pretrained or trained on.
models/encoder/pretrained.json: $(GENERATED) $(WRITTEN)
	$(TORCH) $(BIN)/vntransfer pretrain $(wildcard data/*.txt) data/written $(GENERATED) --out models/encoder
models/encoder-cv/pretrained.json: $(GENERATED) $(WRITTEN)
	$(TORCH) $(BIN)/vntransfer pretrain data/written $(GENERATED) --out models/encoder-cv
encoder: models/encoder/pretrained.json
encoder-cv: models/encoder-cv/pretrained.json

# the shipped model alone: data, pretrained encoder, training (selects its epoch on data/dev/dev40.jsonl)
model: encoder
	$(TORCH) $(BIN)/python train.py configs/default.json --readme README.md

# the shipped model, then its dev report (one job of make all, beside the cross-validation)
shipped: model
	$(MAKE) dev

# the shipped model on the dev set, beside the baselines -> README's dev block and reports/dev40/
dev: install
	$(TORCH) $(BIN)/python evaluate.py --model models/default --data data/dev/dev40.jsonl --update-readme

report: encoder-cv
	$(BIN)/python evaluate.py --cv --config configs/cv.json --out reports/cv --jobs $(JOBS) --update-readme

# its own target: five cross-validation runs, one per source of training signal (55 minutes on 2 cores with
# --jobs 3, measured 2026-12-02 beside one other training)
ablation: encoder-cv
	$(BIN)/python evaluate.py --ablation --config configs/cv.json --bootstrap 200 --out reports/ablation --jobs $(JOBS) --update-readme

# its own target (about 20 minutes): the shipped recipe trained once per entity decoder (independent softmax,
# CRF), each scored on the dev set with the repairs and without them
decoders: encoder
	$(BIN)/python evaluate.py --decoders --config configs/default.json --update-readme

# the import contract of pyproject.toml (the runtime path imports no generator, training or evaluation), then the tests
test: install
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
