// SPDX-License-Identifier: MIT
// dontpanic mod: loaded modules in crash's `mod` layout.
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "session.h"

static const char usage_text[] =
	"usage: dontpanic mod [-t] [--json] [--vmlinux FILE] DUMP...\n"
	"\n"
	"List the loaded modules (the kernel's `modules` list) like crash's\n"
	"mod: MODULE (struct module address), NAME, BASE (core text), SIZE,\n"
	"OBJECT FILE. Module symbols come from the dump's kallsyms, so the\n"
	"object file is \"(not loaded)  [CONFIG_KALLSYMS]\" as in crash.\n"
	"\n"
	"  -t            list the tainted modules with their taint letters\n"
	"  --json        JSON: a list of {name, module, base, size, taints}\n"
	"  -h, --help    show this help\n";

static int by_addr(const void *a, const void *b)
{
	const struct dp_module *x = *(const struct dp_module *const *)a;
	const struct dp_module *y = *(const struct dp_module *const *)b;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void print_table(const struct dp_module **m, size_t n)
{
	int w = 4;
	for (size_t i = 0; i < n; i++)
		if ((int)strlen(m[i]->name) > w)
			w = (int)strlen(m[i]->name);
	printf("     MODULE       %-*s        BASE         SIZE  OBJECT FILE\n",
	       w, "NAME");
	for (size_t i = 0; i < n; i++)
		printf("%016" PRIx64 "  %-*s  %016" PRIx64 "  %5" PRIu64
		       "  (not loaded)  [CONFIG_KALLSYMS]\n", m[i]->addr, w,
		       m[i]->name, m[i]->base, m[i]->size);
}

static void print_taints(const struct dp_module **m, size_t n)
{
	int w = 4;
	size_t tainted = 0;
	for (size_t i = 0; i < n; i++) {
		if (!m[i]->taints)
			continue;
		tainted++;
		if ((int)strlen(m[i]->name) > w)
			w = (int)strlen(m[i]->name);
	}
	if (!tainted) {
		printf("no tainted modules\n");
		return;
	}
	printf("%-*s  TAINTS\n", w, "NAME");
	for (size_t i = 0; i < n; i++) {
		char buf[72];
		if (!m[i]->taints)
			continue;
		dp_taint_string(m[i]->taints, buf, sizeof(buf));
		printf("%-*s  %s\n", w, m[i]->name, buf);
	}
}

static const struct dp_json_layout list = DP_JSON_LINES_OPEN("  ", "");

static void print_json(const struct dp_module **m, size_t n)
{
	struct dp_json j;
	dp_json_init(&j, stdout);
	dp_json_array(&j, &list);
	for (size_t i = 0; i < n; i++) {
		char buf[72];
		dp_taint_string(m[i]->taints, buf, sizeof(buf));
		dp_json_object(&j, &dp_json_inline);
		dp_json_kstr(&j, "name", m[i]->name);
		dp_json_khex(&j, "module", m[i]->addr);
		dp_json_khex(&j, "base", m[i]->base);
		dp_json_ku64(&j, "size", m[i]->size);
		dp_json_kstr(&j, "taints", buf);
		dp_json_end(&j);
	}
	dp_json_end(&j);
	putchar('\n');
}

int cmd_mod(int argc, char **argv)
{
	struct dp_kcmd_opts o;
	struct dp_session s;
	int rc = dp_kcmd_open(argc, argv, 't', usage_text, &o, &s);
	if (rc >= 0)
		return rc;
	bool json = o.json, taints = o.flag;
	const struct dp_module *mods;
	size_t n;
	struct dp_error *err = dp_kernel_modules(s.k, &mods, &n);
	if (err) {
		dp_cli_error(argv[0], err);
		dp_session_close(&s);
		return DP_EXIT_FAILURE;
	}
	const char *w = dp_kernel_modules_warning(s.k);
	if (w)
		fprintf(stderr, "dontpanic %s: warning: the module list is "
			"incomplete: %s\n", argv[0], w);
	const struct dp_module **v = calloc(n + 1, sizeof(*v));
	if (!v) {
		dp_session_close(&s);
		return DP_EXIT_FAILURE;
	}
	for (size_t i = 0; i < n; i++)
		v[i] = &mods[i];
	qsort(v, n, sizeof(*v), by_addr);	/* crash sorts by address */
	if (json)
		print_json(v, n);
	else if (taints)
		print_taints(v, n);
	else
		print_table(v, n);
	free(v);
	dp_session_close(&s);
	return DP_EXIT_OK;
}
