# ctk - learn and debug how Linux containers really work.
#
#   make              build every binary, and bench/primitives (lab 24)
#   make rootfs       the default root filesystem (busybox-static)
#   make demo         build, then start a container (minicontainer) on the
#                     default rootfs: the start narrated, then its shell
#   make check        install what is missing, build with -Werror, run the
#                     unit, integration and vm tiers; ends "N passed,
#                     N failed, N skipped"
#   make vm-check     the vm tier alone (QEMU guest, pure cgroup v2)
#   make playground   that guest as a disposable playground: a root shell
#                     with the tools and labs (RUN='CMD' runs CMD instead)
#   make bench        benchmarks against runc, crun, bubblewrap and unshare;
#                     writes docs/bench/RESULTS.md (bench/run.sh)
#   make fuzz         libFuzzer targets under ASan+UBSan, FUZZ_SECONDS each
#   make check-asan   unit and integration tiers against a build with
#                     ASan+UBSan (build/asan); fails on any report
#   make check-leaks  the tools' main paths under valgrind; fails on a
#                     definite leak
#   make install      PREFIX=/usr/local DESTDIR=
#   make clean

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
DATADIR	?= $(PREFIX)/share/ctk
B	:= build

CC	?= cc
CFLAGS	?= -O2 -g
WERROR	?=
XCFLAGS	:= -std=gnu11 -Wall -Wextra $(if $(WERROR),-Werror) \
	   -Ilib -Ins-unshare -Ipivot -Itimens -Icgroup-limit -Inetns-veth \
	   -Iminicontainer -MMD -MP
LDFLAGS	?=

LIB_SRC	:= lib/report.c lib/fileio.c lib/nstable.c lib/cli.c lib/mountinfo.c \
	   lib/netlink.c
LIB_OBJ	:= $(LIB_SRC:%.c=$(B)/obj/%.o)
LIBCTK	:= $(B)/libctk.a

# One binary per primitive: NAME_SRC lists its module and main.c.
BINS	:= chroot-demo pivot ns-unshare ns-enter ns-inspect cgroup-limit \
	   cg-workload netns-veth minicontainer minicontainer-image
chroot-demo_SRC := chroot-demo/chroot.c chroot-demo/main.c
pivot_SRC	:= ns-unshare/ns.c pivot/pivot.c pivot/main.c
ns-enter_SRC	:= ns-unshare/join.c ns-unshare/enter-main.c
ns-inspect_SRC	:= ns-unshare/inspect.c ns-unshare/inspect-main.c
ns-inspect_LIBS	:= -lcap
cgroup-limit_SRC := cgroup-limit/limit.c cgroup-limit/cgroup.c \
		    cgroup-limit/cgroupv1.c cgroup-limit/watch.c \
		    cgroup-limit/main.c
cg-workload_SRC	:= cgroup-limit/limit.c cgroup-limit/workload.c
netns-veth_SRC	:= netns-veth/netns.c netns-veth/nat.c netns-veth/tc.c \
		   netns-veth/transfer.c netns-veth/main.c
timens_SRC	:= ns-unshare/ns.c timens/timens.c timens/main.c
# The runtime: the siblings' modules, then its own.
minicontainer_SRC := ns-unshare/ns.c ns-unshare/idmap.c \
		     ns-unshare/inspect.c pivot/pivot.c \
		     netns-veth/netns.c \
		     netns-veth/nat.c cgroup-limit/limit.c \
		     cgroup-limit/cgroup.c cgroup-limit/cgroupv1.c \
		     timens/timens.c minicontainer/state.c \
		     minicontainer/rootfs.c minicontainer/caps.c \
		     minicontainer/trace.c \
		     minicontainer/seccomp-filter.c \
		     minicontainer/seccomp-default.c minicontainer/env.c \
		     minicontainer/user.c minicontainer/options.c \
		     minicontainer/selfexe.c minicontainer/init.c \
		     minicontainer/tty.c minicontainer/container.c \
		     minicontainer/lifecycle.c minicontainer/image-run.c \
		     minicontainer/oci-config.c minicontainer/oci-state.c \
		     minicontainer/oci-create.c minicontainer/oci.c \
		     minicontainer/main.c
minicontainer_LIBS := -static -lcap -lseccomp -ljansson
# Images: a program of its own, so that run never maps these libraries.
minicontainer-image_SRC := minicontainer/image-oci.c \
			   minicontainer/image-layer.c \
			   minicontainer/image-store.c \
			   minicontainer/image-main.c
minicontainer-image_LIBS := -larchive -lcrypto -ljansson
# timens joins when its main.c lands.
BINS	+= $(if $(wildcard timens/main.c),timens)
ns-unshare_SRC	:= ns-unshare/ns.c ns-unshare/idmap.c ns-unshare/evidence.c \
		   ns-unshare/contrast.c timens/timens.c ns-unshare/main.c

# The breakout probe is static: it runs inside the busybox rootfs.
PROBE_SRC := chroot-demo/escape-probe.c chroot-demo/chroot.c

MANS	:= chroot-demo/chroot-demo.8 pivot/pivot.8 ns-unshare/ns-unshare.8 \
	   ns-unshare/ns-enter.8 ns-unshare/ns-inspect.8 \
	   cgroup-limit/cgroup-limit.8 cgroup-limit/cg-workload.8 \
	   netns-veth/netns-veth.8 $(wildcard timens/timens.8) \
	   $(wildcard minicontainer/minicontainer.8)

UNIT_SRC := $(wildcard tests/unit/check_*.c)
UNIT_MODS := chroot-demo/chroot.c pivot/pivot.c ns-unshare/ns.c \
	     ns-unshare/idmap.c timens/timens.c cgroup-limit/limit.c \
	     netns-veth/tc.c minicontainer/caps.c minicontainer/seccomp-filter.c \
	     minicontainer/env.c minicontainer/options.c minicontainer/user.c \
	     minicontainer/seccomp-default.c minicontainer/tty.c \
	     minicontainer/image-oci.c minicontainer/image-layer.c \
	     minicontainer/oci-config.c
UNIT_INC := $(addprefix -I,$(sort $(dir $(UNIT_MODS))))
CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null)

ALL_OBJ := $(LIB_OBJ) $(foreach b,$(BINS),$($(b)_SRC:%.c=$(B)/obj/%.o)) \
	   $(PROBE_SRC:%.c=$(B)/obj/%.o) $(UNIT_SRC:%.c=$(B)/obj/%.o)

.PHONY: all rootfs demo check vm-check playground bench install clean \
	deps-build deps-check lint fuzz check-asan check-leaks
.DEFAULT_GOAL := all

all: $(BINS:%=$(B)/bin/%) $(B)/bin/escape-probe $(B)/bench/primitives

# Install missing packages first (prints nothing when all are present).
deps-build:
	@scripts/deps.sh build
deps-check:
	@scripts/deps.sh build rootfs check vm

# Rebuild everything when the flags change (plain make vs make check).
$(B)/.flags: FORCE
	@mkdir -p $(B)
	@echo '$(CC) $(CFLAGS) $(XCFLAGS)' | cmp -s - $@ || \
		echo '$(CC) $(CFLAGS) $(XCFLAGS)' > $@
FORCE:

$(B)/obj/%.o: %.c $(B)/.flags | deps-build
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(XCFLAGS) $(CPPFLAGS) -c -o $@ $<

$(B)/obj/tests/unit/%.o: tests/unit/%.c $(B)/.flags | deps-check
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(XCFLAGS) $(UNIT_INC) $(CHECK_CFLAGS) -c -o $@ $<

$(LIBCTK): $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

define bin_rule
$(B)/bin/$(1): $($(1)_SRC:%.c=$(B)/obj/%.o) $(LIBCTK)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) $$(LDFLAGS) -o $$@ $$^ $($(1)_LIBS)
endef
$(foreach b,$(BINS),$(eval $(call bin_rule,$(b))))

$(B)/bin/escape-probe: $(PROBE_SRC:%.c=$(B)/obj/%.o) $(LIBCTK)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -static -o $@ $^

# The default seccomp filter, compiled to BPF once, at build time.
$(B)/gen/seccomp-default-bpf.h: $(B)/tools/seccomp-gen
	@mkdir -p $(dir $@)
	$< $@
$(B)/tools/seccomp-gen: $(B)/obj/minicontainer/seccomp-gen.o \
			$(B)/obj/minicontainer/seccomp-filter.o $(LIBCTK)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ -lcap -lseccomp -ljansson
$(B)/obj/minicontainer/seccomp-default.o: $(B)/gen/seccomp-default-bpf.h
$(B)/obj/minicontainer/seccomp-default.o: XCFLAGS += -I$(B)/gen

# What the container tests try from inside: static, like the probe above.
$(B)/tests/sys-probe: tests/probe/sys-probe.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(XCFLAGS) $(LDFLAGS) -static -o $@ $<

$(B)/tests/console-recv: tests/probe/console-recv.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(XCFLAGS) $(LDFLAGS) -o $@ $<

$(B)/tests/check_unit: $(UNIT_SRC:%.c=$(B)/obj/%.o) \
		       $(UNIT_MODS:%.c=$(B)/obj/%.o) $(LIBCTK)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CHECK_LIBS) -lcap -lseccomp \
		-ljansson -larchive -lcrypto

rootfs: $(B)/rootfs/.stamp
$(B)/rootfs/.stamp: scripts/mkrootfs.sh $(B)/bin/escape-probe
	@scripts/deps.sh rootfs
	scripts/mkrootfs.sh $(B)/rootfs $(B)/bin/escape-probe
	@touch $@

demo: all rootfs
	$(B)/bin/minicontainer --verbose run -it --rm --hostname demo \
		--read-only --tmpfs /tmp

check: deps-check
	@$(MAKE) --no-print-directory WERROR=1 all rootfs $(B)/tests/check_unit \
		$(B)/tests/sys-probe $(B)/tests/console-recv
	@tests/run-tests.sh unit integration vm

# The vm tier alone: the "[vm]" tests in a pure cgroup v2 QEMU guest.
vm-check: deps-check
	@scripts/deps.sh vm
	@$(MAKE) --no-print-directory WERROR=1 all rootfs $(B)/tests/sys-probe
	@tests/run-tests.sh vm

# The vm tier's guest for a person whose host is hybrid, old or locked
# down: pure cgroup v2, every controller on, nothing kept.  RUN='CMD'
# runs one command there (its output and status come back), e.g.
# make playground RUN='labs/labs run 11 --ci'; RUN is taken as written
# ($(value ...)), not expanded by make, and single-quoted for the shell.
playground: all rootfs
	@scripts/deps.sh vm
	@tests/vm/run-vm.sh $(if $(value RUN),--run \
		'$(subst ','\'',$(value RUN))',--shell)

install: all rootfs
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(DATADIR)
	install -m 0755 $(BINS:%=$(B)/bin/%) $(DESTDIR)$(BINDIR)/
	install -m 0644 $(MANS) $(DESTDIR)$(MANDIR)/man8/
	rm -rf $(DESTDIR)$(DATADIR)/rootfs
	cp -a $(B)/rootfs $(DESTDIR)$(DATADIR)/rootfs
	rm -f $(DESTDIR)$(DATADIR)/rootfs/.stamp
	rm -rf $(DESTDIR)$(DATADIR)/labs
	cp -R labs $(DESTDIR)$(DATADIR)/labs

# The cost of each kernel primitive alone (bench/primitives.c): static
# like minicontainer, from the modules whose steps it times.
PRIM_SRC := ns-unshare/ns.c pivot/pivot.c cgroup-limit/limit.c \
	    cgroup-limit/cgroup.c cgroup-limit/cgroupv1.c netns-veth/netns.c \
	    minicontainer/caps.c minicontainer/seccomp-filter.c \
	    minicontainer/seccomp-default.c bench/primitives.c
$(B)/bench/primitives: $(PRIM_SRC:%.c=$(B)/obj/%.o) $(LIBCTK)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -static -o $@ $^ -lcap -lseccomp -ljansson
-include $(B)/obj/bench/primitives.d

# Benchmarks: not timed tests; each prints its figures side by side with
# the peer tools measured in the same run.  bench/run.sh runs them all
# and writes docs/bench/RESULTS.md, its plots and a start's trace.
bench: all rootfs $(B)/bench/primitives
	@scripts/deps.sh bench
	bench/run.sh

lint:
	shellcheck -x scripts/*.sh tests/*.sh tests/vm/*.sh tests/integration/*.sh \
		tests/integration/*.bash labs/*/scratch-* \
		.ci/run bench/*.sh fuzz/*.sh \
		labs/doctor labs/labs labs/*/lab \
		labs/*/check labs/*/measure labs/lib/*.sh

clean:
	rm -rf $(B)

include mk/fuzz.mk
include mk/asan.mk

-include $(ALL_OBJ:.o=.d)
