# fayuan — top-level build.
#   make                 build every program into build/bin/
#   make test            build and run every test (unit, fuzz smoke, integration, fault)
#   make SANITIZE=address,undefined test   the same under ASan/UBSan (build/san/)
#   make run / make stop the local stack (deploy/stack)
#   make bench           benchmarks (tests/bench)
#   make format / format-check

SANITIZE ?=
ifeq ($(SANITIZE),)
BUILD ?= build
SANFLAGS :=
else
BUILD ?= build/san
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

CC ?= cc
PKGS := libzmq libpq libprotobuf-c libevent jansson inih libcrypto
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS := $(shell pkg-config --libs $(PKGS)) -lm
OPT ?= -O2
CFLAGS := -std=c11 -D_GNU_SOURCE $(OPT) -g -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter \
          -Iinclude -I$(BUILD)/gen $(PKG_CFLAGS) $(SANFLAGS) $(EXTRA_CFLAGS)
LDFLAGS := $(SANFLAGS)

SERVICES := registry roster assign score notify gateway
DAEMONS := $(addprefix $(BUILD)/bin/,$(addsuffix d,$(SERVICES)))
CTL := $(BUILD)/bin/fayuanctl

PROTOS := $(wildcard proto/*.proto)
PB_C := $(patsubst proto/%.proto,$(BUILD)/gen/%.pb-c.c,$(PROTOS))
PB_H := $(PB_C:.c=.h)

COMMON_SRC := $(wildcard services/common/*.c)
COMMON_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(COMMON_SRC)) \
              $(patsubst $(BUILD)/gen/%.c,$(BUILD)/obj/gen/%.o,$(PB_C)) \
              $(BUILD)/obj/gen/common_migrations.o
LIBCOMMON := $(BUILD)/lib/libfayuan.a

.PHONY: all test unit bench run stop format format-check clean fuzz
.SECONDARY:
ifndef V
.SILENT:
endif

all: $(DAEMONS) $(CTL)

# ---- generated code -------------------------------------------------------
$(BUILD)/gen/%.pb-c.c $(BUILD)/gen/%.pb-c.h: proto/%.proto
	@mkdir -p $(BUILD)/gen
	protoc-c --proto_path=proto --c_out=$(BUILD)/gen $<

# Migrations are embedded into the binaries: services/<svc>/migrations/NNN_name.sql
$(BUILD)/gen/%_migrations.c: services/common/embed-sql.sh $(wildcard services/*/migrations/*.sql)
	@mkdir -p $(BUILD)/gen
	sh services/common/embed-sql.sh $* services/$*/migrations > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/gen/%.o: $(BUILD)/gen/%.c $(PB_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Wno-error -c -o $@ $<

$(BUILD)/obj/%.o: %.c $(PB_H)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

# ---- libraries ------------------------------------------------------------
$(LIBCOMMON): $(COMMON_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

# lib<svc>.a: every source of a service except main.c, plus its migrations
define service_lib
$(1)_SRC := $$(filter-out services/$(1)/main.c,$$(wildcard services/$(1)/*.c))
$(1)_OBJ := $$(patsubst %.c,$$(BUILD)/obj/%.o,$$($(1)_SRC)) $$(BUILD)/obj/gen/$(1)_migrations.o
$$(BUILD)/lib/lib$(1).a: $$($(1)_OBJ)
	@mkdir -p $$(dir $$@)
	rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach s,$(SERVICES) ctl,$(eval $(call service_lib,$(s))))

$(BUILD)/gen/ctl_migrations.c:
	@mkdir -p $(BUILD)/gen
	sh services/common/embed-sql.sh ctl /nonexistent > $@

$(BUILD)/bin/%d: $(BUILD)/obj/services/%/main.o $(BUILD)/lib/lib%.a $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(CTL): $(BUILD)/obj/services/ctl/main.o $(BUILD)/lib/libctl.a $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# ---- unit tests -----------------------------------------------------------
# tests/unit/<area>/test_<module>.c; <area> is common or a service name.
UNIT_SRC := $(wildcard tests/unit/*/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(UNIT_SRC))

$(BUILD)/tests/unit/common/%: tests/unit/common/%.c $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIBCOMMON) $(PKG_LIBS) -lcmocka $(LDFLAGS)

define unit_rule
$$(BUILD)/tests/unit/$(1)/%: tests/unit/$(1)/%.c $$(BUILD)/lib/lib$(1).a $$(LIBCOMMON)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) -Iservices/$(1) -o $$@ $$< $$(BUILD)/lib/lib$(1).a $$(LIBCOMMON) $$(PKG_LIBS) -lcmocka $$(LDFLAGS)
endef
$(foreach s,$(SERVICES) ctl,$(eval $(call unit_rule,$(s))))

# ---- C programs driven by integration tests ------------------------------
# tests/integration/<name>.c -> $(BUILD)/tests/integration/<name>; the Python
# test of the same name starts PostgreSQL and runs it.
INTEG_SRC := $(wildcard tests/integration/*.c)
INTEG_BIN := $(patsubst tests/integration/%.c,$(BUILD)/tests/integration/%,$(INTEG_SRC))
$(BUILD)/tests/integration/%: tests/integration/%.c $(LIBCOMMON)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIBCOMMON) $(PKG_LIBS) -lcmocka $(LDFLAGS)

# ---- fuzz targets (clang + libFuzzer) -------------------------------------
# Each tests/fuzz/fuzz_<name>.c is linked against the sources named in its
# opening comment: "/* fuzz-sources: a.c b.c */" (it may run over several
# " * " lines, as clang-format wraps it).
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -Iinclude -Ibuild/gen $(PKG_CFLAGS) \
               -fsanitize=fuzzer,address,undefined
build/fuzz/%: tests/fuzz/%.c $(PB_H) $(wildcard services/*/*.c services/*/*.h include/fayuan/*.h)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -o $@ $< $$(sed -n '1,/\*\//p' $< | tr '\n' ' ' | \
	    sed -n 's/^ *\/\* *fuzz-sources:\([^*]*\( \*[^/][^*]*\)*\)\*\/.*/\1/p' | sed 's/ \* / /g') \
	    $(patsubst %,build/gen/%,$(notdir $(PB_C))) $(PKG_LIBS)
fuzz: $(FUZZ_BIN)

# ---- top-level commands ---------------------------------------------------
test: all $(UNIT_BIN) $(INTEG_BIN)
	BUILD=$(BUILD) SANITIZE=$(SANITIZE) tests/run

unit: $(UNIT_BIN)
	BUILD=$(BUILD) tests/run unit

bench: all
	BUILD=$(BUILD) tests/bench/run
	BUILD=$(BUILD) tests/bench/close
	BUILD=$(BUILD) tests/bench/import

run:
	deploy/stack up

stop:
	deploy/stack down

FORMAT_SRC = $(shell git ls-files '*.c' '*.h')
format:
	clang-format -i $(FORMAT_SRC)
format-check:
	clang-format --dry-run --Werror $(FORMAT_SRC)

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
