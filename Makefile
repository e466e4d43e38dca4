# Kaplan: build, test, demo and install.  `make demo` and `make test` work on
# a fresh Debian machine: `deps` installs what is missing first.
PREFIX ?= /usr/local
SWIFT  ?= swift
# A statically linked Swift runtime starts in ~7 ms instead of ~25 ms.
STATIC ?= --static-swift-stdlib
CONFIG ?= release
APT_PACKAGES := liblua5.4-dev libedit-dev
BIN = $(shell $(SWIFT) build -c $(CONFIG) --show-bin-path)/kaplan

.PHONY: all deps build test demo install bench clean

all: build

deps:
	@missing=""; \
	pkg-config --exists lua5.4 || missing="$$missing liblua5.4-dev"; \
	pkg-config --exists libedit || missing="$$missing libedit-dev"; \
	command -v rsvg-convert >/dev/null || missing="$$missing librsvg2-bin"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "deps: installing$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "deps: missing$$missing; run: sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi

build: deps
	$(SWIFT) build -c $(CONFIG) $(STATIC) --product kaplan

test: deps
	$(SWIFT) test

demo: build
	@mkdir -p out
	$(BIN) run scripts/clocc.lua --out out

install: build
	install -d $(PREFIX)/bin $(PREFIX)/share/kaplan
	install -m 755 $(BIN) $(PREFIX)/bin/kaplan
	cp -R stdlib/. $(PREFIX)/share/kaplan/

bench: build
	bash scripts/bench.sh

clean:
	rm -rf .build out
