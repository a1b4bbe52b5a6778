// SPDX-License-Identifier: MIT
// crashkernel= on the running machine and in grub's defaults
// (crashkernel.h): /proc/cmdline, the RAM size the kernel matched ranges
// on, /sys/kernel/kexec_crash_size, the "Crash kernel" lines of
// /proc/iomem, and /etc/default/grub{,.d/*.cfg}.
//
// grub-mkconfig sources /etc/default/grub, then /etc/default/grub.d/*.cfg
// in glob order; 10_linux puts GRUB_CMDLINE_LINUX then
// GRUB_CMDLINE_LINUX_DEFAULT on a normal entry's linux line. Debian's
// kdump-tools ships /etc/default/grub.d/kdump-tools.cfg appending
// crashkernel=384M-:128M to GRUB_CMDLINE_LINUX_DEFAULT (kdump-tools
// 1:1.8.1, Debian 12); we do the same in our own drop-in.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <dontpanic/crashkernel.h>

#include "core/file.h"

#define READ_MAX (1u << 20)

static const char *norm_root(const char *root, char *buf, size_t size)
{
	snprintf(buf, size, "%s", root ? root : "");
	size_t n = strlen(buf);
	while (n && buf[n - 1] == '/')
		buf[--n] = '\0';
	return buf;
}

// Read root+rel (at most READ_MAX bytes) into a malloc'ed NUL-terminated
// buffer, NULs replaced by newlines. NULL if unreadable or larger;
// *nomem on ENOMEM.
static char *slurp(const char *root, const char *rel, bool *nomem)
{
	char *buf;
	size_t len;
	struct dp_error *err = dp_file_read(root, rel, READ_MAX, &buf, &len);
	if (err) {
		*nomem |= err == &dp_enomem;
		dp_error_destroy(err);
		return NULL;
	}
	for (size_t i = 0; i < len; i++)
		if (buf[i] == '\0')
			buf[i] = '\n';
	return buf;
}

// The crashkernel= words of a command line, joined by spaces.
static void cmdline_words(const char *line, char *out, size_t size)
{
	size_t len = 0;
	out[0] = '\0';
	for (const char *s = line; *s;) {
		while (*s == ' ')
			s++;
		size_t n = strcspn(s, " ");
		if (n > 12 && !strncmp(s, "crashkernel=", 12) &&
		    len + n + 2 <= size) {
			if (len)
				out[len++] = ' ';
			memcpy(out + len, s + 12, n - 12);
			len += n - 12;
			out[len] = '\0';
		}
		s += n;
	}
}

// "start-end : name" at the top level (no indent) or nested.
static bool iomem_line(const char *l, uint64_t *start, uint64_t *end,
		       const char **name)
{
	char *e;
	while (*l == ' ')
		l++;
	errno = 0;
	*start = strtoull(l, &e, 16);
	if (e == l || *e != '-' || errno)
		return false;
	l = e + 1;
	*end = strtoull(l, &e, 16);
	if (e == l || strncmp(e, " : ", 3) || errno)
		return false;
	*name = e + 3;
	return true;
}

static void probe_iomem(char *iomem, struct dp_ck_machine *m)
{
	uint64_t ram = 0;
	bool any_ram = false, all_zero = true;
	char *save = NULL;
	for (char *l = strtok_r(iomem, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		uint64_t s, e;
		const char *name;
		if (!iomem_line(l, &s, &e, &name))
			continue;
		if (s || e)
			all_zero = false;
		if (l[0] != ' ' && !strcmp(name, "System RAM") && e >= s) {
			any_ram = true;
			// a hostile file's ranges may add up past 2^64: stay there
			if (__builtin_add_overflow(ram, e - s, &ram) ||
			    __builtin_add_overflow(ram, 1, &ram))
				ram = UINT64_MAX;
		} else if (!strcmp(name, "Crash kernel") && m->nregions < 4) {
			m->region_start[m->nregions] = s;
			m->region_end[m->nregions++] = e;
		}
	}
	// Without CAP_SYS_ADMIN every address reads 0.
	if (all_zero && (any_ram || m->nregions)) {
		m->iomem_hidden = true;
		m->nregions = 0;
	} else if (any_ram) {
		m->ram = ram;
		m->ram_source = "/proc/iomem System RAM";
	}
}

// MemTotal excludes the kernel image and early reservations: an estimate
// below memblock's total; the crash reservation is added back.
static void probe_meminfo(char *meminfo, struct dp_ck_machine *m)
{
	const char *p = strstr(meminfo, "MemTotal:");
	if (!p)
		return;
	unsigned long long kb = strtoull(p + 9, NULL, 10);
	if (!kb || kb > UINT64_MAX / 1024)
		return;
	m->ram = kb * 1024 + (m->have_crash_size ? m->crash_size : 0);
	m->ram_source = "/proc/meminfo MemTotal + kexec_crash_size (an estimate a little below the kernel's figure; /proc/iomem needs root)";
}

struct dp_error *dp_ck_probe(const char *root, struct dp_ck_machine *m)
{
	char rb[4096];
	bool nomem = false;
	root = norm_root(root, rb, sizeof(rb));
	memset(m, 0, sizeof(*m));
	m->eval.range = -1;
	char *s = slurp(root, "/sys/kernel/kexec_crash_size", &nomem);
	if (s) {
		char *e;
		errno = 0;
		unsigned long long v = strtoull(s, &e, 10);
		if (!errno && e != s && (*e == '\n' || !*e)) {
			m->have_crash_size = true;
			m->crash_size = v;
		}
		free(s);
	}
	if ((s = slurp(root, "/proc/iomem", &nomem))) {
		probe_iomem(s, m);
		free(s);
	}
	if (!m->ram && (s = slurp(root, "/proc/meminfo", &nomem))) {
		probe_meminfo(s, m);
		free(s);
	}
	if ((s = slurp(root, "/proc/cmdline", &nomem))) {
		s[strcspn(s, "\n")] = '\0';
		m->have_cmdline = true;
		cmdline_words(s, m->spec, sizeof(m->spec));
		dp_ck_kernel_eval(s, m->ram, &m->eval);
		free(s);
	}
	return nomem ? &dp_enomem : NULL;
}

/* ---- grub ------------------------------------------------------------- */

// "GRUB_CMDLINE_LINUX_DEFAULT=..." (optionally "export ") that does not
// use the variable's old value.
static bool clobbers(const char *l)
{
	static const char var[] = "GRUB_CMDLINE_LINUX_DEFAULT=";
	if (!strncmp(l, "export ", 7))
		l += 7 + strspn(l + 7, " \t");
	if (strncmp(l, var, sizeof(var) - 1))
		return false;
	l += sizeof(var) - 1;
	return !strstr(l, "$GRUB_CMDLINE_LINUX_DEFAULT") &&
	       !strstr(l, "${GRUB_CMDLINE_LINUX_DEFAULT}");
}

static void grub_file(const char *root, const char *rel, bool in_d,
		      const char *base, struct dp_ck_grub *g, bool *nomem)
{
	char *text = slurp(root, rel, nomem);
	if (!text)
		return;
	bool ours = in_d && !strcmp(base, "dontpanic.cfg");
	bool later = in_d && strcmp(base, "dontpanic.cfg") > 0;
	unsigned lineno = 0;
	for (char *l = text, *next; l; l = next) {
		next = strchr(l, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		l += strspn(l, " \t");
		if (*l == '#')
			continue;
		if (later && !g->clobber_line && clobbers(l)) {
			snprintf(g->clobber_file, sizeof(g->clobber_file), "%s", rel);
			g->clobber_line = lineno;
		}
		for (char *w = strstr(l, "crashkernel="); w;
		     w = strstr(w + 1, "crashkernel=")) {
			if (g->nhits >= sizeof(g->hits) / sizeof(g->hits[0]))
				break;
			struct dp_ck_grub_hit *h = &g->hits[g->nhits++];
			snprintf(h->file, sizeof(h->file), "%s", rel);
			h->line = lineno;
			size_t n = strcspn(w, " \t\"'");
			snprintf(h->word, sizeof(h->word), "%.*s",
				 (int)(n < 255 ? n : 255), w);
			h->ours = ours;
			// Only GRUB_CMDLINE_LINUX_DEFAULT words from a later
			// file come after ours on the linux line.
			const char *def = strstr(l, "GRUB_CMDLINE_LINUX_DEFAULT");
			h->after_ours = later && def && def < w;
		}
	}
	free(text);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct dp_error *dp_ck_grub_scan(const char *root, struct dp_ck_grub *g)
{
	char rb[4096], path[4200];
	bool nomem = false;
	root = norm_root(root, rb, sizeof(rb));
	memset(g, 0, sizeof(*g));
	snprintf(path, sizeof(path), "%s/etc/default/grub", root);
	g->have_grub = !access(path, F_OK);
	grub_file(root, "/etc/default/grub", false, "grub", g, &nomem);
	snprintf(path, sizeof(path), "%s/etc/default/grub.d", root);
	DIR *d = opendir(path);
	if (!d)
		return nomem ? &dp_enomem : NULL;
	g->have_grub_d = true;
	char *names[256];
	size_t n = 0;
	struct dirent *de;
	while ((de = readdir(d)) && n < 256) {
		size_t l = strlen(de->d_name);
		if (l <= 4 || strcmp(de->d_name + l - 4, ".cfg"))
			continue;
		if (!(names[n] = strdup(de->d_name))) {
			nomem = true;
			break;
		}
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);
	for (size_t i = 0; i < n; i++) {
		char rel[600];
		snprintf(rel, sizeof(rel), "/etc/default/grub.d/%s", names[i]);
		grub_file(root, rel, true, names[i], g, &nomem);
		free(names[i]);
	}
	return nomem ? &dp_enomem : NULL;
}

char *dp_ck_grub_text(const char *value)
{
	char *s;
	if (asprintf(&s,
		     "# Written by 'dontpanic setup --crashkernel': memory reserved at boot\n"
		     "# for the capture kernel. Rerun that command to change it, or delete\n"
		     "# this file (then update-grub and reboot) to reserve nothing.\n"
		     "# The kernel uses the last crashkernel= on its command line.\n"
		     "GRUB_CMDLINE_LINUX_DEFAULT=\"$GRUB_CMDLINE_LINUX_DEFAULT crashkernel=%s\"\n",
		     value) < 0)
		return NULL;
	return s;
}

struct dp_error *dp_ck_grub_write(const char *root, const char *value)
{
	char rb[4096], dir[4200], tmp[4400], path[4300];
	root = norm_root(root, rb, sizeof(rb));
	struct dp_ck_spec spec;
	struct dp_error *err = dp_ck_parse(value, strlen(value), &spec);
	if (err)
		return err;
	snprintf(dir, sizeof(dir), "%s/etc/default", root);
	struct stat st;
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return dp_error_create(DP_ERR_NOT_FOUND,
				       "%s: no such directory (is this a grub system?)", dir);
	snprintf(dir, sizeof(dir), "%s/etc/default/grub.d", root);
	if (mkdir(dir, 0755) && errno != EEXIST)
		return dp_error_os(errno, "cannot create %s", dir);
	snprintf(path, sizeof(path), "%s%s", root, DP_CK_GRUB_DROPIN);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	char *text = dp_ck_grub_text(value);
	if (!text)
		return &dp_enomem;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	size_t n = strlen(text);
	if (fd < 0 || write(fd, text, n) != (ssize_t)n || fsync(fd)) {
		int e = errno;
		if (fd >= 0) {
			close(fd);
			unlink(tmp);
		}
		free(text);
		return dp_error_os(e, "cannot write %s", tmp);
	}
	free(text);
	if (close(fd) || rename(tmp, path)) {
		int e = errno;
		unlink(tmp);
		return dp_error_os(e, "cannot write %s", path);
	}
	return NULL;
}
