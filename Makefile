# Thin wrapper over meson + ninja.
#   make            build build/dontpanic
#   make check      install test deps (as root), make the real vmcores
#                   (tests/vm/harness, cached; HARNESS_SKIP=1 skips), build,
#                   run every test suite
#   make demo       install deps (as root), build, report on the sample dump
#   make asan       the test suite under ASan+UBSan (build-asan/)
#   make deb        build-deb/dontpanic_<version>_amd64.deb (scripts/make-deb)
BUILD ?= build
MESON_OPTS ?=

.PHONY: all check demo asan fuzz clean deps deb

all: $(BUILD)/build.ninja
	ninja -C $(BUILD)

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

deps:
	scripts/install-deps build

# KERNELS: the kernels whose real vmcores the vm tier runs on, as
# tests/vm/harness specs (a Debian flavour such as cloud-amd64,
# 6.12-cloud-amd64, 6.12-rt-amd64, or an ABI name); the first runs every
# suite.  Empty: the cache's `current` kernel (cloud-amd64 when none).
# CI=true: both cloud kernels.  See tests/vm/README.md.
ifeq ($(CI),true)
KERNELS ?= cloud-amd64 6.12-cloud-amd64
endif
KERNELS ?=

check:
	scripts/install-deps test
	@if [ -z "$(KERNELS)" ]; then \
		tests/vm/harness ensure || echo "tests/vm/harness failed: harness-manifest will fail"; \
	fi
	@for k in $(KERNELS); do \
		HARNESS_KVER=$$k tests/vm/harness ensure || echo "tests/vm/harness ($$k) failed: harness-manifest will fail"; \
	done
	$(MAKE) all
	kv=; for k in $(KERNELS); do kv="$$kv $$(tests/vm/harness kver $$k)"; done; \
	DP_KERNELS="$$kv" scripts/run-tests $(BUILD)

asan:
	scripts/install-deps test
	$(MAKE) all BUILD=build-asan MESON_OPTS="-Db_sanitize=address,undefined -Db_lundef=false"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	scripts/run-tests build-asan

# Run every libFuzzer target for FUZZ_SECONDS each (seed corpora in
# tests/fuzz/seeds/<target>/, new inputs kept in tests/fuzz/corpus-<target>/).
FUZZ_SECONDS ?= 60
fuzz:
	scripts/install-deps test
	CC=clang $(MAKE) all BUILD=build-fuzz \
		MESON_OPTS="-Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false -Dwerror=true"
	scripts/run-fuzz build-fuzz $(FUZZ_SECONDS)

deb:
	scripts/install-deps build
	scripts/make-deb build-deb

demo:
	scripts/install-deps demo
	$(MAKE) all
	scripts/demo

clean:
	rm -rf build build-asan build-fuzz build-deb
