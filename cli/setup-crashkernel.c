// SPDX-License-Identifier: MIT
// dontpanic setup --crashkernel[=SPEC]: check the spec, evaluate it for
// this machine's RAM as the kernel will, compare with what the running
// kernel reserved, and write the grub drop-in (the Debian way).
#include <errno.h>
#include <inttypes.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <dontpanic/crashkernel.h>

#include "cli.h"

extern char **environ;

static const char *sz(uint64_t v, char *buf, size_t n)
{
	dp_ck_format_size(v, buf, n);
	return buf;
}

static void print_why_default(void)
{
	printf("  why this size: the capture kernel boots inside the reserved memory:\n"
	       "    its image (40 MiB from _text to _end for Debian 12's 6.1 cloud\n"
	       "    kernel, loaded from a 14 MB vmlinuz), the initramfs unpacked into\n"
	       "    RAM, the kernel's own boot allocations, and the collector, whose\n"
	       "    page bitmaps grow with the RAM it dumps. Debian's kdump-tools\n"
	       "    reserves %s (from 384M of RAM up; /etc/default/grub.d/\n"
	       "    kdump-tools.cfg, 1:1.8.1); Fedora/RHEL's kdump-utils reserves\n"
	       "    %s on x86_64 and nothing below 2G (kdump-lib.sh,\n"
	       "    +64M with AMD SME/SEV). 128M is tight for a full distribution\n"
	       "    initramfs; this project's QEMU capture runs (a 3.4 MB initramfs\n"
	       "    with makedumpfile) worked in 160M on a 512 MiB guest and 192M on\n"
	       "    1 GiB. So: nothing below 384M (as Debian), 192M up to 2G, then\n"
	       "    Fedora's 256M, and 512M from 64G.\n",
	       DP_CK_DEBIAN_SPEC, DP_CK_FEDORA_X86_SPEC);
}

static const char *syntax_name(const struct dp_ck_spec *s)
{
	switch (s->syntax) {
	case DP_CK_SIMPLE: return "a fixed size";
	case DP_CK_RANGES: return "ranges, matched on the RAM rounded up to 128M (start <= RAM < end)";
	case DP_CK_HIGH: return "a fixed size, may be placed above 4 GiB (,high)";
	case DP_CK_LOW: return "the low part of a ,high reservation (,low)";
	}
	return "?";
}

// The plan for this machine; false when the spec must not be written.
static bool print_eval(const char *cmd, const struct dp_ck_spec *spec,
		       const struct dp_ck_machine *m)
{
	char a[32], b[32];
	if (!m->ram) {
		printf("%-17s unknown (no /proc/iomem or /proc/meminfo)\n", "this machine");
		if (spec->syntax == DP_CK_RANGES)
			printf("%-17s depends on the RAM\n", "reserves");
		return spec->syntax != DP_CK_LOW;
	}
	printf("%-17s RAM %s (%" PRIu64 " bytes, %s)", "this machine",
	       sz(m->ram >> 20 << 20, a, sizeof(a)), m->ram, m->ram_source);
	if (spec->syntax == DP_CK_RANGES)
		printf(", matched as %s", sz(dp_ck_match_ram(m->ram), b, sizeof(b)));
	putchar('\n');
	struct dp_ck_result r;
	dp_ck_eval(spec, m->ram, &r);
	if (!r.ok) {
		printf("%-17s nothing: %s\n", "reserves", r.why ? r.why : "?");
		dp_cli_errorf(cmd, "this spec reserves nothing on this machine; not written");
		return false;
	}
	printf("%-17s %s", "reserves", sz(r.size, a, sizeof(a)));
	if (r.range >= 0) {
		const struct dp_ck_range *q = &spec->ranges[r.range];
		printf(" (range %d: %s-", r.range + 1, sz(q->start, a, sizeof(a)));
		if (q->end != UINT64_MAX)
			printf("%s", sz(q->end, b, sizeof(b)));
		putchar(')');
	}
	if (r.base)
		printf(" at %s", sz(r.base, a, sizeof(a)));
	putchar('\n');
	if (r.size >= m->ram / 2)
		printf("warning: that is half the RAM or more; the running system keeps only %s\n",
		       sz(r.size < m->ram ? (m->ram - r.size) >> 20 << 20 : 0, a, sizeof(a)));
	return true;
}

static void print_running(const struct dp_ck_machine *m)
{
	char a[32], b[32];
	printf("%-17s ", "running kernel");
	if (!m->have_cmdline) {
		printf("cannot read /proc/cmdline\n");
		return;
	}
	if (!*m->spec)
		printf("no crashkernel= on /proc/cmdline");
	else if (!m->ram)
		printf("crashkernel=%s on /proc/cmdline (RAM unknown: not evaluated)",
		       m->spec);
	else if (!m->eval.ok)
		printf("crashkernel=%s on /proc/cmdline reserves nothing here (%s)",
		       m->spec, m->eval.why ? m->eval.why : "?");
	else
		printf("crashkernel=%s on /proc/cmdline -> %s%s", m->spec,
		       sz(m->eval.size, a, sizeof(a)), m->eval.high ? " (,high)" : "");
	if (m->have_crash_size)
		printf("; reserved %s (/sys/kernel/kexec_crash_size)",
		       sz(m->crash_size, b, sizeof(b)));
	else
		printf("; no /sys/kernel/kexec_crash_size (no kexec crash support)");
	putchar('\n');
	for (size_t i = 0; i < m->nregions; i++)
		printf("%-17s Crash kernel %#" PRIx64 "-%#" PRIx64 " (%s, /proc/iomem)\n",
		       "", m->region_start[i], m->region_end[i],
		       sz(m->region_end[i] - m->region_start[i] + 1, a, sizeof(a)));
	if (m->iomem_hidden)
		printf("%-17s (/proc/iomem shows no addresses: run as root to see the region)\n", "");
	if (!m->have_crash_size || !*m->spec || !m->eval.ok || !m->ram)
		return;
	if (m->crash_size == m->eval.size)
		printf("%-17s the reservation is what the command line asks for\n", "");
	else if (!m->crash_size)
		printf("%-17s nothing was reserved: the reservation failed at boot ('dmesg | grep -i crashkernel')\n", "");
	else
		printf("%-17s the reservation (%s) differs from what the command line gives for this RAM (%s): the RAM figure may be an estimate, or kexec_crash_size was shrunk\n",
		       "", sz(m->crash_size, a, sizeof(a)), sz(m->eval.size, b, sizeof(b)));
}

static void print_grub(const struct dp_ck_grub *g, const char *value)
{
	for (size_t i = 0; i < g->nhits; i++) {
		const struct dp_ck_grub_hit *h = &g->hits[i];
		if (h->ours) {
			if (strcmp(h->word + 12, value))
				printf("%-17s replaces %s (%s:%u)\n", "", h->word,
				       h->file, h->line);
			continue;
		}
		if (h->after_ours)
			printf("warning: %s:%u sets %s and grub reads it after dontpanic.cfg, so it comes later on the kernel command line and the kernel uses it, not ours: remove it%s\n",
			       h->file, h->line, h->word,
			       strstr(h->file, "kdump-tools") ?
			       " (comment it out: it is a kdump-tools conffile, and dpkg asks before replacing a changed one)" : "");
		else
			printf("warning: %s:%u also sets %s; ours comes later on the kernel command line and wins, but two crashkernel= words confuse people and tools: remove that one\n",
			       h->file, h->line, h->word);
	}
}

static int run_update_grub(const char *cmd)
{
	char *argv[] = { (char *)"update-grub", NULL };
	pid_t pid;
	int e = posix_spawnp(&pid, "update-grub", NULL, NULL, argv, environ);
	if (e) {
		dp_cli_errorf(cmd, "cannot run update-grub: %s", strerror(e));
		return DP_EXIT_FAILURE;
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return DP_EXIT_FAILURE;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		dp_cli_errorf(cmd, "update-grub failed");
		return DP_EXIT_FAILURE;
	}
	return DP_EXIT_OK;
}

int dp_cli_setup_crashkernel(const char *cmd, const char *root,
			     const char *value, bool dry, bool update_grub)
{
	bool dflt = !value;
	if (dflt)
		value = DP_CK_DEFAULT_SPEC;
	else if (!strncmp(value, "crashkernel=", 12))
		value += 12;	// --crashkernel=crashkernel=256M
	struct dp_ck_spec spec;
	struct dp_error *err = dp_ck_parse(value, strlen(value), &spec);
	if (err) {
		dp_cli_error(cmd, err);
		return DP_EXIT_FAILURE;
	}
	printf("crashkernel=%s%s\n", value, dflt ? "  (dontpanic's default)" : "");
	if (dflt)
		print_why_default();
	printf("%-17s %s\n", "syntax", syntax_name(&spec));
	for (size_t i = 0; i < spec.nnotes; i++)
		printf("%-17s note: %s\n", "", spec.notes[i]);
	struct dp_ck_machine m;
	struct dp_ck_grub g;
	if ((err = dp_ck_probe(root, &m)) || (err = dp_ck_grub_scan(root, &g))) {
		dp_cli_error(cmd, err);
		return DP_EXIT_FAILURE;
	}
	bool ok = print_eval(cmd, &spec, &m);
	if (spec.syntax == DP_CK_LOW) {
		dp_cli_errorf(cmd, "crashkernel=X,low alone reserves nothing (it goes with crashkernel=Y,high); not written");
		ok = false;
	}
	print_running(&m);
	if (!ok)
		return DP_EXIT_FAILURE;
	char *text = dp_ck_grub_text(value);
	if (!text) {
		dp_cli_error(cmd, &dp_enomem);
		return DP_EXIT_FAILURE;
	}
	printf("%-17s %s %s%s:\n", "grub", dry ? "would write" : "writing",
	       root, DP_CK_GRUB_DROPIN);
	for (char *l = text, *e; *l; l = e) {
		e = strchr(l, '\n');
		e = e ? e + 1 : l + strlen(l);
		if (*l != '#')
			printf("%-17s   %.*s", "", (int)(e - l), l);
	}
	free(text);
	print_grub(&g, value);
	if (g.clobber_line)
		printf("warning: %s:%u sets GRUB_CMDLINE_LINUX_DEFAULT without keeping its old value, and grub reads it after dontpanic.cfg: crashkernel= would be lost; make it append ($GRUB_CMDLINE_LINUX_DEFAULT ...)\n",
		       g.clobber_file, g.clobber_line);
	if (!g.have_grub)
		printf("warning: no %s/etc/default/grub: if grub is not the boot loader, the drop-in does nothing (add crashkernel=%s to the boot loader's kernel command line by hand)\n",
		       root, value);
	if (!g.have_grub_d)
		printf("%-17s (%s/etc/default/grub.d does not exist yet: it is created)\n", "", root);
	if (dry) {
		printf("dry run: nothing written\n");
		return DP_EXIT_OK;
	}
	if ((err = dp_ck_grub_write(root, value))) {
		dp_cli_error(cmd, err);
		return DP_EXIT_FAILURE;
	}
	if (update_grub) {
		int rc = run_update_grub(cmd);
		if (rc)
			return rc;
		printf("update-grub done; reboot to reserve the memory, then 'dontpanic status' shows it\n");
	} else {
		printf("next: run 'update-grub' (or 'dontpanic setup --crashkernel --update-grub'), then reboot; 'dontpanic status' then shows the reservation\n");
	}
	return DP_EXIT_OK;
}
