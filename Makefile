# attrition: set-up, demo, tests, benchmarks. `make demo` and `make test` are the README's two commands.

# The first Python 3.12+ on PATH (pyenv's shims and .python-version pick 3.12 on the project machines).
PYTHON ?= $(shell for p in python3.13 python3.12 python3 python; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test test-mesa4 lint bench bench-sweep view clean mutation mutation-report

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "attrition needs Python 3.12 or newer on PATH (python3.12, python3.13 or python3)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	$(BIN)/python -m app.assets
	@touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/attrition run baseline-2025 --seed 42 --out runs/demo

test: $(STAMP)
	$(BIN)/python -m pytest -q

# The suite against the Mesa 4 pre-release, in its own environment (Mesa 4 drops batch_run, seed=, model.steps,
# mesa.space and the old simulators; the model uses none of them, and this keeps it so).
MESA4 := .venv-mesa4
$(MESA4)/.installed: pyproject.toml $(STAMP)
	$(PYTHON) -m venv $(MESA4)
	$(MESA4)/bin/python -m pip install --quiet --upgrade pip
	$(MESA4)/bin/python -m pip install --quiet -e ".[test]"
	$(MESA4)/bin/python -m pip install --quiet --pre --upgrade "mesa[network]"
	$(MESA4)/bin/python -m app.assets
	@touch $@

test-mesa4: $(MESA4)/.installed
	@$(MESA4)/bin/python -c "import mesa; print('the suite on Mesa', mesa.__version__)"
	$(MESA4)/bin/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check agents model experiments app tests benchmarks notebooks
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_campaign.py

bench-sweep: $(STAMP)
	$(BIN)/python benchmarks/bench_sweep.py

# Mutation testing (not in CI): cosmic-ray edits each module of mutation/*.toml on disk, one mutant at a time, and
# runs that config's tests. A session (.mutation/NAME.sqlite) keeps its results: run again to go on where it
# stopped; `make mutation-report` prints the counts and the surviving mutants. MUTATION=raid runs one config.
# It edits the modules in place (and puts each back): run it on a clean work tree, and look at `git status` after
# a run that was killed. The kernel's mutants run with NUMBA_DISABLE_JIT=1 (see mutation/raid.toml).
MUTATION ?= seeds books raid
mutation: $(STAMP)
	@$(BIN)/python -c "import cosmic_ray" 2>/dev/null || $(BIN)/python -m pip install --quiet -e ".[test,mutation]"
	@mkdir -p .mutation
	@for name in $(MUTATION); do \
	  session=.mutation/$$name.sqlite; \
	  test -f $$session || { $(BIN)/cosmic-ray init mutation/$$name.toml $$session && \
	    $(BIN)/cr-filter-operators $$session mutation/$$name.toml; } || exit 1; \
	  PATH="$(CURDIR)/$(BIN):$$PATH" nice -n 10 $(BIN)/cosmic-ray exec mutation/$$name.toml $$session || exit 1; \
	done
	@$(MAKE) --no-print-directory mutation-report

mutation-report:
	@for name in $(MUTATION); do echo "== $$name"; $(BIN)/cr-report --surviving-only --show-diff .mutation/$$name.sqlite; done

view: $(STAMP)
	$(BIN)/attrition view

clean:
	rm -rf $(VENV) $(MESA4) runs .pytest_cache .hypothesis .mutation
