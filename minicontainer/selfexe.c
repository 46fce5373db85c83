/*
 * selfexe.c - the runtime runs from a sealed copy of itself.  In
 * CVE-2019-5736 a container process opened /proc/PID/exe of the runtime
 * that had entered it, and wrote through that link into the host's runc
 * binary: the next runc started as root was the attacker's.  Here the
 * binary is copied into a memfd, sealed (F_SEAL_WRITE: no write, ever,
 * by anyone) and re-executed from it, so /proc/PID/exe of every runtime
 * process, the container's init included, is that sealed copy.  runc did
 * the same (libcontainer/nsenter/cloned_binary.c) until it found cheaper
 * ways.  Man pages: memfd_create(2), fcntl(2) "File Sealing", execveat(2).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <elf.h>

#include "report.h"
#include "selfexe.h"

#define SEALS	(F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

extern char **environ;

/*
 * How much of the binary execve(2) needs: up to the end of the last
 * segment (the debugging sections after it are never loaded), and the
 * header with its section table dropped.  The copy is then as small as a
 * stripped binary: with -g that is well under half the file.  0, or -1
 * (copy the whole file instead).
 */
static int loadable(int fd, Elf64_Ehdr *eh, off_t *end)
{
	Elf64_Phdr ph;
	off_t e;
	int i;

	if (pread(fd, eh, sizeof(*eh), 0) != (ssize_t)sizeof(*eh) ||
	    memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_phentsize != sizeof(ph))
		return -1;
	*end = (off_t)(eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(ph));
	for (i = 0; i < eh->e_phnum; i++) {
		if (pread(fd, &ph, sizeof(ph), (off_t)(eh->e_phoff +
			  (uint64_t)i * sizeof(ph))) != (ssize_t)sizeof(ph))
			return -1;
		e = (off_t)(ph.p_offset + ph.p_filesz);
		if (e > *end)
			*end = e;
	}
	eh->e_shoff = 0;
	eh->e_shnum = 0;
	eh->e_shstrndx = SHN_UNDEF;
	return 0;
}

/* 1 if fd is a memfd with every seal above, 0 otherwise. */
static int sealed(int fd)
{
	int s = fcntl(fd, F_GET_SEALS);

	return s >= 0 && (s & SEALS) == SEALS;
}

int selfexe_protect(char **argv)
{
	struct stat st;
	off_t off = 0, end;
	Elf64_Ehdr eh;
	ssize_t n;
	int self, mfd, elf;

	self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return rep_fail("open(\"/proc/self/exe\")");
	if (sealed(self)) {
		close(self);
		/* The name a student sees in ps: not the fd number. */
		prctl(PR_SET_NAME, "minicontainer");
		return 0;
	}
	if (fstat(self, &st) < 0) {
		rep_fail("fstat(\"/proc/self/exe\")");
		goto out_self;
	}
	mfd = memfd_create("minicontainer", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (mfd < 0) {
		rep_fail("memfd_create(\"minicontainer\", MFD_ALLOW_SEALING)");
		goto out_self;
	}
	elf = loadable(self, &eh, &end) == 0 && end <= st.st_size;
	if (!elf)
		end = st.st_size;
	while (off < end) {
		n = sendfile(mfd, self, &off, (size_t)(end - off));
		if (n <= 0) {
			rep_fail("sendfile(memfd, \"/proc/self/exe\")");
			goto out_mfd;
		}
	}
	if (elf && pwrite(mfd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh)) {
		rep_fail("pwrite(memfd, ELF header)");
		goto out_mfd;
	}
	/* From here the copy can never change, not even through this fd. */
	if (fcntl(mfd, F_ADD_SEALS, SEALS) < 0) {
		rep_fail("fcntl(memfd, F_ADD_SEALS, F_SEAL_WRITE | ...)");
		goto out_mfd;
	}
	rep_step(0, "a sealed copy of the runtime", "memfd_create(); "
		 "sendfile(%lld bytes); fcntl(F_ADD_SEALS, F_SEAL_SEAL | "
		 "F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)",
		 (long long)end);
	close(self);
	fflush(NULL);
	/* MFD_CLOEXEC: the fd is gone once the new image runs. */
	syscall(SYS_execveat, mfd, "", argv, environ, AT_EMPTY_PATH);
	rep_fail("execveat(memfd, \"\", AT_EMPTY_PATH)");
	close(mfd);
	return -1;
out_mfd:
	close(mfd);
out_self:
	close(self);
	return -1;
}
