# newsfacts — the few verbs you need. Everything installs itself into .venv on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

.PHONY: install demo up serve test chaos eval lint format clean cluster

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

demo: install          ## start everything, publish the seeds, print what was learned, stop
	$(BIN)/newsfacts demo

up: install            ## run every worker and the projector until Ctrl-C
	$(BIN)/newsfacts up

serve: install         ## the web UI and HTTP API on http://127.0.0.1:8000/ (read models of a running pipeline)
	$(BIN)/newsfacts serve

test: install          ## the whole suite: unit, component, integration, end-to-end (real server)
	$(BIN)/python -m pytest -q

chaos: install         ## fault injection: kill workers and the server while publishing, then audit the log
	NEWSFACTS_CHAOS=1 $(BIN)/python -m pytest -q -s -m chaos tests/chaos

cluster: install       ## a local Redis Cluster (3 masters, 3 replicas) under the data dir; prints its REDIS_URL
	$(BIN)/newsfacts cluster start

eval: install          ## extraction quality against the labelled set in eval/gold
	$(BIN)/newsfacts eval

lint: install          ## ruff and mypy (strict) on the product code
	$(BIN)/ruff check services tests
	$(BIN)/ruff format --check services tests
	$(BIN)/mypy

format: install
	$(BIN)/ruff format services tests
	$(BIN)/ruff check --fix services tests

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
