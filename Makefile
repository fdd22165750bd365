# rs — small, fast Unix filters for shop data.   make help  lists the targets.

PREFIX ?= /usr/local
DESTDIR ?=
BUILD ?= build

CC ?= cc
# -O3 vectorises the element-wise loops (SGD updates, gathers); not -Ofast:
# fast-math reorders sums (results would change with the vector width) and
# breaks NaN handling.
CFLAGS ?= -O3 -g
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
ALL_CFLAGS := -std=c17 -D_POSIX_C_SOURCE=200809L -Ilib $(WARN) $(CFLAGS) $(EXTRA_CFLAGS)
LDLIBS := -lcsv -lm

# OpenBLAS through pkg-config, for the binaries that do linear algebra.
BLAS_CFLAGS = $(shell pkg-config --cflags openblas 2>/dev/null)
BLAS_LIBS = $(shell pkg-config --libs openblas 2>/dev/null || echo -lopenblas)

ifeq ($(SAN),1)
  ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
  LDFLAGS += -fsanitize=address,undefined
endif

# lib/ grouped by stage (io, clean, features, models, score, eval) plus flat
# support files; every include is rooted at lib/ (-Ilib).
LIB_SRC := $(wildcard lib/*.c lib/*/*.c)
# kinds.def too: registry.c includes it, so a new kind rebuilds the registry
LIB_HDR := $(wildcard lib/*.h lib/*/*.h) lib/models/kinds.def
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o)
# What the binaries share and the library must not do: option parsing,
# --help/--version, printing errors and warnings.  Compiled once, linked
# into every binary.
CMD_COMMON := $(BUILD)/cmd/common.o
CMDS := rs-clean rs-split rs-features rs-train rs-predict rs-recommend rs-eval rs-forecast rs-tune
BINS := $(CMDS:%=$(BUILD)/bin/%)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
MAN1 := $(CMDS:%=man/%.1)
MAN7 := man/rs.7

.PHONY: all deps test unit sanitize fuzz demo bench compare install uninstall clean help
.DELETE_ON_ERROR:

all: $(BINS) $(BUILD)/tools/gen-bandit $(BUILD)/tools/gen-uplift $(BUILD)/tools/gen-text

help:
	@echo "make            build $(BUILD)/bin/rs-*"
	@echo "make demo       the whole pipeline on the bundled Online Retail sample (builds what it runs)"
	@echo "make test       unit tests, scripts/lint-tests, Bats suite; ends with 'N passed, N failed'"
	@echo "make sanitize   the whole suite under ASan+UBSan"
	@echo "make bench      benchmarks into BENCHMARKS.md"
	@echo "make compare OLD=DIR  the same model bytes and outputs as the rs-* in DIR"
	@echo "make fuzz       libFuzzer on models, CSV (every delimiter), rsf and encode params"
	@echo "                (FUZZ_SECONDS=60 each; FUZZERS=NAME for one; make test replays the corpus)"
	@echo "make install    PREFIX=$(PREFIX) DESTDIR=$(DESTDIR)"

deps:
	@scripts/install-deps

$(BUILD)/lib/%.o: lib/%.c $(LIB_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(BLAS_CFLAGS) -c $< -o $@

$(BUILD)/librs.a: $(LIB_OBJ)
	rm -f $@
	ar rcs $@ $^

$(CMD_COMMON): cmd/common.c cmd/common.h $(LIB_HDR) | $(BUILD)/cmd
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/bin/%: cmd/%.c $(wildcard cmd/*.h) $(CMD_COMMON) $(BUILD)/librs.a $(LIB_HDR) | $(BUILD)/bin
	$(CC) $(ALL_CFLAGS) $(BLAS_CFLAGS) $(LDFLAGS) $< $(CMD_COMMON) $(BUILD)/librs.a $(LDLIBS) $(BLAS_LIBS) -lpthread -o $@

$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(BUILD)/librs.a | $(BUILD)/tests
	$(CC) $(ALL_CFLAGS) $(BLAS_CFLAGS) $(LDFLAGS) $< $(BUILD)/librs.a $(LDLIBS) $(BLAS_LIBS) -lpthread -o $@

# The generator tools (tests, bench): gen-bandit (logged bandit data from a
# known model), gen-uplift (a treatment test with known per-row effects),
# gen-text (labelled messages for the text scale bench).
$(BUILD)/tools/gen-%: scripts/gen-%.c scripts/gen_args.h $(BUILD)/librs.a $(LIB_HDR)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $< $(BUILD)/librs.a -lm -o $@

$(BUILD)/cmd $(BUILD)/bin $(BUILD)/tests:
	mkdir -p $@

# The fuzz harnesses outside libFuzzer: replay the saved corpus in make test.
FUZZ_REPLAY := $(patsubst tests/fuzz/%.c,$(BUILD)/tests/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

$(BUILD)/tests/fuzz/%: tests/fuzz/%.c tests/fuzz/replay.c tests/fuzz/fuzz_file.h $(BUILD)/librs.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(BLAS_CFLAGS) $(LDFLAGS) $< tests/fuzz/replay.c $(BUILD)/librs.a $(LDLIBS) $(BLAS_LIBS) -lpthread -o $@

unit: $(UNIT_BINS) $(FUZZ_REPLAY)

test: deps
	@$(MAKE) --no-print-directory all unit
	@BUILD=$(BUILD) scripts/run-tests

sanitize: deps
	@$(MAKE) --no-print-directory BUILD=build/san SAN=1 all unit
	@BUILD=build/san SAN=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 scripts/run-tests

# libFuzzer (clang) with ASan+UBSan over the whole library, one harness at
# a time (tests/fuzz/NAME.c; FUZZERS=NAME runs one): fuzz_model (.rsm files
# of every kind, then scoring), fuzz_csv (every delimiter and reader option),
# fuzz_frame (rsf), fuzz_encode (rs-features encode --apply params).  Seeds
# come from the tools (scripts/fuzz-seeds, scripts/fuzz-seeds-tables) and
# the saved corpus tests/fuzz/corpus/NAME; new inputs go to
# build/fuzz/corpus/NAME, crashes to build/fuzz/ as crash-* files.
# RS_FUZZING skips the model checksum so that mutated files reach the
# header, section and tensor checks behind it.  make test replays the saved
# corpus (tests/fuzz/replay.c, tests/96-fuzz-corpus.bats).
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZERS := fuzz_model fuzz_csv fuzz_frame fuzz_encode
fuzz: all
	@mkdir -p $(FUZZERS:%=build/fuzz/corpus/%) $(sort $(dir $(LIB_SRC:%=build/fuzz/%)))
	@scripts/fuzz-seeds $(CURDIR)/$(BUILD)/bin build/fuzz/corpus/fuzz_model
	@scripts/fuzz-seeds-tables $(CURDIR)/$(BUILD)/bin build/fuzz/corpus
	@for f in $(LIB_SRC); do \
	  $(FUZZ_CC) -std=c17 -D_POSIX_C_SOURCE=200809L -DRS_FUZZING -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
	    -Ilib $(BLAS_CFLAGS) -c $$f -o build/fuzz/$${f%.c}.o || exit 1; done
	@for z in $(FUZZERS); do \
	  $(FUZZ_CC) -std=c17 -D_POSIX_C_SOURCE=200809L -O1 -g -fsanitize=fuzzer,address,undefined $(BLAS_CFLAGS) -Ilib \
	    tests/fuzz/$$z.c $(LIB_SRC:%.c=build/fuzz/%.o) $(LDLIBS) $(BLAS_LIBS) -lpthread -o build/fuzz/$$z || exit 1; \
	  mkdir -p tests/fuzz/corpus/$$z; \
	  (cd build/fuzz && ./$$z -max_total_time=$(FUZZ_SECONDS) -max_len=16384 corpus/$$z ../../tests/fuzz/corpus/$$z) || exit 1; done

# The demo needs the build packages only, and the binaries scripts/demo
# runs (all seven), built on every core: no unit tests, no test tools.
NPROC := $(shell nproc 2>/dev/null || echo 2)
DEMO_BINS := $(addprefix $(BUILD)/bin/,rs-clean rs-features rs-split rs-train rs-predict rs-eval rs-recommend)
demo:
	@scripts/install-deps --build
	@$(MAKE) --no-print-directory -j$(NPROC) $(DEMO_BINS)
	@BUILD=$(BUILD) scripts/demo

bench: all
	@BUILD=$(BUILD) scripts/bench

# Every model kind and scoring path against an older build's binaries.
compare: all
	@test -n "$(OLD)" || { echo "usage: make compare OLD=/path/to/old/bin" >&2; exit 2; }
	@scripts/compare-release $(OLD) $(BUILD)/bin

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man7
	install -m 755 $(BINS) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 $(MAN1) $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 $(MAN7) $(DESTDIR)$(PREFIX)/share/man/man7/

uninstall:
	rm -f $(CMDS:%=$(DESTDIR)$(PREFIX)/bin/%)
	rm -f $(MAN1:man/%=$(DESTDIR)$(PREFIX)/share/man/man1/%)
	rm -f $(DESTDIR)$(PREFIX)/share/man/man7/rs.7

clean:
	rm -rf build
