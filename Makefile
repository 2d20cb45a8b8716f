# docbatch: `make run` starts everything, `make test` runs the whole suite. Both set up first.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: install run migrate test bench eval train worker api clean

$(STAMP): pyproject.toml scripts/install-system.sh
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	bash scripts/install-system.sh
	@touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/docbatch run

test: $(STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) -m bench

eval: $(STAMP)
	$(PY) -m pip install -q -e '.[train]'
	$(PY) tools/eval.py ../shared/corpus

# fits the field ranker on ../shared/corpus and writes extraction/ranker/model.json (k-fold first),
# then the built-in examples per-organisation models are retrained with (extraction/learning)
train: $(STAMP)
	$(PY) -m pip install -q -e '.[train]'
	$(PY) tools/train_ranker.py ../shared/corpus
	$(PY) tools/learning_data.py --ocr ../shared/corpus

migrate: $(STAMP)
	$(VENV)/bin/docbatch migrate

worker: $(STAMP) migrate
	$(PY) worker.py

api: $(STAMP) migrate
	$(VENV)/bin/uvicorn api.app:app_factory --factory --host 127.0.0.1 --port $${DOCBATCH_API_PORT:-8000}

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
