# Two entry points, both from a fresh clone: `make all` (main job) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: all test install validate model report clean

# main job: validate the gold, build the default encoder and model, cross-validate, refresh README
all: install validate model report

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

model: install
	$(BIN)/python train.py configs/default.json

report: install
	$(BIN)/python evaluate.py --cv --config configs/default.json --out reports/cv --update-readme

test: install
	$(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
