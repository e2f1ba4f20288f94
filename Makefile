# The two set-up commands are `make run` and `make test`; both install what they need.
PYTHON ?= python3
TOOLS  := .tools
UV     := $(TOOLS)/bin/uv
VENV   := .venv
PY     := $(VENV)/bin/python
UV_VERSION := 0.13.9
export UV_PYTHON_DOWNLOADS := never

.PHONY: install run test worker beat lint format demo clean

install: $(VENV)/.synced

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --compile-bytecode
	@touch $@

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_data
	$(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

worker: install
	$(VENV)/bin/celery -A invoicing_project worker --loglevel=INFO

beat: install
	$(VENV)/bin/celery -A invoicing_project beat --loglevel=INFO

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo_data

clean:
	rm -rf $(VENV) $(TOOLS) db.sqlite3 media staticfiles

# Performance benchmark on the local PostgreSQL and Redis (bench/README.md, docs/performance.md):
# seeds its own database (BENCH_DATABASE_URL, default .../invbench), runs gunicorn with the
# production settings, writes bench/results.json and the table in docs/performance.md.
# Extra options in BENCH_ARGS, e.g. BENCH_ARGS="--skip-seed" or "--undo-fixes" (a "before" run).
.PHONY: bench bench-quick

bench: install
	$(PY) bench/run.py --invoices 1000000 --output bench/results.json $(BENCH_ARGS)

bench-quick: install
	$(PY) bench/run.py --invoices 100000 --output bench/results.json $(BENCH_ARGS)
