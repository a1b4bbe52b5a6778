// SPDX-License-Identifier: MIT
// dontpanic config: read a kdump.conf or kdump-tools file, check it the way
// kdumpctl does, and print the normalized configuration (or the errors).
#include <arpa/inet.h>
#include <getopt.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dontpanic/config.h>

#include "cli.h"

static const char usage_text[] =
	"usage: dontpanic config [--json] [--format=FMT] [--root=DIR] [FILE]\n"
	"\n"
	"Read a kdump configuration, check it and print it normalized: dump\n"
	"target, path, core_collector, failure and final actions, hooks, extras.\n"
	"FILE is a Fedora/RHEL kdump.conf (kdumpctl) or a Debian kdump-tools file\n"
	"(/etc/default/kdump-tools); the dialect is detected from the content.\n"
	"Without FILE: /etc/kdump.conf, else /etc/default/kdump-tools.\n"
	"Problems are reported as FILE:LINE: error|warning: what is wrong.\n"
	"The checks are kdumpctl's (kdump-config's for kdump-tools), including\n"
	"makedumpfile --check-params on core_collector, plus one table of what\n"
	"this build's capture can do at crash time: a directive kdumpctl would\n"
	"take but the capture cannot carry out (nfs, ssh, hooks, failure_action\n"
	"shell...) is an error that says \"not supported by this build\".\n"
	"Exit status: 0 valid (warnings allowed), 1 errors or no file, 2 usage.\n"
	"\n"
	"  -j, --json         print JSON: {file, format, valid, errors (each\n"
	"                     with line, message, unsupported), warnings,\n"
	"                     config}\n"
	"  -f, --format=FMT   kdump.conf or kdump-tools (default: detect)\n"
	"  -r, --root=DIR     look for the default files under DIR (default:\n"
	"                     $DP_SYSROOT, else /)\n"
	"  -h, --help         show this help\n";

const char *dp_cli_sysroot(const char *opt)
{
	if (opt)
		return opt;
	const char *env = getenv("DP_SYSROOT");
	return env && *env ? env : "";
}

#define MAX_SELF 64	/* host names and addresses compared */

// This host's name and addresses, as kdumpctl takes them (hostname,
// hostname -I): under a --root the name in ROOT/etc/hostname only (the
// addresses are the live machine's, not the tree's).
static size_t self_names(const char *root, char names[][64], size_t max)
{
	size_t n = 0;
	if (*root) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/etc/hostname", root);
		FILE *f = fopen(path, "re");
		if (f) {
			if (fgets(names[0], 64, f) && names[0][0] != '\n')
				n = 1;
			names[0][strcspn(names[0], " \t\r\n")] = '\0';
			fclose(f);
		}
		return n;
	}
	if (gethostname(names[0], 64) == 0 && names[0][0])
		n = 1;
	names[0][63] = '\0';
	struct ifaddrs *ifa = NULL;
	if (getifaddrs(&ifa) != 0)
		return n;
	for (struct ifaddrs *i = ifa; i && n < max; i = i->ifa_next) {
		const void *a = NULL;
		if (!i->ifa_addr)
			continue;
		if (i->ifa_addr->sa_family == AF_INET)
			a = &((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr;
		else if (i->ifa_addr->sa_family == AF_INET6)
			a = &((struct sockaddr_in6 *)(void *)i->ifa_addr)->sin6_addr;
		if (a && inet_ntop(i->ifa_addr->sa_family, a, names[n], 64))
			n++;
	}
	freeifaddrs(ifa);
	return n;
}

// kdumpctl's checks that need the machine (dp_config_check_host()).
static struct dp_error *check_host(struct dp_config *cfg, const char *root)
{
	static char names[MAX_SELF][64];
	const char *self[MAX_SELF];
	size_t n = self_names(root, names, MAX_SELF);
	for (size_t i = 0; i < n; i++)
		self[i] = names[i];
	return dp_config_check_host(cfg, root, self, n);
}

int dp_cli_load_config(const char *cmd, const char *root, const char *file,
		       int fmt, struct dp_config **ret)
{
	static const char *const defaults[] = {
		"/etc/kdump.conf", "/etc/default/kdump-tools",
	};
	char path[4096];
	if (!file) {
		for (size_t i = 0; i < 2 && !file; i++) {
			snprintf(path, sizeof(path), "%s%s", root, defaults[i]);
			if (access(path, F_OK) == 0)
				file = path;
		}
		if (!file) {
			dp_cli_errorf(cmd,
				      "no kdump configuration: neither %s/etc/kdump.conf nor %s/etc/default/kdump-tools exists",
				      root, root);
			return DP_EXIT_FAILURE;
		}
	}
	struct dp_error *err = dp_config_load(file,
					       (enum dp_config_format)fmt, ret);
	if (!err && (err = check_host(*ret, root)))
		dp_config_destroy(*ret);
	if (err) {
		dp_cli_error(cmd, err);
		return DP_EXIT_FAILURE;
	}
	return DP_EXIT_OK;
}

static void print_words(FILE *f, const struct dp_config_words *w)
{
	for (size_t i = 0; i < w->n; i++)
		fprintf(f, "%s%s", i ? " " : "", w->v[i]);
}

static void line_str(FILE *f, const char *key, const char *v, bool dflt)
{
	if (v)
		fprintf(f, "%-16s %s%s\n", key, v, dflt ? "  (default)" : "");
}

static void line_words(FILE *f, const char *key,
		       const struct dp_config_words *w, bool dflt)
{
	if (!w->n)
		return;
	fprintf(f, "%-16s ", key);
	print_words(f, w);
	fprintf(f, "%s\n", dflt ? "  (default)" : "");
}

static void line_int(FILE *f, const char *key, int v)
{
	if (v >= 0)
		fprintf(f, "%-16s %d\n", key, v);
}

void dp_cli_print_target(FILE *f, const struct dp_config *c)
{
	if (c->target == DP_TARGET_LOCAL)
		fprintf(f, "local (the root file system)");
	else if (c->target == DP_TARGET_FS)
		fprintf(f, "%s %s", c->fstype ? c->fstype : "fs",
			c->target_spec ? c->target_spec : "");
	else
		fprintf(f, "%s %s", dp_target_kind_name(c->target),
			c->target_spec ? c->target_spec : "");
}

static void print_text(const struct dp_config *c)
{
	printf("%-16s %s (%s)\n", "file", c->name,
	       dp_config_format_name(c->format));
	printf("%-16s ", "target");
	dp_cli_print_target(stdout, c);
	if (c->target_line)
		printf("  (line %u)", c->target_line);
	putchar('\n');
	line_str(stdout, "path", c->path, c->path_default);
	line_str(stdout, "sshkey", c->sshkey, false);
	line_words(stdout, "core_collector", &c->collector,
		   c->collector_default);
	printf("%-16s %s%s%s%s\n", "failure_action",
	       dp_action_name(c->failure_action),
	       c->failure_command ? ": " : "",
	       c->failure_command ? c->failure_command : "",
	       c->failure_action_default ? "  (default)" : "");
	printf("%-16s %s%s\n", "final_action", dp_action_name(c->final_action),
	       c->final_action_default ? "  (default)" : "");
	line_str(stdout, "kdump_pre", c->kdump_pre, false);
	line_str(stdout, "kdump_post", c->kdump_post, false);
	line_str(stdout, "kdump_emergency", c->kdump_emergency, false);
	line_words(stdout, "extra_bins", &c->extra_bins, false);
	line_words(stdout, "extra_modules", &c->extra_modules, false);
	line_str(stdout, "dracut_args", c->dracut_args, false);
	line_words(stdout, "fence_nodes", &c->fence_kdump_nodes, false);
	line_str(stdout, "fence_args", c->fence_kdump_args, false);
	line_int(stdout, "force_rebuild", c->force_rebuild);
	line_int(stdout, "force_no_rebuild", c->force_no_rebuild);
	if (c->auto_reset_crashkernel >= 0)
		line_str(stdout, "auto_reset_ck",
			 c->auto_reset_crashkernel ? "yes" : "no", false);
	line_int(stdout, "use_kdump", c->use_kdump);
	line_str(stdout, "kernel", c->kernel, false);
	line_str(stdout, "initrd", c->initrd, false);
	line_int(stdout, "num_dumps", c->num_dumps);
	line_int(stdout, "dump_dmesg", c->dump_dmesg);
	line_int(stdout, "nfs_timeo", c->nfs_timeo);
	line_int(stdout, "nfs_retrans", c->nfs_retrans);
	line_str(stdout, "kexec_args", c->kexec_args, false);
	line_str(stdout, "cmdline", c->cmdline, false);
	line_str(stdout, "cmdline_append", c->cmdline_append, false);
	line_str(stdout, "hosttag", c->hosttag, false);
	line_str(stdout, "compression", c->compression, false);
}

// A setting that may be unset (-1): null then.
static void json_int(struct dp_json *j, const char *key, int v)
{
	dp_json_ki64_or_null(j, key, v >= 0, v);
}

static void json_words(struct dp_json *j, const char *key,
		       const struct dp_config_words *w)
{
	dp_json_key(j, key);
	dp_json_array(j, &dp_json_inline);
	for (size_t i = 0; i < w->n; i++)
		dp_json_str(j, w->v[i]);
	dp_json_end(j);
}

static void json_config(struct dp_json *j, const struct dp_config *c)
{
	dp_json_object(j, &dp_json_lines4);
	dp_json_kstr(j, "target", dp_target_kind_name(c->target));
	dp_json_kstr(j, "fstype", c->fstype);
	dp_json_kstr(j, "target_spec", c->target_spec);
	json_int(j, "target_line", c->target_line ? (int)c->target_line : -1);
	dp_json_kstr(j, "path", c->path);
	dp_json_kstr(j, "sshkey", c->sshkey);
	json_words(j, "core_collector", &c->collector);
	dp_json_kstr(j, "failure_action", dp_action_name(c->failure_action));
	dp_json_kstr(j, "failure_command", c->failure_command);
	dp_json_kstr(j, "final_action", dp_action_name(c->final_action));
	dp_json_kstr(j, "kdump_pre", c->kdump_pre);
	dp_json_kstr(j, "kdump_post", c->kdump_post);
	dp_json_kstr(j, "kdump_emergency", c->kdump_emergency);
	json_words(j, "extra_bins", &c->extra_bins);
	json_words(j, "extra_modules", &c->extra_modules);
	dp_json_kstr(j, "dracut_args", c->dracut_args);
	json_words(j, "fence_kdump_nodes", &c->fence_kdump_nodes);
	dp_json_kstr(j, "fence_kdump_args", c->fence_kdump_args);
	json_int(j, "force_rebuild", c->force_rebuild);
	json_int(j, "force_no_rebuild", c->force_no_rebuild);
	json_int(j, "auto_reset_crashkernel", c->auto_reset_crashkernel);
	json_int(j, "use_kdump", c->use_kdump);
	dp_json_kstr(j, "kernel", c->kernel);
	dp_json_kstr(j, "initrd", c->initrd);
	json_int(j, "num_dumps", c->num_dumps);
	json_int(j, "dump_dmesg", c->dump_dmesg);
	json_int(j, "nfs_timeo", c->nfs_timeo);
	json_int(j, "nfs_retrans", c->nfs_retrans);
	dp_json_kstr(j, "kexec_args", c->kexec_args);
	dp_json_kstr(j, "cmdline", c->cmdline);
	dp_json_kstr(j, "cmdline_append", c->cmdline_append);
	dp_json_kstr(j, "hosttag", c->hosttag);
	dp_json_kstr(j, "compression", c->compression);
	dp_json_end(j);
}

static void json_diags(struct dp_json *j, const char *key,
		       const struct dp_config *c, bool errors)
{
	dp_json_key(j, key);
	dp_json_array(j, &dp_json_lines4);
	for (size_t i = 0; i < c->ndiags; i++) {
		if (c->diags[i].error != errors)
			continue;
		dp_json_object(j, &dp_json_inline);
		dp_json_ku64(j, "line", c->diags[i].line);
		dp_json_kstr(j, "message", c->diags[i].message);
		if (errors)
			dp_json_kbool(j, "unsupported",
				      c->diags[i].unsupported);
		dp_json_end(j);
	}
	dp_json_end(j);
}

static void print_json(const struct dp_config *c)
{
	struct dp_json j;
	dp_json_init(&j, stdout);
	dp_json_object(&j, &dp_json_lines2);
	dp_json_kstr(&j, "file", c->name ? c->name : "");
	const char *format = dp_config_format_name(c->format);
	dp_json_kstr(&j, "format", format ? format : "");
	dp_json_kbool(&j, "valid", !c->nerrors);
	json_diags(&j, "errors", c, true);
	json_diags(&j, "warnings", c, false);
	dp_json_key(&j, "config");
	if (c->nerrors)
		dp_json_null(&j);
	else
		json_config(&j, c);
	dp_json_end(&j);
	putchar('\n');
}

void dp_cli_print_diags(const struct dp_config *c)
{
	for (size_t i = 0; i < c->ndiags; i++)
		fprintf(stderr, "%s\n", c->diags[i].message);
	if (c->diags_truncated)
		fprintf(stderr, "%s: more problems not shown\n", c->name);
}

static bool parse_format(const char *s, enum dp_config_format *ret)
{
	if (!strcmp(s, "kdump.conf"))
		*ret = DP_CONFIG_KDUMP_CONF;
	else if (!strcmp(s, "kdump-tools"))
		*ret = DP_CONFIG_KDUMP_TOOLS;
	else
		return false;
	return true;
}

int cmd_config(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'f' },
		{ "root", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	bool json = false;
	const char *root = NULL;
	enum dp_config_format fmt = DP_CONFIG_AUTO;
	int c;
	while ((c = getopt_long(argc, argv, "jf:r:h", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'r': root = optarg; break;
		case 'f':
			if (parse_format(optarg, &fmt))
				break;
			dp_cli_errorf(argv[0], "--format: '%s' is not kdump.conf or kdump-tools",
				      optarg);
			return DP_EXIT_USAGE;
		default:	/* -h, or a bad option */
			return dp_cli_usage(c, usage_text);
		}
	}
	if (argc - optind > 1)
		return dp_cli_usage('?', usage_text);
	struct dp_config *cfg;
	int rc = dp_cli_load_config(argv[0], dp_cli_sysroot(root),
				    optind < argc ? argv[optind] : NULL, fmt,
				    &cfg);
	if (rc)
		return rc;
	if (json) {
		print_json(cfg);
	} else {
		dp_cli_print_diags(cfg);
		if (!cfg->nerrors)
			print_text(cfg);
		else
			fprintf(stderr, "%s: %zu error%s, %zu warning%s\n",
				cfg->name, cfg->nerrors,
				cfg->nerrors == 1 ? "" : "s", cfg->nwarnings,
				cfg->nwarnings == 1 ? "" : "s");
	}
	rc = cfg->nerrors ? DP_EXIT_FAILURE : DP_EXIT_OK;
	dp_config_destroy(cfg);
	return rc;
}

// ---------------------------------------------------------- dump space

void dp_cli_find_space(const char *root, const struct dp_config *cfg,
		       struct dp_cli_space *sp)
{
	memset(sp, 0, sizeof(*sp));
	sp->state = "info";
	if (!cfg) {
		sp->why = "not checked: no configuration (no path, no dump level)";
		return;
	}
	if (cfg->target != DP_TARGET_LOCAL) {
		sp->why = "not checked: the dumps go to the configured target";
		return;
	}
	struct dp_error *err = dp_dump_space_probe(
		root, cfg->path ? cfg->path : "/var/crash",
		dp_collector_dump_level(&cfg->collector), &sp->s);
	if (err) {
		sp->why = "not checked: the path is not absolute";
		dp_error_destroy(err);
		return;
	}
	if (sp->s.have_free && sp->s.have_estimate)
		sp->state = sp->s.free_bytes >= sp->s.estimate_bytes ? "ok" :
			    "warn";
}

static const char *human(uint64_t b, char *buf, size_t n)
{
	if (b >= (10ull << 30))
		snprintf(buf, n, "%.0f GiB", (double)b / (1 << 30));
	else if (b >= (1ull << 30))
		snprintf(buf, n, "%.1f GiB", (double)b / (1 << 30));
	else
		snprintf(buf, n, "%.0f MiB", (double)b / (1 << 20));
	return buf;
}

void dp_cli_print_space(const struct dp_cli_space *sp, int width)
{
	const struct dp_dump_space *s = &sp->s;
	char f[32], e[32], r[32];
	printf("  %-5s %-*s ", sp->state, width, "dump space");
	if (sp->why) {
		printf("%s\n", sp->why);
		return;
	}
	if (!s->have_free) {
		printf("cannot measure %s\n", s->checked[0] ? s->checked : "the path");
		return;
	}
	printf("%s free in %s", human(s->free_bytes, f, sizeof(f)), s->checked);
	if (s->have_estimate)
		printf("; a -d %d dump of this machine is at most %s (%s RAM)",
		       s->level, human(s->estimate_bytes, e, sizeof(e)),
		       human(s->ram_bytes, r, sizeof(r)));
	putchar('\n');
	if (!strcmp(sp->state, "warn"))
		printf("        -> it may not fit: the capture would leave a vmcore-incomplete; free space there, point 'path' at a larger file system, or drop more pages (-d 31) and compress (-c, -l, -z) in core_collector (this bound is uncompressed and from memory use now)\n");
}
