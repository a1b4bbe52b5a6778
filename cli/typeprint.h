/* SPDX-License-Identifier: MIT */
/*
 * Printing types and values the way crash does (crash hands these to gdb
 * with "set print pretty on"): shared by `struct`, `p` and `whatis`.
 */
#ifndef DP_CLI_TYPEPRINT_H
#define DP_CLI_TYPEPRINT_H

#include <stdbool.h>
#include <stdio.h>

#include <dontpanic/program.h>
#include <dontpanic/types.h>

/* Largest object we read to print (task_struct is 9.5 KiB). */
#define TP_MAX_OBJECT (16u << 20)

struct tp {
	struct dp_program *prog;
	FILE *out;
	bool hex;		/* p/x, struct -x: integers in hex */
	bool radix;		/* struct -x (gdb's output-radix 16): char
				   arrays stay strings, chars keep their
				   character */
	/*
	 * crash's "p SYMBOL" (it prints "SYMBOL = " itself, then gdb's
	 * "$1 = ...") starts an array on a new line: "x = $1 = \n {...}".
	 */
	bool wrap_array;
};

/*
 * A struct/union/enum/typedef definition as crash's whatis/struct print
 * it, then "SIZE: n" (not for enums). offsets: crash's `struct -o`
 * layout; base (when offsets and has_base) prints addresses instead.
 */
void tp_definition(struct tp *tp, struct dp_type t, bool offsets,
		   bool has_base, uint64_t base);

/*
 * A value of type t held in buf (len bytes, t's size), at kernel address
 * addr, at the given indentation. top: a p result (pointers get their
 * type in parentheses, arrays start on a new line).
 */
void tp_value(struct tp *tp, struct dp_type t, const uint8_t *buf,
	      size_t len, int indent, bool top);

/* A member of a struct/union value, bitfields included. */
void tp_member_value(struct tp *tp, const struct dp_member *m,
		     const uint8_t *buf, size_t len, int indent);

/* Read an object of type t at addr into a new buffer (size in *len). */
struct dp_error *tp_read(struct tp *tp, struct dp_type t, uint64_t addr,
			 uint8_t **buf, size_t *len);

/* Parse an address: hex ("ffff...", "0x...") or a symbol name. */
struct dp_error *tp_address(struct dp_program *prog, const char *s,
			    uint64_t *ret);

/* Open the dump and a program; print errors; NULL on failure (exit 3). */
struct dp_program *tp_open(const char *cmd, const char *dump_path,
			   const char *vmlinux, struct dp_dump **dump);

#endif /* DP_CLI_TYPEPRINT_H */
