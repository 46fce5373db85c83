# fuzz.mk - libFuzzer targets under ASan and UBSan (fuzz/README.md).
#
#   make fuzz             build, replay fuzz/regress and the corpus, then
#                         run each target FUZZ_SECONDS (60) on a copy of
#                         its corpus; fails on a crash (build/fuzz/artifacts)
#   make fuzz-replay      build and replay the seeds and regressions once

FUZZ_CC		?= clang
FUZZ_SECONDS	?= 60
FUZZ_SAN	:= -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS	:= -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) \
		   -fsanitize=fuzzer-no-link
FB		:= $(B)/fuzz

FUZZ_TARGETS	:= oci_config image layer_path parsers
FUZZ_LIB	:= lib/report.c lib/fileio.c lib/cli.c lib/netlink.c
fuzz_oci_config_SRC := minicontainer/oci-config.c minicontainer/caps.c \
		       cgroup-limit/limit.c ns-unshare/idmap.c timens/timens.c
fuzz_oci_config_LIBS := -ljansson -lcap
fuzz_image_SRC	:= minicontainer/image-oci.c
fuzz_image_LIBS	:= -ljansson -lcrypto
fuzz_layer_path_SRC := minicontainer/image-oci.c minicontainer/image-layer.c
fuzz_layer_path_LIBS := -larchive -ljansson -lcrypto
fuzz_parsers_SRC := cgroup-limit/limit.c netns-veth/netns.c \
		    ns-unshare/idmap.c timens/timens.c \
		    minicontainer/oci-config.c minicontainer/caps.c
fuzz_parsers_LIBS := -ljansson -lcap

.PHONY: fuzz-build fuzz-replay

# Its own record of the flags: building these never touches $(B)/.flags
# (a make check build's -Werror stays recorded there).
$(FB)/.flags: FORCE
	@mkdir -p $(FB)
	@echo '$(FUZZ_CC) $(FUZZ_CFLAGS) $(XCFLAGS)' | cmp -s - $@ || \
		echo '$(FUZZ_CC) $(FUZZ_CFLAGS) $(XCFLAGS)' > $@

$(FB)/obj/%.o: %.c $(FB)/.flags
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(XCFLAGS) -Ifuzz -c -o $@ $<

define fuzz_rule
$(FB)/fuzz_$(1): $(FB)/obj/fuzz/fuzz_$(1).o \
		 $(fuzz_$(1)_SRC:%.c=$(FB)/obj/%.o) $(FUZZ_LIB:%.c=$(FB)/obj/%.o)
	$$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $$@ $$^ $(fuzz_$(1)_LIBS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

fuzz-build: $(FUZZ_TARGETS:%=$(FB)/fuzz_%)

fuzz-replay: fuzz-build
	@FUZZ_DIR=$(FB) fuzz/run.sh replay $(FUZZ_TARGETS)

fuzz: fuzz-build
	@FUZZ_DIR=$(FB) FUZZ_SECONDS=$(FUZZ_SECONDS) fuzz/run.sh run \
		$(FUZZ_TARGETS)

-include $(wildcard $(FB)/obj/*/*.d $(FB)/obj/*/*/*.d)
