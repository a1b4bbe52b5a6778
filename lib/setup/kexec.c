// SPDX-License-Identifier: MIT
// Loading the capture kernel with kexec_file_load(2) (kexec.h).
//
// Command-line facts, read for facts only:
// - kdump-utils' kdumpctl prepare_cmdline(): always removes crashkernel=,
//   panic_on_warn and root= (the capture initramfs mounts the target
//   itself), and dracut's rd.lvm.lv, rd.luks.uuid, rd.dm.uuid, rd.md.uuid,
//   fcoe, netroot, rd.iscsi.initiator, iscsi_initiator; then
//   KDUMP_COMMANDLINE_REMOVE, whose x86_64 default (gen-kdump-sysconfig.sh)
//   is hugepages hugepagesz slub_debug quiet log_buf_len swiotlb cma
//   hugetlb_cma ignition.firstboot; then KDUMP_COMMANDLINE_APPEND, whose
//   x86_64 default is irqpoll nr_cpus=1 reset_devices cgroup_disable=memory
//   mce=off numa=off udev.children-max=2 panic=10 acpi_no_memhotplug
//   transparent_hugepage=never nokaslr hest_disable novmcoredd cma=0
//   hugetlb_cma=0 pcie_ports=compat kfence.sample_interval=0
//   initramfs_options=size=90%.
// - kdump-tools' kdump-config (Debian): KDUMP_CMDLINE (default
//   /proc/cmdline without crashkernel=, hugepages=, hugepagesz=, abm=) plus
//   KDUMP_CMDLINE_APPEND (default: reset_devices, nr_cpus=1, irqpoll, nousb
//   and a systemd unit).
// Ours: the kdumpctl x86_64 append list without udev.children-max (no udev
// in our initramfs) and initramfs_options= (newer kernels only); and we
// also drop init=/rdinit= (the capture initramfs's /init must run) and
// resume=/resume_offset= (a capture kernel must never resume a hibernation
// image), and "--" with what follows (arguments of the first kernel's init).
//
// Syscall facts: kexec_file_load(2), include/uapi/linux/kexec.h (flags),
// kernel/kexec_file.c (EBUSY when another load holds the kexec lock; EPERM
// from the CAP_SYS_BOOT, kexec_load_disabled and lockdown checks;
// EKEYREJECTED/ENOKEY/EBADMSG from the signature check; EADDRNOTAVAIL when
// no hole for a segment is found in the crashkernel region; ENOEXEC from
// the image probe).
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <dontpanic/kexec.h>

#include "core/file.h"

#ifndef KEXEC_FILE_UNLOAD
#define KEXEC_FILE_UNLOAD 0x00000001
#define KEXEC_FILE_ON_CRASH 0x00000002
#define KEXEC_FILE_NO_INITRAMFS 0x00000004
#endif
#ifndef EKEYREJECTED
#define EKEYREJECTED 129
#endif

// x86 boot protocol: the bzImage header's cmdline_size is 2047 on the
// kernels we target (COMMAND_LINE_SIZE 2048, with the NUL).
#define CMDLINE_MAX 2048

const char dp_kexec_default_append[] =
	"irqpoll nr_cpus=1 reset_devices cgroup_disable=memory mce=off "
	"numa=off panic=10 acpi_no_memhotplug transparent_hugepage=never "
	"nokaslr hest_disable novmcoredd cma=0 hugetlb_cma=0 pcie_ports=compat "
	"kfence.sample_interval=0";

static const char *const dropped[] = {
	// kdumpctl: always
	"crashkernel", "panic_on_warn", "root",
	"rd.lvm.lv", "rd.luks.uuid", "rd.dm.uuid", "rd.md.uuid", "fcoe",
	"netroot", "rd.iscsi.initiator", "iscsi_initiator",
	// kdumpctl's x86_64 KDUMP_COMMANDLINE_REMOVE default
	"hugepages", "hugepagesz", "slub_debug", "quiet", "log_buf_len",
	"swiotlb", "cma", "hugetlb_cma", "ignition.firstboot",
	// kdump-tools
	"abm",
	// ours (see the top of the file)
	"init", "rdinit", "resume", "resume_offset",
};

// Next word of s (kernel next_arg() rules: whitespace separates, double
// quotes group). Sets *len; returns NULL at the end.
static const char *next_word(const char *s, size_t *len)
{
	while (*s == ' ' || *s == '\t' || *s == '\n')
		s++;
	if (!*s)
		return NULL;
	const char *p = s;
	bool quoted = false;
	for (; *p; p++) {
		if (*p == '"')
			quoted = !quoted;
		else if (!quoted && (*p == ' ' || *p == '\t' || *p == '\n'))
			break;
	}
	*len = (size_t)(p - s);
	return s;
}

// Length of a word's name: up to '=' (a leading quote is skipped over by
// the caller's comparison: "x=y" in quotes keeps its name x).
static size_t key_len(const char *w, size_t len)
{
	size_t i = 0;
	while (i < len && w[i] != '=')
		i++;
	return i;
}

static bool same_key(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen && *a == '"') {
		a++;
		alen--;
	}
	if (blen && *b == '"') {
		b++;
		blen--;
	}
	size_t ka = key_len(a, alen), kb = key_len(b, blen);
	return ka == kb && memcmp(a, b, ka) == 0;
}

bool dp_kexec_cmdline_drops(const char *word, size_t len)
{
	for (size_t i = 0; i < sizeof(dropped) / sizeof(dropped[0]); i++)
		if (same_key(word, len, dropped[i], strlen(dropped[i])))
			return true;
	return false;
}

// Does a word of list set the same name as w?
static bool set_in(const char *list, const char *w, size_t len)
{
	const char *a;
	size_t alen;
	for (a = next_word(list ? list : "", &alen); a;
	     a = next_word(a + alen, &alen))
		if (same_key(a, alen, w, len))
			return true;
	return false;
}

static void put_word(char *out, size_t *n, const char *w, size_t len)
{
	if (*n)
		out[(*n)++] = ' ';
	memcpy(out + *n, w, len);
	*n += len;
	out[*n] = '\0';
}

static void put_words(char *out, size_t *n, const char *list)
{
	const char *w;
	size_t len;
	for (w = next_word(list ? list : "", &len); w;
	     w = next_word(w + len, &len))
		put_word(out, n, w, len);
}

struct dp_error *dp_kexec_cmdline(const struct dp_kexec_cmdline_opts *o,
				  char **ret)
{
	const char *base = o->base ? o->base : "";
	const char *append = o->append ? o->append : dp_kexec_default_append;
	size_t cap = strlen(base) + strlen(append) +
		     (o->extra ? strlen(o->extra) : 0) + 3;
	char *out = malloc(cap);
	if (!out)
		return dp_error_create(DP_ERR_NOMEM, "capture command line: out of memory");
	size_t n = 0;
	out[0] = '\0';
	const char *w;
	size_t len;
	for (w = next_word(base, &len); w; w = next_word(w + len, &len)) {
		// "--" ends the kernel's parameters: the rest are arguments of
		// the first kernel's init, and words appended after them would
		// not reach the capture kernel (init/main.c, parse_args).
		if (len == 2 && !memcmp(w, "--", 2))
			break;
		if (dp_kexec_cmdline_drops(w, len) || set_in(append, w, len) ||
		    set_in(o->extra, w, len))
			continue;
		put_word(out, &n, w, len);
	}
	put_words(out, &n, append);
	put_words(out, &n, o->extra);
	*ret = out;
	return NULL;
}

// ---------------------------------------------------------------- probe

static int read_int(const char *root, const char *rel)
{
	char buf[64];
	if (!dp_file_read_small(root, rel, buf, sizeof(buf)))
		return -1;
	char *end;
	long v = strtol(buf, &end, 10);
	return end == buf || *end || v < 0 || v > 1000000 ? -1 : (int)v;
}

void dp_kexec_probe(const char *root, struct dp_kexec_state *st)
{
	char buf[256];
	memset(st, 0, sizeof(*st));
	st->crash_loaded = read_int(root, "/sys/kernel/kexec_crash_loaded");
	st->load_disabled = read_int(root, "/proc/sys/kernel/kexec_load_disabled");
	if (dp_file_read_small(root, "/sys/kernel/kexec_crash_size", buf, sizeof(buf))) {
		char *end;
		errno = 0;
		unsigned long long v = strtoull(buf, &end, 10);
		st->have_crash_size = !errno && end != buf && !*end;
		st->crash_size = st->have_crash_size ? v : 0;
	}
	// "none [integrity] confidentiality": the bracketed word is the mode.
	if (dp_file_read_small(root, "/sys/kernel/security/lockdown", buf, sizeof(buf))) {
		char *a = strchr(buf, '['), *b = a ? strchr(a, ']') : NULL;
		if (a && b && (size_t)(b - a - 1) < sizeof(st->lockdown)) {
			memcpy(st->lockdown, a + 1, (size_t)(b - a - 1));
			st->lockdown[b - a - 1] = '\0';
		}
	}
}

// ---------------------------------------------------------------- load

static double mib(uint64_t b)
{
	return (double)b / (1024.0 * 1024.0);
}

static struct dp_error *file_size(const char *what, const char *path,
				  uint64_t *size)
{
	struct stat sb;
	if (stat(path, &sb) < 0)
		return dp_error_os(errno, "%s %s", what, path);
	if (!S_ISREG(sb.st_mode))
		return dp_error_create(DP_ERR_INVALID, "%s %s: not a regular file",
				       what, path);
	*size = (uint64_t)sb.st_size;
	return NULL;
}

static struct dp_error *no_fit(const struct dp_kexec_load *req,
			       const struct dp_kexec_state *st, uint64_t ksize,
			       uint64_t isize)
{
	return dp_error_create(DP_ERR_INVALID,
			       "the capture kernel (%s, %.1f MiB) + initrd (%s, %.1f MiB) do not fit in the %.0f MiB reserved (kexec_crash_size): reserve more with crashkernel= (and reboot) or use a smaller initramfs",
			       req->kernel, mib(ksize),
			       req->initrd ? req->initrd : "none", mib(isize),
			       mib(st->crash_size));
}

struct dp_error *dp_kexec_check(const struct dp_kexec_load *req,
				const struct dp_kexec_state *st)
{
	if (!st->have_crash_size)
		return dp_error_create(DP_ERR_UNSUPPORTED,
				       "this kernel has no kexec crash support (no %s/sys/kernel/kexec_crash_size): it needs CONFIG_KEXEC_FILE and CONFIG_CRASH_DUMP",
				       req->root);
	if (st->crash_size == 0)
		return dp_error_create(DP_ERR_INVALID,
				       "no memory is reserved for a capture kernel (kexec_crash_size is 0): add crashkernel= to the kernel command line and reboot ('dontpanic status' shows the state)");
	if (st->load_disabled == 1)
		return dp_error_create(DP_ERR_INVALID,
				       "kexec is disabled until the next reboot (kernel.kexec_load_disabled = 1; it cannot be set back to 0)");
	uint64_t ksize, isize = 0;
	struct dp_error *err = file_size("capture kernel", req->kernel, &ksize);
	if (!err && req->initrd)
		err = file_size("initrd", req->initrd, &isize);
	if (err)
		return err;
	if (ksize + isize >= st->crash_size)
		return no_fit(req, st, ksize, isize);
	size_t clen = strlen(req->cmdline ? req->cmdline : "");
	if (clen + 1 > CMDLINE_MAX)
		return dp_error_create(DP_ERR_INVALID,
				       "the capture command line is %zu bytes; the kernel takes at most %d",
				       clen, CMDLINE_MAX - 1);
	return NULL;
}

static struct dp_error *explain(int e, const struct dp_kexec_load *req,
				const struct dp_kexec_state *st)
{
	bool locked = st->lockdown[0] && strcmp(st->lockdown, "none") != 0;
	switch (e) {
	case EPERM:
		if (geteuid() != 0)
			return dp_error_os(e, "kexec_file_load: loading a kernel needs root (CAP_SYS_BOOT)");
		if (locked)
			return dp_error_os(e, "kexec_file_load: the kernel is locked down (lockdown=%s, e.g. by Secure Boot) and %s's signature could not be verified: load the distribution's signed kernel",
					   st->lockdown, req->kernel);
		return dp_error_os(e, "kexec_file_load: not permitted (kernel.kexec_load_disabled, a security module, or a lockdown this kernel does not show)");
	case EKEYREJECTED:
	case ENOKEY:
	case EBADMSG:
	case EKEYREVOKED:
	case EKEYEXPIRED:
		return dp_error_os(e, "kexec_file_load: %s's signature was rejected (the kernel enforces signed kexec images: KEXEC_SIG_FORCE, or lockdown%s%s): use a kernel signed with a key the kernel trusts",
				   req->kernel, locked ? "=" : "", locked ? st->lockdown : "");
	case EBUSY:
		return dp_error_os(e, "kexec_file_load: another kexec load is in progress; try again");
	case ENOMEM:
	case EADDRNOTAVAIL: {
		uint64_t k = 0, i = 0;
		dp_error_destroy(file_size("", req->kernel, &k));
		if (req->initrd)
			dp_error_destroy(file_size("", req->initrd, &i));
		struct dp_error *err = no_fit(req, st, k, i);
		return dp_error_prefix(err, "kexec_file_load: %s", strerror(e));
	}
	case ENOEXEC:
		return dp_error_os(e, "kexec_file_load: %s is not a kernel image this kernel can load (x86_64 wants a relocatable bzImage)",
				   req->kernel);
	case ENOSYS:
		return dp_error_os(e, "kexec_file_load: this kernel has no kexec_file_load (CONFIG_KEXEC_FILE)");
	default:
		return dp_error_os(e, "kexec_file_load %s (initrd %s)", req->kernel,
				   req->initrd ? req->initrd : "none");
	}
}

static struct dp_error *read_back(const char *root, int want)
{
	int got = read_int(root, "/sys/kernel/kexec_crash_loaded");
	if (got != want)
		return dp_error_create(DP_ERR_INVALID,
				       "kexec_file_load returned success but %s/sys/kernel/kexec_crash_loaded reads %d, not %d",
				       root, got, want);
	return NULL;
}

struct dp_error *dp_kexec_load_crash(const struct dp_kexec_load *req)
{
	struct dp_kexec_state st;
	dp_kexec_probe(req->root, &st);
	struct dp_error *err = dp_kexec_check(req, &st);
	if (err)
		return err;
	int kfd = open(req->kernel, O_RDONLY | O_CLOEXEC);
	if (kfd < 0)
		return dp_error_os(errno, "capture kernel %s", req->kernel);
	int ifd = -1;
	unsigned long flags = KEXEC_FILE_ON_CRASH;
	if (!req->initrd) {
		flags |= KEXEC_FILE_NO_INITRAMFS;
	} else if ((ifd = open(req->initrd, O_RDONLY | O_CLOEXEC)) < 0) {
		err = dp_error_os(errno, "initrd %s", req->initrd);
		close(kfd);
		return err;
	}
	const char *cmd = req->cmdline ? req->cmdline : "";
	long r = syscall(SYS_kexec_file_load, kfd, ifd, strlen(cmd) + 1, cmd,
			 flags);
	int e = errno;
	close(kfd);
	if (ifd >= 0)
		close(ifd);
	if (r != 0)
		return explain(e, req, &st);
	return read_back(req->root, 1);
}

struct dp_error *dp_kexec_unload_crash(const char *root)
{
	long r = syscall(SYS_kexec_file_load, -1, -1, 0UL, NULL,
			 (unsigned long)(KEXEC_FILE_UNLOAD | KEXEC_FILE_ON_CRASH));
	if (r != 0) {
		int e = errno;
		if (e == EPERM && geteuid() != 0)
			return dp_error_os(e, "kexec_file_load (unload): needs root (CAP_SYS_BOOT)");
		if (e == ENOSYS)
			return dp_error_os(e, "kexec_file_load (unload): this kernel has no kexec_file_load (CONFIG_KEXEC_FILE)");
		return dp_error_os(e, "kexec_file_load (unload)");
	}
	return read_back(root, 0);
}
