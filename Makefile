# Parlo. Every target is a thin wrapper over a script in infra/scripts/.
# See docs/local-stack.md.

SHELL := /bin/bash
ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
VENV := $(ROOT)/.venv
export SAM_CLI_TELEMETRY := 0

.PHONY: help bootstrap up down dev test test-localstack loadtest bench lint sam-build clean-local

help:
	@echo "make bootstrap    install the local tools (.venv, DynamoDB Local, Java)"
	@echo "make up           make dev in the background (emulators, functions, gateway, demo data)"
	@echo "make down         stop them"
	@echo "make dev          Parlo locally in the foreground: emulators, functions, gateway, demo data; Ctrl-C stops"
	@echo "make test         fmt, clippy, template lint, up, cargo test --workspace, down; then make test-localstack (what CI runs)"
	@echo "make test-localstack  the whole test suite (end to end included) on LocalStack instead of DynamoDB Local + moto"
	@echo "make loadtest     load and fault test through the local stack; figures into docs/benchmarks.md"
	@echo "make bench        criterion benchmarks: scheduling engine, webhook handler"
	@echo "make lint         sam validate --lint, cfn-lint, cargo fmt --check, cargo clippy"
	@echo "make sam-build    sam build (cargo-lambda, arm64) into .aws-sam/"
	@echo "make clean-local  down, then remove .local/ and .aws-sam/"

bootstrap:
	@infra/scripts/bootstrap.sh

up:
	@infra/scripts/dev.sh --background

down:
	@infra/scripts/down.sh

dev:
	@infra/scripts/dev.sh

# The normal lane, then the LocalStack lane (PARLO_SKIP_LOCALSTACK=1 skips it).
test:
	@infra/scripts/test.sh
	@if [ "$${PARLO_SKIP_LOCALSTACK:-0}" = 1 ]; then \
	  echo "make test: PARLO_SKIP_LOCALSTACK=1: LocalStack lane skipped" >&2; \
	else PARLO_BACKEND=localstack infra/scripts/test.sh; fi

test-localstack:
	@PARLO_BACKEND=localstack infra/scripts/test.sh

loadtest:
	@infra/scripts/loadtest.sh

bench:
	cargo bench -p parlo-core
	cargo bench -p parlo-app --bench webhook
	cargo bench -p parlo-api --bench api

lint: bootstrap
	AWS_DEFAULT_REGION=us-east-1 $(VENV)/bin/sam validate --lint --template template.yaml
	$(VENV)/bin/cfn-lint template.yaml
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings

# cargo-lambda finds zig (pip ziglang) only with the venv's bin first on PATH.
# Lambda functions are arm64: cargo-lambda cross-compiles with zig but needs
# the target's standard library (only deploys need it, so make test doesn't).
sam-build: bootstrap
	rustup target list --installed | grep -qx aarch64-unknown-linux-gnu || rustup target add aarch64-unknown-linux-gnu
	PATH="$(VENV)/bin:$$PATH" AWS_DEFAULT_REGION=us-east-1 sam build --template template.yaml

clean-local:
	@infra/scripts/down.sh
	rm -rf .local .aws-sam
