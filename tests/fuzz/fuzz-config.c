// SPDX-License-Identifier: MIT
// Fuzz the kdump configuration parser: kdump.conf and kdump-tools dialects
// and the dialect detection, on arbitrary bytes (NULs, CRLF, long lines).
#include <stdint.h>
#include <string.h>

#include <dontpanic/config.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void touch_words(const struct dp_config_words *w)
{
	for (size_t i = 0; i < w->n; i++)
		if (!w->v[i] || !w->v[i][0])
			__builtin_trap();	// words are never empty
	if (w->n && w->v[w->n])
		__builtin_trap();		// argv is NULL-terminated
}

static void check(const struct dp_config *c)
{
	size_t errors = 0;
	for (size_t i = 0; i < c->ndiags; i++) {
		if (!c->diags[i].message || !strlen(c->diags[i].message))
			__builtin_trap();
		errors += c->diags[i].error;
		if (c->diags[i].unsupported && !c->diags[i].error)
			__builtin_trap();	// unsupported is an error
		if (c->diags[i].unsupported &&
		    !strstr(c->diags[i].message, "not supported by this build"))
			__builtin_trap();	// and says so
		if (i && c->diags[i].line < c->diags[i - 1].line)
			__builtin_trap();	// sorted by line
	}
	if (c->ndiags > DP_CONFIG_MAX_DIAGS || errors > c->nerrors ||
	    c->nunsupported > c->nerrors)
		__builtin_trap();
	if (!c->path || !c->collector.n)
		__builtin_trap();	// defaults are always filled in
	touch_words(&c->collector);
	touch_words(&c->extra_bins);
	touch_words(&c->extra_modules);
	touch_words(&c->fence_kdump_nodes);
	if (c->target != DP_TARGET_LOCAL && !c->target_spec)
		__builtin_trap();
	(void)dp_target_kind_name(c->target);
	(void)dp_action_name(c->failure_action);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum dp_config_format fmts[] = {
		DP_CONFIG_AUTO, DP_CONFIG_KDUMP_CONF, DP_CONFIG_KDUMP_TOOLS,
	};
	for (size_t i = 0; i < 3; i++) {
		struct dp_config *c;
		struct dp_error *err = dp_config_parse((const char *)data, size,
						       "fuzz", fmts[i], &c);
		if (err) {
			dp_error_destroy(err);
			continue;
		}
		check(c);
		dp_config_destroy(c);
	}
	return 0;
}
