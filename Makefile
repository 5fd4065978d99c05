# Two commands on a fresh machine with Python 3.11:
#   make run    # create .venv, rebuild every table, figure and the report on the bundled corpus
#   make test   # create .venv, run the test suite
# LIGHT=1 skips the optional ~1.5 GB models extra (the study then falls back to the lexicon
# attribution tone method and says so in its outputs).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
# pip itself is pinned too, and every package comes from a full lock (requirements*.lock, made by
# scripts/lock_requirements.sh from the top-level requirements*.txt) installed with --no-deps: a
# fresh machine gets exactly the tested set, whatever pip it starts with.
PIP_VERSION := 26.3
ifeq ($(LIGHT),1)
LOCK := requirements.lock
else
LOCK := requirements-models.lock
endif
STAMP := $(VENV)/.installed-$(subst .lock,,$(LOCK))

.PHONY: run test validate model bench score clean-venv lock

$(STAMP): requirements.lock requirements-models.lock pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON) on PATH (or make PYTHON=/path/to/python3.11)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet pip==$(PIP_VERSION)
	$(PY) -m pip install --quiet --no-deps -r $(LOCK)
	$(PY) -m pip check
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

lock:
	scripts/lock_requirements.sh
