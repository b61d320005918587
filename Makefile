# `make demo` sets everything up and renders the default animation; `make test` runs the tests.
VENV := .venv
STAMP := $(VENV)/.nnviz-setup

.PHONY: setup demo test bench gallery clean

$(STAMP): pyproject.toml scripts/setup.sh
	bash scripts/setup.sh
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	mkdir -p out
	$(VENV)/bin/nnviz animate moons -o out/moons.gif
	@echo "wrote out/moons.gif"

test: setup
	$(VENV)/bin/python -m pytest -q

bench: setup
	$(VENV)/bin/python benchmarks/run_all.py

gallery: setup
	$(VENV)/bin/nnviz gallery -o media/

clean:
	rm -rf out .pytest_cache
