# Two commands on a fresh machine with Python 3.11:
#   make run    # create .venv, rebuild every table, figure and the report on the bundled corpus
#   make test   # create .venv, run the test suite
# LIGHT=1 skips the optional ~1.5 GB models extra (the study then falls back to the lexicon
# attribution tone method and says so in its outputs).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
ifeq ($(LIGHT),1)
REQUIREMENTS := requirements.txt
else
REQUIREMENTS := requirements-models.txt
endif
STAMP := $(VENV)/.installed-$(subst .txt,,$(REQUIREMENTS))

.PHONY: run test validate model bench score clean-venv

$(STAMP): requirements.txt requirements-models.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) on PATH (or make PYTHON=/path/to/python3.11)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r $(REQUIREMENTS)
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

run: $(STAMP)
	$(PY) -m analysis run

test: $(STAMP)
	$(PY) -m pytest -q

validate: $(STAMP)
	$(PY) -m analysis validate

model: $(STAMP)
	$(PY) -m analysis.tone_learned train
	$(PY) -m analysis.tone_finetuned train

bench: $(STAMP)
	$(PY) -m analysis bench --articles 5000

clean-venv:
	rm -rf $(VENV)
