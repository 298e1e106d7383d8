# cpbatch — every task a user or CI needs. `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
# The MongoDB-wire server the Mongo suites run against in `make test`: its own virtualenv,
# pinned here, never in .venv or constraints.txt.
SECANTUS_VERSION := 0.7.0b3
SECANTUS_VENV    ?= .venv-secantus
SECANTUS_STAMP   := $(SECANTUS_VENV)/.installed-$(SECANTUS_VERSION)
export PIP_CONSTRAINT := $(CURDIR)/constraints.txt
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: help install demo test test-mongo e2e-telegram bench chaos readme-tables lint format simulator run lock clean

help:
	@echo "make demo       run the bundled ClassPlus simulator and sync its demo org into ./downloads"
	@echo "make test       lint, type-check, import rules and the whole test suite (Mongo on SecantusDB)"
	@echo "make test-mongo the Mongo suites against MONGODB_URI (any MongoDB server, Atlas included)"
	@echo "make e2e-telegram the real bot on a local Telegram server (piltover), driven as a person would"
	@echo "make bench      the performance suite against curl; writes bench/results/latest.md and .json"
	@echo "                and the README's performance table"
	@echo "make chaos      faults, kill -9, bad input, secrets and load; prints one table, writes"
	@echo "                chaos/results/latest.md and .json and the README's reliability table"
	@echo "make readme-tables  rewrite the README's two tables from the results files (no run)"
	@echo "make lint       ruff, mypy and the import-linter layer contracts only"
	@echo "make format     format the code with ruff"
	@echo "make simulator  run the ClassPlus simulator in the foreground (demo world)"
	@echo "make run        run the Telegram bot (settings from the environment or .env)"
	@echo "make lock       re-pin constraints.txt from the current virtualenv"
	@echo "make clean      remove the virtualenv, caches and demo output"

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; sys.exit("cpbatch needs Python 3.11 or newer" if sys.version_info < (3, 11) else 0)'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev,telegram]'
	mkdir -p $(VENV)/mypy-path && ln -sfn $(CURDIR)/src $(VENV)/mypy-path/cpbatch
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(PY) -m cpbatch.entrypoints.demo

$(SECANTUS_STAMP):
	test -x $(SECANTUS_VENV)/bin/python || $(PYTHON) -m venv $(SECANTUS_VENV)
	PIP_CONSTRAINT= $(SECANTUS_VENV)/bin/python -m pip install --quiet 'SecantusDB==$(SECANTUS_VERSION)'
	touch $(SECANTUS_STAMP)

# The Mongo suites run against a throwaway SecantusDB the test session starts (never against
# a MONGODB_URI that happens to be set: that is `make test-mongo`).
test: lint $(SECANTUS_STAMP)
	env -u MONGODB_URI SECANTUS_PYTHON='$(CURDIR)/$(SECANTUS_VENV)/bin/python' $(PY) -m pytest

test-mongo: $(STAMP)
	@test -n "$$MONGODB_URI" || { echo "Set MONGODB_URI to a MongoDB server you may write to: the suites create and drop their own databases."; exit 2; }
	$(PY) -m pytest -m mongo

# piltover speaks layer 201: its own venv with kurigram 2.2.6; the product keeps its pin.
E2E_VENV  := .venv-e2e
E2E_STAMP := $(E2E_VENV)/.installed-stamp

$(E2E_STAMP): pyproject.toml constraints.txt
	test -x $(E2E_VENV)/bin/python || $(PYTHON) -m venv $(E2E_VENV)
	{ grep -vi '^kurigram==' constraints.txt; echo 'kurigram==2.2.6'; } > $(E2E_VENV)/constraints.txt
	PIP_CONSTRAINT=$(CURDIR)/$(E2E_VENV)/constraints.txt $(E2E_VENV)/bin/pip install --quiet -e '.[dev,telegram]'
	touch $(E2E_STAMP)

e2e-telegram: $(E2E_STAMP)
	$(E2E_VENV)/bin/python -m pytest tests/e2e/telegram -v

bench: $(STAMP)
	command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl; }
	$(PY) -m bench --size full
	$(PY) -m bench.readme

# The README gets the table even when an invariant did not hold; the exit status stays chaos's.
chaos: $(STAMP)
	$(PY) -m chaos --size full; status=$$?; $(PY) -m chaos.readme && exit $$status

# The README's tables from the committed results files; `make test` fails when they differ.
readme-tables: $(STAMP)
	$(PY) -m bench.readme
	$(PY) -m chaos.readme

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests bench chaos
	$(VENV)/bin/ruff format --check src tests bench chaos
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(VENV)/bin/mypy bench chaos

format: $(STAMP)
	$(VENV)/bin/ruff format src tests bench chaos
	$(VENV)/bin/ruff check --fix src tests bench chaos

simulator: $(STAMP)
	$(PY) -m cpbatch.entrypoints.simulator --world demo

run: $(STAMP)
	$(VENV)/bin/cpbatch bot

lock: $(STAMP)
	{ sed -n '1,2p' constraints.txt; $(PY) -m pip freeze --exclude-editable | grep -vi '^cpbatch'; \
	  grep -E '^(setuptools|wheel)==' constraints.txt; } > constraints.txt.new
	mv constraints.txt.new constraints.txt

clean:
	rm -rf $(VENV) $(SECANTUS_VENV) $(E2E_VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis downloads .cpbatch-demo
