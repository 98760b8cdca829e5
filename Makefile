# The interface to the warehouse. `make help` lists the targets.
#   make build   builds the warehouse on DuckDB with demo data (creates .venv, installs pinned deps)
#   make test    runs every test (lint, dbt data and unit tests, pytest) on temporary databases

SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DBT := $(VENV)/bin/dbt
# the Python tooling's one command (src/warehouse_tools), installed into .venv by make install
WAREHOUSE := $(VENV)/bin/warehouse
# the demo generator's own folder; it never writes anywhere else (your exports go in data/raw or anywhere: RAW_DATA_DIR)
DEMO_DATA_DIR := $(CURDIR)/data/demo/raw

export DBT_PROFILES_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export RAW_DATA_DIR ?= $(DEMO_DATA_DIR)
export DUCKDB_PATH ?= $(CURDIR)/warehouse.duckdb
export PUBLISH_DIR ?= $(CURDIR)/publish
# the customer-value report make build writes (warehouse customer-value-report)
CV_REPORT ?= $(CURDIR)/reports/customer_value.html
# Spark (make build-spark): everything Spark writes (tables, Derby metastore, derby.log) goes here.
export SPARK_WORK_DIR ?= /tmp/customer_warehouse_spark
export SPARK_LOCAL_IP ?= 127.0.0.1
# spark: Spark in this process; spark_connect: the cluster SPARK_REMOTE names (src/warehouse_tools/spark_cluster.py starts one)
SPARK_TARGET ?= spark

GENERATOR := src/warehouse_tools/generate_demo_data.py $(wildcard src/warehouse_tools/demo_data/*.py)

SQL_PATHS := models tests/generic tests/reconciliation tests/customer_value tests/semantic tests/fixtures

.PHONY: help registry build test lint data figures score validate summary publish docs bench-identity bench-generator bench-clv bench-build bench-spark \
	install chromium lock clean build-spark build-postgres postgres-stop test-spark test-spark-extracts

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-16s %s\n", $$1, $$2}'

install: $(VENV)/.installed registry ## create .venv, install the pinned dependencies (requirements.lock) and this project's packages (the warehouse command)

registry: $(VENV)/.installed ## write the source registry macro dbt reads (macros/generated/) from the sources' YAML
	@$(WAREHOUSE) source-registry

# pyproject.toml declares the packages and the `warehouse` command; their code is installed editable (src/ is read in place)
$(VENV)/.installed: requirements.lock pyproject.toml
	@echo "==> creating $(VENV) and installing pinned dependencies"
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --disable-pip-version-check --quiet -r requirements.lock
	$(VENV)/bin/pip install --disable-pip-version-check --quiet --no-deps -e .
	@touch $@

data: $(VENV)/.installed ## generate the demo landing data into data/demo/raw (skipped when RAW_DATA_DIR points elsewhere; never touches your files)
	@if [ "$(RAW_DATA_DIR)" = "$(DEMO_DATA_DIR)" ]; then \
		$(MAKE) --no-print-directory $(DEMO_DATA_DIR)/.generated; \
	else \
		echo "==> using landing data in $(RAW_DATA_DIR)"; \
	fi

$(DEMO_DATA_DIR)/.generated: $(GENERATOR)
	@echo "==> generating demo landing data into $(DEMO_DATA_DIR)"
	$(WAREHOUSE) generate-demo-data --out $(DEMO_DATA_DIR)
	@touch $@

build: install data ## build the warehouse: dbt seeds, models and data/unit tests, the demo figures, then the expectation suites
	@$(WAREHOUSE) warehouse-lock --write $(DUCKDB_PATH)
	@echo "==> [1/5] checking the landing files in $(RAW_DATA_DIR)"
	@$(WAREHOUSE) check-landing-files
	@$(WAREHOUSE) check-partner-secret
	@echo "==> [2/5] dbt build into $(DUCKDB_PATH): seeds, staging, identity resolution, marts, with their data and unit tests"
	@$(DBT) build
	@if [ "$(RAW_DATA_DIR)" = "$(DEMO_DATA_DIR)" ]; then \
		echo "==> [3/5] demo figures against the calibration targets, identity resolution against the ground truth"; \
		$(WAREHOUSE) demo-figures && $(WAREHOUSE) score-identity-resolution; \
	else \
		echo "==> [3/5] demo figures skipped: the landing data in $(RAW_DATA_DIR) is not the demo's"; \
	fi
	@echo "==> [4/5] expectation suites (gx/) on the marts, and their Data Docs"
	@$(WAREHOUSE) validate-marts --duckdb-path $(DUCKDB_PATH)
	@echo "==> [5/5] built: the customer-value report, and where the results are"
	@$(WAREHOUSE) customer-value-report --duckdb-path $(DUCKDB_PATH) --out $(CV_REPORT)
	@$(WAREHOUSE) build-summary --duckdb-path $(DUCKDB_PATH)

build-spark: install data ## build the warehouse on Apache Spark in this process, or on the cluster SPARK_REMOTE names with SPARK_TARGET=spark_connect
	$(WAREHOUSE) check-landing-files
	@$(WAREHOUSE) check-partner-secret
	$(WAREHOUSE) build-on-engine --target $(SPARK_TARGET)

build-postgres: install data ## build the warehouse on PostgreSQL: the server POSTGRES_HOST names, else a local one in .postgres/
	$(WAREHOUSE) check-landing-files
	@$(WAREHOUSE) check-partner-secret
	@if [ -z "$$POSTGRES_HOST" ]; then \
		echo "==> POSTGRES_HOST is not set: a local PostgreSQL 16 in .postgres/ (make postgres-stop stops it)"; \
		eval "$$($(WAREHOUSE) local-postgres start 2>/dev/null)"; \
	fi; \
	$(WAREHOUSE) build-on-engine --target postgres

postgres-stop: install ## stop the local PostgreSQL that make build-postgres started
	$(WAREHOUSE) local-postgres stop

figures: install ## print the demo data's figures beside the calibration targets
	$(WAREHOUSE) demo-figures

score: install ## score identity resolution in the built warehouse against the demo ground truth
	$(WAREHOUSE) score-identity-resolution

summary: install ## where the built warehouse, its marts and the Data Docs are
	@$(WAREHOUSE) build-summary --duckdb-path $(DUCKDB_PATH)

validate: install ## run the expectation suites (gx/) on the built warehouse; Data Docs in gx/uncommitted/data_docs
	$(WAREHOUSE) validate-marts --duckdb-path $(DUCKDB_PATH)

publish: install ## write the read-only snapshot of the marts BI tools open: publish/warehouse_marts.duckdb (DuckDB storage v1.0.0) and publish/parquet/
	$(WAREHOUSE) publish-marts --duckdb-path $(DUCKDB_PATH) --out $(PUBLISH_DIR)

docs: install ## write the static dbt docs site (models, columns, sources, macros, metrics, exposures, lineage) to target/static_index.html
	@test -f $(DUCKDB_PATH) || { echo "no warehouse at $(DUCKDB_PATH): run make build first (the docs read column types from it)"; exit 2; }
	@$(WAREHOUSE) warehouse-lock --write $(DUCKDB_PATH)
	$(DBT) docs generate --static
	@echo "==> dbt docs: $(CURDIR)/target/static_index.html (one self-contained file: open it in a browser)"

bench-identity: install ## benchmark identity resolution against scipy on 1M and 5M records (appends docs/benchmarks.md)
	$(WAREHOUSE) benchmark-identity-resolution

bench-generator: install ## time the generator's --scale engine at 1M and 10M orders (appends docs/benchmarks.md)
	$(WAREHOUSE) benchmark-generator 1000000 10000000

bench-build: install ## full dbt build at 100k, 1M and 10M orders: time per layer, floor, peak memory, 1% incremental (appends docs/benchmarks.md)
	$(WAREHOUSE) benchmark-build

bench-spark: install ## the dbt Python models on Spark at 1M customers: bytes collected to the driver and wall time, cluster and in-process (appends docs/benchmarks.md)
	$(WAREHOUSE) benchmark-spark-cluster $(or $(CUSTOMERS),1000000)

bench-clv: install ## fit and score BG/NBD + Gamma-Gamma CLV on 1M customers against lifetimes (appends docs/benchmarks.md)
	$(WAREHOUSE) benchmark-clv

lint: install ## sqlfluff on the SQL changed since main (every file with LINT_ALL=1 and in CI), then the conventions (dbt-bouncer.yml); both always run
	@status=0; \
	bash scripts/lint_sql.sh $(SQL_PATHS) || status=1; \
	echo "==> conventions (dbt-bouncer.yml): naming, descriptions, primary-key tests, source freshness"; \
	{ $(DBT) parse --quiet && COLUMNS=160 $(VENV)/bin/dbt-bouncer --config-file dbt-bouncer.yml --only manifest_checks; } || status=1; \
	if [ $$status -ne 0 ]; then echo "==> lint failed: see sqlfluff's and dbt-bouncer's lines above"; fi; \
	exit $$status

chromium: ## install headless Chromium (Debian package `chromium`) when missing: the report's screenshot test uses it
	@command -v chromium >/dev/null 2>&1 || { \
		echo "==> installing chromium (Debian package) for the validation report's screenshot test"; \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq chromium >/dev/null \
			&& chromium --version; }

test: install lint chromium ## run every test: lint, then pytest (the demo warehouse on temporary DuckDB and PostgreSQL databases)
	$(PY) -m pytest

test-spark: install ## build and test the demo warehouse on a Spark cluster the test starts (master, worker, Spark Connect on 127.0.0.1) and compare its marts with DuckDB's (several minutes)
	$(PY) -m pytest -m spark

test-spark-extracts: install ## five daily extracts loaded incrementally on Spark equal a full build there (six Spark builds, not in CI; FIVE_EXTRACTS_SPARK=cluster: on a cluster the test starts)
	FIVE_EXTRACTS_SPARK=$(or $(FIVE_EXTRACTS_SPARK),1) $(PY) -m pytest -m spark tests/python/test_five_extracts.py

lock: ## re-resolve requirements.txt into requirements.lock (needs the registry)
	rm -rf /tmp/lock-venv && $(PYTHON) -m venv /tmp/lock-venv
	/tmp/lock-venv/bin/pip install --disable-pip-version-check --quiet -r requirements.txt
	( echo '# Generated by `make lock` from requirements.txt: the exact set CI installs.'; \
	  /tmp/lock-venv/bin/pip freeze --exclude-editable ) > requirements.lock

clean: ## remove build outputs (target/, logs/, the warehouse file, Spark's folder, GX results and Data Docs, publish/); keeps .venv and data/
	rm -rf target logs $(DUCKDB_PATH) $(DUCKDB_PATH).wal $(SPARK_WORK_DIR) gx/uncommitted publish
