# drgn script (collect-lib.sh mdf_explain): why makedumpfile excluded
# pages that collect keeps.  Reads pfns (hex, one a line) from the file
# named by $DP_PAGEDIFF and prints one line per pfn, "PFN REASON":
#   typed  the page (or its compound head) has a page type in _mapcount
#          (slab, page table, ...; include/linux/page-flags.h, either
#          encoding) and is no buddy page: collect never drops those at
#          the cache and user levels (docs/collect.md, "Page types");
#   image  the page lies in the kernel image (_text.._end): collect's
#          kernel-image guard keeps it;
#   ?      neither (a real difference).
#   drgn -q -c FULL_DUMP -s VMLINUX oracle-drgn-pagediff.py
import os

from drgn.helpers.linux.mm import compound_head, pfn_to_page

START_KERNEL_MAP = 0xFFFFFFFF80000000
phys_base = prog.read_u64(prog.symbol("phys_base").address)


def image_pfn(sym):
    va = prog.symbol(sym).address
    return ((va - START_KERNEL_MAP + phys_base) & (2**64 - 1)) >> 12


lo, hi = image_pfn("_text"), image_pfn("_end")
buddy = None
try:
    buddy = prog.constant("PGTY_buddy").value_()
except LookupError:
    pass


def typed(word):
    word &= 0xFFFFFFFF
    if buddy is not None:  # 6.12+: the type is the top byte
        return 0xF0 <= word >> 24 < 0xFF and word >> 24 != buddy
    # before: PAGE_TYPE_BASE with one bit cleared (PG_buddy is 0x80)
    return (word & 0xF0000000) == 0xF0000000 and word != 0xFFFFFFFF \
        and word & 0x80


for line in open(os.environ["DP_PAGEDIFF"]):
    pfn = int(line, 16)
    head = compound_head(pfn_to_page(prog, pfn))
    if typed(head._mapcount.counter.value_()):
        print(f"{pfn:x} typed")
    elif lo <= pfn <= hi:
        print(f"{pfn:x} image")
    else:
        print(f"{pfn:x} ?")
