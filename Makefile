PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test bench lint clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test,docxodus]'
	touch $(STAMP)

demo: $(STAMP)
	$(PY) -m generator check bataillon-prevention-dijon 2023
	$(PY) -m generator build bataillon-prevention-dijon 2023 --force
	$(PY) -m generator diff bataillon-prevention-dijon 2023 2024

test: $(STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) bench/run.py

lint: $(STAMP)
	$(PY) -m pip install -q -e '.[dev]'
	$(PY) -m ruff check generator tests bench
	$(PY) -m mypy generator

clean:
	rm -rf $(VENV) output/*/
