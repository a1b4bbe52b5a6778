/* SPDX-License-Identifier: MIT */
/* Internal helpers shared by the two config dialects (config.c). */
#ifndef DP_SETUP_CONFIG_PRIV_H
#define DP_SETUP_CONFIG_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include <dontpanic/config.h>

/* One parse: the model being filled and whether an allocation failed. */
struct cfg_parse {
	struct dp_config *cfg;
	bool nomem;
	const char *text;
	size_t len, pos;
	unsigned lineno;
	char line[DP_CONFIG_MAX_LINE + 1];
};

/*
 * Next line into p->line (NUL-terminated, trailing CR and blanks removed).
 * Lines with a NUL byte or longer than DP_CONFIG_MAX_LINE are reported
 * and skipped. Returns false at the end of the text.
 */
bool cfg_next_line(struct cfg_parse *p);

/* Record a diagnostic for line (0: the whole file). */
void cfg_diag(struct cfg_parse *p, bool error, unsigned line,
	      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Is directive (with value) something this build's capture can do
 * (capability.c)? When not, records the table's error, marked
 * unsupported, and returns false.
 */
bool cfg_capability(struct cfg_parse *p, unsigned line, const char *directive,
		    const char *value);

/* strdup that records an allocation failure (returns NULL then). */
char *cfg_strdup(struct cfg_parse *p, const char *s);

/* Split s on blanks into w (w must be empty). Reports too many words. */
void cfg_split(struct cfg_parse *p, const char *s, struct dp_config_words *w);

void cfg_words_free(struct dp_config_words *w);

/* Is c a blank (space, tab, CR, VT, FF)? */
bool cfg_blank(int c);

/* The two dialects: fill p->cfg from p's text. */
void cfg_parse_kdump_conf(struct cfg_parse *p);
void cfg_parse_kdump_tools(struct cfg_parse *p);

/*
 * Collector checks shared by both dialects: is argv a makedumpfile
 * (or `dontpanic collect`) command line, and does it write flattened
 * output (-F)?
 */
bool cfg_collector_is_makedumpfile(const struct dp_config_words *argv);
bool cfg_collector_has_flag(const struct dp_config_words *argv, char flag);

#endif /* DP_SETUP_CONFIG_PRIV_H */
