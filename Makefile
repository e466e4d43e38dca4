# Kaplan: build, test, demo and install.  `make demo` and `make test` work on
# a fresh Debian machine: `deps` installs what is missing first.
PREFIX ?= /usr/local
SWIFT  ?= swift
# A statically linked Swift runtime starts in ~7 ms instead of ~25 ms.
STATIC ?= --static-swift-stdlib
CONFIG ?= release
APT_PACKAGES := liblua5.4-dev libedit-dev libreadstat-dev zlib1g-dev
BIN = $(shell $(SWIFT) build -c $(CONFIG) --show-bin-path)/kaplan

.PHONY: all deps build test demo install bench bench-smoke bench-quick clean fuzz fuzz-build asan tsan probes lint

all: build

deps:
	@missing=""; \
	pkg-config --exists lua5.4 || missing="$$missing liblua5.4-dev"; \
	pkg-config --exists libedit || missing="$$missing libedit-dev"; \
	[ -f /usr/include/readstat.h ] || missing="$$missing libreadstat-dev"; \
	pkg-config --exists zlib || missing="$$missing zlib1g-dev"; \
	command -v rsvg-convert >/dev/null || missing="$$missing librsvg2-bin"; \
	command -v python3 >/dev/null || missing="$$missing python3"; \
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

# `make bench`: scripts/bench/harness.py (BENCH_SIZES="1e5 1e6" by default;
# add 1e7 for the large run; BENCH_REPS=3); its Markdown table goes to
# docs/bench-results.md (BENCH_RESULTS). `make bench-smoke`: the bench
# scripts at 10^4 rows, Kaplan's side only, one repetition (CI, < 60 s).
bench: build
	$(SWIFT) build -c $(CONFIG) $(STATIC) --product KaplanBench
	KAPLAN=$(BIN) KAPLAN_BENCH=$(dir $(BIN))KaplanBench bash scripts/bench.sh

bench-smoke: build
	BENCH_SIZES=1e4 BENCH_REPS=1 BENCH_PEERS=none BENCH_CRR_ROWS=0 KAPLAN=$(BIN) KAPLAN_BENCH= BENCH_RESULTS= \
	  BENCH_DIR=$${BENCH_DIR:-/tmp/kaplan-bench-smoke} python3 scripts/bench/harness.py

# `make bench-quick`: the headline tasks at 10^5 rows with every peer, best of 2 (a few minutes).
bench-quick: build
	BENCH_QUICK=1 KAPLAN=$(BIN) KAPLAN_BENCH= python3 scripts/bench/harness.py

# --- Robustness (Tests/Fuzz/README.md) -------------------------------------
# libFuzzer targets, declared in Package.swift only when KAPLAN_FUZZ is set and
# built in their own scratch path. SwiftPM links an executable with
# `--defsym main=<module>_main`, which clashes with libFuzzer's `main`:
# `-z muldefs` lets the link through (either main runs the same target).
# `-enable-testing`: the Lua fuzzers reach the lua_State (@testable) to add
# Lua line coverage to libFuzzer's feedback.
FUZZ_TARGETS ?= csv formula json lua-api stat-files xlsx bundle
FUZZ_SECONDS ?= 60
FUZZ_CONFIG ?= release
FUZZ_SANITIZE ?= fuzzer
FUZZ_SCRATCH = .build-fuzz
FUZZ_BUILD = KAPLAN_FUZZ=1 $(SWIFT) build -c $(FUZZ_CONFIG) --scratch-path $(FUZZ_SCRATCH) \
  -Xswiftc -sanitize=$(FUZZ_SANITIZE) -Xswiftc -enable-testing -Xlinker -z -Xlinker muldefs
FUZZ_BIN = $(shell KAPLAN_FUZZ=1 $(SWIFT) build -c $(FUZZ_CONFIG) --scratch-path $(FUZZ_SCRATCH) --show-bin-path)
# Per-input limits: -timeout (s) is far above the runtime's 5 s time limit,
# so a hit means a limit did not hold; -rss_limit_mb likewise for memory.
FUZZ_FLAGS ?= -timeout=30 -rss_limit_mb=3072 -max_len=4096 -print_final_stats=1

fuzz-build: deps
	for t in $(FUZZ_TARGETS); do $(FUZZ_BUILD) --product fuzz-$$t || exit 1; done

# Runs each target for FUZZ_SECONDS on its committed corpus,
# FUZZ_JOBS targets at a time (scripts/fuzz_target.sh says how, and what
# fails). Fails if a target crashed, hung or ran out of memory.
FUZZ_JOBS ?= $(shell nproc 2>/dev/null || echo 1)
fuzz: fuzz-build
	@printf '%s\n' $(FUZZ_TARGETS) | FUZZ_BIN=$(FUZZ_BIN) FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_FLAGS='$(FUZZ_FLAGS)' \
	  FUZZ_SCRATCH=$(FUZZ_SCRATCH) xargs -P $(FUZZ_JOBS) -n 1 scripts/fuzz_target.sh \
	  || { echo "make fuzz: a target failed (its report is above)"; exit 1; }

# The test suite under AddressSanitizer, and the parallel kernels under
# ThreadSanitizer, each in its own scratch path. Leak detection is off: the
# Swift runtime, XCTest and Foundation's Process leave allocations that
# LeakSanitizer reports at exit, which would fail every CLI test.
# GroupScalingTests stay out of TSan: they time how promptly a kernel stops,
# and TSan slows the kernels several times over. The TSan suites run one at
# a time: each already runs two workers, and side by side under TSan they
# took 135 s where one at a time took 60 s (session 13).
# The suites that time how promptly a run stops at its time or memory limit
# stay out of ASan as well: they wait on the clock, and ASan's shadow memory
# and slower code change what they measure; `make test` runs them.
ASAN_FILTER ?=
ASAN_SKIP ?= TimeLimitCLITests|GroupScalingCLITests|GroupScalingTests|MemoryLimitCLITests|CoxStopCLITests|ReplInterruptTests
TSAN_FILTER ?= CoxParallelTests|CoxWorkSplitTests|RadixOrderTests|CoxPreparedDataTests|LuaLimitsTests|CancellationBindingTests|CoxRiskSetScatterTests|CoxFitMemoryTests|CoxDevianceResidualsTests|CSVChunkedReaderTests|CoxBaselineRowTimeTests|CoxZphFirstCallTests|RowOrderSharedRadixTests|RowOrderSharedPlacementTests
asan: deps
	$(SWIFT) build --build-tests --sanitize=address --scratch-path .build-asan
	SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --skip-build --sanitize=address --scratch-path .build-asan \
	  $(if $(ASAN_FILTER),--filter '$(ASAN_FILTER)') $(if $(ASAN_SKIP),--skip '$(ASAN_SKIP)')
tsan: deps
	$(SWIFT) build --build-tests --sanitize=thread --scratch-path .build-tsan
	SWIFT_BACKTRACE=enable=no TSAN_OPTIONS=halt_on_error=1 $(SWIFT) test --skip-build --no-parallel --sanitize=thread \
	  --scratch-path .build-tsan --filter '$(TSAN_FILTER)'

# Style: swift-format's rules (.swift-format) over the Swift sources, and no
# line over 120 characters in Sources, Tests, stdlib and scripts. The layout
# findings of swift-format's pretty printer are not checked (see
# scripts/swift_format_lint.sh for why).
lint:
	SWIFT=$(SWIFT) scripts/swift_format_lint.sh Sources Tests Package.swift
	scripts/check_line_length.sh Sources Tests stdlib scripts

# The hostile-input probes (scripts/probes) on the debug build: fails on a
# crash, an unexpected hang or an unexpected exit status.
probes: deps
	$(SWIFT) build --product kaplan
	KAPLAN=$$($(SWIFT) build --show-bin-path)/kaplan scripts/probes/run_probes.sh --check

clean:
	rm -rf .build .build-fuzz .build-asan .build-tsan out
