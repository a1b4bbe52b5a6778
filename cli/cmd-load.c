// SPDX-License-Identifier: MIT
// dontpanic load / unload: the capture kernel, with kexec_file_load(2)
// (lib/setup/kexec.c), no kexec-tools. cmd_unload lives here too: it is
// the same system call with another flag.
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <dontpanic/config.h>
#include <dontpanic/kexec.h>

#include "cli.h"

static const char usage_text[] =
	"usage: dontpanic load [--kernel=FILE] [--initrd=FILE|--no-initrd]\n"
	"                      [--cmdline=STR] [--append=STR] [--config=FILE]\n"
	"                      [--dry-run] [--root=DIR]\n"
	"       dontpanic unload [--root=DIR]\n"
	"\n"
	"Load the capture kernel that runs when this kernel panics\n"
	"(kexec_file_load with KEXEC_FILE_ON_CRASH; no kexec-tools needed),\n"
	"then read /sys/kernel/kexec_crash_loaded back. 'unload' removes it.\n"
	"Before the call it checks and explains what would make it fail: no\n"
	"crashkernel= reservation, kernel.kexec_load_disabled, a kernel + initrd\n"
	"larger than the reservation; a failed call's error is explained too\n"
	"(not root, lockdown/Secure Boot and signatures, EBUSY, out of room).\n"
	"\n"
	"Defaults: the kernel is KDUMP_KERNEL from a kdump-tools config, else\n"
	"/boot/vmlinuz-RELEASE of the running kernel; the initrd is\n"
	"KDUMP_INITRD, else /var/lib/dontpanic/initrd-RELEASE.img (what\n"
	"'dontpanic initramfs' writes). The command line is /proc/cmdline (or\n"
	"KDUMP_CMDLINE, or --cmdline) without the words that hurt a capture\n"
	"kernel (crashkernel=, quiet, hugepages=, root=, init=, resume=...,\n"
	"as kdumpctl and kdump-tools drop them), then the capture options\n"
	"(KDUMP_CMDLINE_APPEND replaces them), then --append. A word the\n"
	"appended ones set again is dropped from the first part. The default\n"
	"capture options, after kdumpctl's x86_64 defaults:\n"
	"  irqpoll nr_cpus=1 reset_devices cgroup_disable=memory mce=off\n"
	"  numa=off panic=10 acpi_no_memhotplug transparent_hugepage=never\n"
	"  nokaslr hest_disable novmcoredd cma=0 hugetlb_cma=0\n"
	"  pcie_ports=compat kfence.sample_interval=0\n"
	"Exit status: 0 loaded (or unloaded; --dry-run: a load would be tried),\n"
	"1 failed or would fail, 2 usage.\n"
	"\n"
	"  -k, --kernel=FILE   the capture kernel (bzImage)\n"
	"  -i, --initrd=FILE   the capture initramfs\n"
	"      --no-initrd     load without an initramfs\n"
	"  -c, --cmdline=STR   start from STR instead of /proc/cmdline\n"
	"  -a, --append=STR   add STR after the capture options\n"
	"      --config=FILE   kdump configuration (default: /etc/kdump.conf,\n"
	"                      else /etc/default/kdump-tools, if present)\n"
	"  -n, --dry-run       print what would be loaded, load nothing\n"
	"  -r, --root=DIR      read DIR/proc, DIR/sys, DIR/etc, DIR/boot and\n"
	"                      DIR/var instead of / (default: $DP_SYSROOT)\n"
	"  -h, --help          show this help\n";

enum { OPT_NO_INITRD = 256, OPT_CONFIG };

static const struct option load_opts[] = {
	{ "kernel", required_argument, NULL, 'k' },
	{ "initrd", required_argument, NULL, 'i' },
	{ "no-initrd", no_argument, NULL, OPT_NO_INITRD },
	{ "cmdline", required_argument, NULL, 'c' },
	{ "append", required_argument, NULL, 'a' },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "root", required_argument, NULL, 'r' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct load_args {
	const char *kernel, *initrd, *cmdline, *append, *config, *root;
	bool no_initrd, dry;
};

// RELEASE of the running kernel (or of the fake tree's).
static void release(const char *root, char *buf, size_t size)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/proc/sys/kernel/osrelease", root);
	FILE *f = fopen(path, "re");
	if (f) {
		bool ok = fgets(buf, (int)size, f) != NULL;
		fclose(f);
		buf[strcspn(buf, "\n")] = '\0';
		if (ok && *buf)
			return;
	}
	struct utsname u;
	snprintf(buf, size, "%s", uname(&u) == 0 ? u.release : "unknown");
}

// /proc/cmdline under root, malloc'ed (NULL if unreadable).
static char *read_cmdline(const char *root)
{
	char path[4096], *buf = NULL;
	size_t cap = 0;
	snprintf(path, sizeof(path), "%s/proc/cmdline", root);
	FILE *f = fopen(path, "re");
	if (!f)
		return NULL;
	ssize_t n = getdelim(&buf, &cap, '\0', f);
	fclose(f);
	if (n < 0) {
		free(buf);
		return NULL;
	}
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static int parse_load(int argc, char **argv, struct load_args *a)
{
	int opt;
	while ((opt = getopt_long(argc, argv, "k:i:c:a:nr:h", load_opts,
				  NULL)) != -1) {
		switch (opt) {
		case 'k': a->kernel = optarg; break;
		case 'i': a->initrd = optarg; break;
		case OPT_NO_INITRD: a->no_initrd = true; break;
		case 'c': a->cmdline = optarg; break;
		case 'a': a->append = optarg; break;
		case OPT_CONFIG: a->config = optarg; break;
		case 'n': a->dry = true; break;
		case 'r': a->root = optarg; break;
		default: return dp_cli_usage(opt, usage_text);	/* -h too */
		}
	}
	if (optind < argc) {
		dp_cli_errorf(argv[0], "unexpected argument '%s'", argv[optind]);
		return DP_EXIT_USAGE;
	}
	if (a->no_initrd && a->initrd) {
		dp_cli_errorf(argv[0], "--initrd and --no-initrd exclude each other");
		return DP_EXIT_USAGE;
	}
	return -1;
}

// The kdump configuration, if there is one (or --config). NULL with *rc
// 0 when there is none; errors in it stop the load, as in kdumpctl.
static struct dp_config *load_config(const char *cmd, const struct load_args *a,
				     int *rc)
{
	char p1[4096], p2[4096];
	snprintf(p1, sizeof(p1), "%s/etc/kdump.conf", a->root);
	snprintf(p2, sizeof(p2), "%s/etc/default/kdump-tools", a->root);
	*rc = 0;
	if (!a->config && access(p1, F_OK) && access(p2, F_OK))
		return NULL;
	struct dp_config *cfg;
	*rc = dp_cli_load_config(cmd, a->root, a->config, DP_CONFIG_AUTO, &cfg);
	if (*rc)
		return NULL;
	dp_cli_print_diags(cfg);
	if (cfg->nerrors) {
		dp_cli_errorf(cmd, "%s has errors; not loading", cfg->name);
		dp_config_destroy(cfg);
		*rc = DP_EXIT_FAILURE;
		return NULL;
	}
	if (cfg->kexec_args)
		fprintf(stderr, "dontpanic %s: note: KDUMP_KEXEC_ARGS (%s) are kexec-tools options, ignored\n",
			cmd, cfg->kexec_args);
	return cfg;
}

static void print_file(const char *key, const char *path)
{
	struct stat sb;
	if (!path)
		printf("%-9s none (KEXEC_FILE_NO_INITRAMFS)\n", key);
	else if (stat(path, &sb) == 0)
		printf("%-9s %s (%.1f MiB)\n", key, path,
		       (double)sb.st_size / 1048576.0);
	else
		printf("%-9s %s (missing)\n", key, path);
}

static void print_plan(const struct dp_kexec_load *req,
		       const struct dp_kexec_state *st)
{
	print_file("kernel", req->kernel);
	print_file("initrd", req->initrd);
	printf("%-9s %s\n", "cmdline", req->cmdline);
	if (st->have_crash_size)
		printf("%-9s %.1f MiB (kexec_crash_size), capture kernel loaded now: %s\n",
		       "reserved", (double)st->crash_size / 1048576.0,
		       st->crash_loaded == 1 ? "yes (it would be replaced)" :
		       st->crash_loaded == 0 ? "no" : "unknown");
	else
		printf("%-9s unknown (no kexec_crash_size)\n", "reserved");
	if (st->lockdown[0])
		printf("%-9s %s\n", "lockdown", st->lockdown);
}

int cmd_load(int argc, char **argv)
{
	struct load_args a = { 0 };
	int rc = parse_load(argc, argv, &a);
	if (rc >= 0)
		return rc;
	a.root = dp_cli_sysroot(a.root);
	struct dp_config *cfg = load_config(argv[0], &a, &rc);
	if (rc)
		return rc;
	char rel[256], kpath[4096], ipath[4096];
	release(a.root, rel, sizeof(rel));
	if (!a.kernel && cfg && cfg->kernel)
		a.kernel = cfg->kernel;
	if (!a.kernel) {
		snprintf(kpath, sizeof(kpath), "%s/boot/vmlinuz-%s", a.root, rel);
		a.kernel = kpath;
	}
	if (!a.initrd && !a.no_initrd && cfg && cfg->initrd)
		a.initrd = cfg->initrd;
	if (!a.initrd && !a.no_initrd) {
		snprintf(ipath, sizeof(ipath), "%s/var/lib/dontpanic/initrd-%s.img",
			 a.root, rel);
		a.initrd = ipath;
	}
	char *proc = NULL, *cmdline = NULL;
	struct dp_kexec_cmdline_opts co = {
		.base = a.cmdline ? a.cmdline : cfg ? cfg->cmdline : NULL,
		.append = cfg ? cfg->cmdline_append : NULL,
		.extra = a.append,
	};
	if (!co.base && !(co.base = proc = read_cmdline(a.root))) {
		dp_cli_errorf(argv[0], "cannot read %s/proc/cmdline (use --cmdline)", a.root);
		dp_config_destroy(cfg);
		return DP_EXIT_FAILURE;
	}
	struct dp_error *err = dp_kexec_cmdline(&co, &cmdline);
	free(proc);
	if (err) {
		dp_cli_error(argv[0], err);
		dp_config_destroy(cfg);
		return DP_EXIT_FAILURE;
	}
	struct dp_kexec_load req = {
		.kernel = a.kernel, .initrd = a.no_initrd ? NULL : a.initrd,
		.cmdline = cmdline, .root = a.root,
	};
	struct dp_kexec_state st;
	dp_kexec_probe(a.root, &st);
	if (a.dry) {
		print_plan(&req, &st);
		err = dp_kexec_check(&req, &st);
		if (!err)
			printf("dry run: the checks pass; nothing loaded\n");
	} else {
		err = dp_kexec_load_crash(&req);
		if (!err)
			printf("capture kernel loaded: %s%s%s (kexec_crash_loaded = 1)\n",
			       req.kernel, req.initrd ? " with " : "",
			       req.initrd ? req.initrd : "");
	}
	rc = DP_EXIT_OK;
	if (err) {
		dp_cli_error(argv[0], err);
		rc = DP_EXIT_FAILURE;
	}
	free(cmdline);
	dp_config_destroy(cfg);
	return rc;
}

int cmd_unload(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *root = NULL;
	int opt;
	while ((opt = getopt_long(argc, argv, "r:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'r': root = optarg; break;
		default: return dp_cli_usage(opt, usage_text);	/* -h too */
		}
	}
	if (optind < argc) {
		dp_cli_errorf(argv[0], "unexpected argument '%s'", argv[optind]);
		return DP_EXIT_USAGE;
	}
	struct dp_error *err = dp_kexec_unload_crash(dp_cli_sysroot(root));
	if (err) {
		dp_cli_error(argv[0], err);
		return DP_EXIT_FAILURE;
	}
	printf("capture kernel unloaded (kexec_crash_loaded = 0)\n");
	return DP_EXIT_OK;
}
