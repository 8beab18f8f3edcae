# Two commands do all the setup: `make run` and `make test` each create the
# virtual environment they need (re-filled whenever pyproject.toml changes).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test bench soak clean

$(BIN)/activate: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/activate

# With GitHub credentials in the environment: the real service (web + worker).
# Without: the sandbox, the same service against a local GitHub stand-in.
run: $(BIN)/activate
	$(BIN)/python -m bot check
	@if [ -n "$$GITHUB_TOKEN$$GITHUB_APP_ID" ]; then \
		$(BIN)/python -m bot serve; \
	else \
		$(BIN)/python -m bot sandbox; \
	fi

test: $(BIN)/activate
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m bot check
	$(BIN)/python -m pytest

bench: $(BIN)/activate
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/hostile.py
	$(BIN)/python bench/render_scale.py
	$(BIN)/python bench/intake_scale.py
	$(BIN)/python bench/approval.py
	$(BIN)/python bench/webhook_ack.py
	$(BIN)/python bench/watch.py
	$(BIN)/python bench/burst.py

# Half an hour: ten thousand deliveries with faults and killed workers (needs redis-server).
soak: $(BIN)/activate
	$(BIN)/python bench/soak.py

clean:
	rm -rf $(VENV)
