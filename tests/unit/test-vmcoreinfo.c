// SPDX-License-Identifier: MIT
#include <format/format.h>

#include "test.h"

static const char text[] =
	"OSRELEASE=6.1.0-56-cloud-amd64\n"
	"BUILD-ID=3b43fad5034874490492495d552c0af6a5fab235\n"
	"PAGESIZE=4096\n"
	"SYMBOL(_stext)=ffffffffb0000000\n"
	"OFFSET(page.flags)=0\n"
	"SIZE(page)=64\n"
	"NUMBER(phys_base)=-1048576\n"
	"NUMBER(VMALLOC_START)=0xffffc90000000000\n"
	"KERNELOFFSET=2ee00000\n"
	"CRASHTIME=1795689387\n"
	"garbage line without equals\n"
	"=novalue\n"
	"EMPTY=\n"
	"BAD(x)=12z\n";

TEST(lookup_and_numbers)
{
	struct dp_vmci_table *t;
	int64_t v;
	CHECK_OK(dp_vmci_parse(text, sizeof(text) - 1, &t));
	CHECK_STR(dp_vmci_get(t, "OSRELEASE"), "6.1.0-56-cloud-amd64");
	CHECK_STR(dp_vmci_get(t, "EMPTY"), "");
	CHECK(dp_vmci_get(t, "garbage line without equals") == NULL);
	CHECK(dp_vmci_get(t, "") == NULL);
	CHECK(dp_vmci_get(t, "OSRELEAS") == NULL);
	CHECK(dp_vmci_parse_number("SYMBOL(_stext)",
				   dp_vmci_get(t, "SYMBOL(_stext)"), &v));
	CHECK_EQ_U64(v, 0xffffffffb0000000ull);
	CHECK(dp_vmci_parse_number("NUMBER(phys_base)",
				   dp_vmci_get(t, "NUMBER(phys_base)"), &v));
	CHECK(v == -1048576);
	CHECK(dp_vmci_parse_number("NUMBER(VMALLOC_START)",
				   dp_vmci_get(t, "NUMBER(VMALLOC_START)"), &v));
	CHECK_EQ_U64(v, 0xffffc90000000000ull);
	CHECK(dp_vmci_parse_number("KERNELOFFSET", "2ee00000", &v));
	CHECK_EQ_U64(v, 0x2ee00000);
	CHECK(dp_vmci_parse_number("PAGESIZE", "4096", &v));
	CHECK_EQ_U64(v, 4096);
	CHECK(dp_vmci_parse_number("SIZE(page)", "64", &v));
	CHECK_EQ_U64(v, 64);
	CHECK(!dp_vmci_parse_number("BAD(x)", "12z", &v));
	CHECK(!dp_vmci_parse_number("EMPTY", "", &v));
	CHECK(!dp_vmci_parse_number("SIZE(x)", "-", &v));
	CHECK(!dp_vmci_parse_number("SIZE(x)", "99999999999999999999", &v));
	dp_vmci_destroy(t);
}

TEST(first_duplicate_wins_and_nul_ends_text)
{
	static const char dup[] = "A=1\nA=2\nB=3\0C=4\n";
	struct dp_vmci_table *t;
	CHECK_OK(dp_vmci_parse(dup, sizeof(dup) - 1, &t));
	CHECK_STR(dp_vmci_get(t, "A"), "1");
	CHECK_STR(dp_vmci_get(t, "B"), "3");
	CHECK(dp_vmci_get(t, "C") == NULL);
	dp_vmci_destroy(t);
}

TEST(limits)
{
	size_t n = 5000;
	char *big = malloc(n);
	memset(big, 'A', n);
	big[0] = 'K';
	big[1] = '=';
	struct dp_vmci_table *t = NULL;
	struct dp_error *err = dp_vmci_parse(big, n, &t);
	CHECK(err && err->code == DP_ERR_BAD_DATA);
	CHECK(t == NULL);
	dp_error_destroy(err);
	free(big);
	// Empty text is a valid, empty table.
	CHECK_OK(dp_vmci_parse("", 0, &t));
	CHECK(dp_vmci_get(t, "A") == NULL);
	dp_vmci_destroy(t);
}

TEST_MAIN(T(lookup_and_numbers), T(first_duplicate_wins_and_nul_ends_text),
	  T(limits))
