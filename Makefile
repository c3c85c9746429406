# The two commands of the README. Each creates .venv when needed.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test browser docs bench clean compile

$(BIN)/roster: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(BIN)/roster

# Bytecode for the project's own modules, as pip writes it for a regular install: an editable
# install leaves them to be compiled at their first import, and where PYTHONDONTWRITEBYTECODE is
# set (as on some CI machines) at every command's (0.1 s of a cohort's whole solve).
compile: $(BIN)/roster
	$(BIN)/python -m compileall -q cli.py roster models constraints

demo: compile
	$(BIN)/roster solve --report

test: $(BIN)/roster
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

# Debian's chromium, for the test that renders the HTML report (skipped without it). This one
# changes the system (apt-get), so `make test` never runs it; CI does, in .ci/run.
browser:
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null 2>&1 \
		|| echo "chromium could not be installed: the HTML rendering test will be skipped"

docs: $(BIN)/roster
	ROSTER_UPDATE_DOCS=1 $(BIN)/pytest tests/test_report.py -k chromium

bench: compile
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) out .pytest_cache .mypy_cache .ruff_cache
