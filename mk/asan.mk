# asan.mk - the test suite under AddressSanitizer and UBSan, and the
# binaries' main paths under valgrind.
#
#   make check-asan    build every binary and the unit tests with
#                      -fsanitize=address,undefined into $(B)/asan, then
#                      run the unit and integration tiers against them
#                      (CTK_BUILD=$(B)/asan); fails on a failed test and
#                      on any sanitizer report, even from a test that
#                      passed.  The vm tier is left out (its guest runs
#                      the plain build).
#   make check-leaks   run each tool's main paths under valgrind
#                      (tests/leaks.sh); fails on a definite leak
#
# The rootfs and the static probes (escape-probe, sys-probe) are the plain
# build's: they run inside containers, where no sanitizer runtime is.

AB		:= $(B)/asan
ASAN_SAN	:= -fsanitize=address,undefined -fno-sanitize-recover=undefined
# No -Werror: the instrumented code draws false -Wformat-truncation
# warnings (make check builds the same sources with -Werror).
ASAN_CFLAGS	:= -O1 -g -fno-omit-frame-pointer $(ASAN_SAN)
# Where the sanitizers write their reports: one file per process.
ASAN_LOGS	:= $(AB)/san-logs

# LeakSanitizer cannot work in a process whose /proc is not its own
# (after pivot_root, in a new PID namespace with its /proc: the tools'
# main paths): it dies there with "fatal error" and changes the exit
# status.  So detect_leaks=0 for the integration tier; the unit tests
# run once more with it on, and make check-leaks covers the main paths.
ASAN_LOG_OPTS	:= abort_on_error=1:log_path=$(abspath $(ASAN_LOGS))/asan:log_exe_name=1
ASAN_ENV	:= \
	ASAN_OPTIONS=detect_leaks=0:$(ASAN_LOG_OPTS) \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:abort_on_error=1:log_path=$(abspath $(ASAN_LOGS))/ubsan:log_exe_name=1

.PHONY: asan-build

$(AB)/.flags: FORCE
	@mkdir -p $(AB)
	@echo '$(CC) $(ASAN_CFLAGS) $(XCFLAGS)' | cmp -s - $@ || \
		echo '$(CC) $(ASAN_CFLAGS) $(XCFLAGS)' > $@

$(AB)/obj/%.o: %.c $(AB)/.flags | deps-build
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) $(XCFLAGS) $(CPPFLAGS) -c -o $@ $<

$(AB)/obj/tests/unit/%.o: tests/unit/%.c $(AB)/.flags | deps-check
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) $(XCFLAGS) $(UNIT_INC) $(CHECK_CFLAGS) -c -o $@ $<

# The default seccomp filter's BPF is the plain build's (same bytes).
$(AB)/obj/minicontainer/seccomp-default.o: $(B)/gen/seccomp-default-bpf.h
$(AB)/obj/minicontainer/seccomp-default.o: XCFLAGS += -I$(B)/gen

$(AB)/libctk.a: $(LIB_SRC:%.c=$(AB)/obj/%.o)
	@rm -f $@
	$(AR) rcs $@ $^

# The sanitizers' options for a process whose environment lost them (an
# engine's runtime): tests/asan-defaults.c.
$(AB)/obj/tests/asan-defaults.o: XCFLAGS += \
	-DCTK_ASAN_LOGS='"$(abspath $(ASAN_LOGS))"'

# The sanitizer runtimes cannot be linked statically: minicontainer is
# linked dynamically here.
define asan_bin_rule
$(AB)/bin/$(1): $($(1)_SRC:%.c=$(AB)/obj/%.o) $(AB)/libctk.a \
		$(AB)/obj/tests/asan-defaults.o
	@mkdir -p $$(dir $$@)
	$$(CC) $(ASAN_CFLAGS) $$(LDFLAGS) -o $$@ $$^ \
		$(filter-out -static,$($(1)_LIBS))
endef
$(foreach b,$(BINS),$(eval $(call asan_bin_rule,$(b))))

$(AB)/tests/check_unit: $(UNIT_SRC:%.c=$(AB)/obj/%.o) \
			$(UNIT_MODS:%.c=$(AB)/obj/%.o) $(AB)/libctk.a
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) -lcap \
		-lseccomp -ljansson -larchive -lcrypto

# The default rootfs is found beside bin/ (cli_default_rootfs).
$(AB)/rootfs:
	@mkdir -p $(AB)
	ln -sfn ../rootfs $@

# The static probe that goes into a rootfs: the plain build's.
$(AB)/bin/escape-probe: $(B)/bin/escape-probe
	@mkdir -p $(dir $@)
	ln -sfn ../../bin/escape-probe $@

asan-build: $(BINS:%=$(AB)/bin/%) $(AB)/tests/check_unit $(AB)/rootfs \
	    $(AB)/bin/escape-probe

check-asan: deps-check
	@$(MAKE) --no-print-directory all rootfs $(B)/tests/sys-probe \
		$(B)/tests/console-recv
	@$(MAKE) --no-print-directory asan-build
	@rm -rf $(ASAN_LOGS) && mkdir -p $(ASAN_LOGS)
	@rc=0; ASAN_OPTIONS=detect_leaks=1:$(ASAN_LOG_OPTS) \
		$(AB)/tests/check_unit >/dev/null 2>&1 || rc=1; \
	$(ASAN_ENV) CTK_BUILD=$(AB) tests/run-tests.sh unit \
		integration || rc=$$?; \
	tests/asan-reports.sh $(ASAN_LOGS) $(AB)/bin || rc=1; exit $$rc

# The runtime linked dynamically, from the plain build's objects: in a
# static binary valgrind has no malloc to replace.
$(B)/leaks/minicontainer: $(minicontainer_SRC:%.c=$(B)/obj/%.o) $(LIBCTK)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ \
		$(filter-out -static,$(minicontainer_LIBS))
	ln -sfn ../bin/minicontainer-image $(dir $@)minicontainer-image

check-leaks: deps-check
	@$(MAKE) --no-print-directory all rootfs $(B)/leaks/minicontainer
	@$(MAKE) --no-print-directory asan-build
	@tests/leaks.sh

-include $(wildcard $(AB)/obj/*/*.d $(AB)/obj/*/*/*.d)
