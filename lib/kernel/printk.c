// SPDX-License-Identifier: MIT
// The printk ring buffer (Linux 5.10+, kernel/printk/printk_ringbuffer.h)
// read with VMCOREINFO only. Facts and algorithm: FORMATS.md §5.
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <dontpanic/printk.h>
#include <dontpanic/types.h>

#include "core/reader.h"
#include "kernel/printk-priv.h"
#include "kernel/program-priv.h"

// Caps on sizes taken from the dump. CONFIG_LOG_BUF_SHIFT is at most 25;
// 256 MiB of text and 2^22 descriptors are far beyond any real log, and
// bound what garbage can make us allocate.
#define MAX_SIZE_BITS 28
#define MAX_COUNT_BITS 22


static struct dp_error *vmci(struct dp_dump *dump, const char *key,
			     uint64_t *ret)
{
	int64_t v;
	struct dp_error *err = dp_dump_vmcoreinfo_number(dump, key, &v);
	if (err)
		return dp_error_prefix(err, "printk ring buffer: VMCOREINFO %s",
				       key);
	// Every value here is a small size or offset.
	if (v < 0 || v > (1LL << 32))
		return dp_error_create(DP_ERR_BAD_DATA,
			"printk ring buffer: VMCOREINFO %s=%" PRId64
			" is out of range", key, v);
	*ret = (uint64_t)v;
	return NULL;
}

static struct dp_error *get_layout(struct dp_dump *dump, struct dp_prb_layout *l)
{
	static const struct { const char *key; size_t off; } req[] = {
#define F(k, f) { k, offsetof(struct dp_prb_layout, f) }
		F("SIZE(printk_ringbuffer)", prb_size),
		F("OFFSET(printk_ringbuffer.desc_ring)", desc_ring),
		F("OFFSET(printk_ringbuffer.text_data_ring)", text_ring),
		F("OFFSET(prb_desc_ring.count_bits)", count_bits),
		F("OFFSET(prb_desc_ring.descs)", descs),
		F("OFFSET(prb_desc_ring.infos)", infos),
		F("OFFSET(prb_desc_ring.head_id)", head_id),
		F("OFFSET(prb_desc_ring.tail_id)", tail_id),
		F("OFFSET(prb_data_ring.size_bits)", size_bits),
		F("OFFSET(prb_data_ring.data)", data),
		F("SIZE(prb_desc)", desc_size),
		F("OFFSET(prb_desc.state_var)", state_var),
		F("OFFSET(prb_desc.text_blk_lpos)", blk_lpos),
		F("OFFSET(prb_data_blk_lpos.begin)", lpos_begin),
		F("OFFSET(prb_data_blk_lpos.next)", lpos_next),
		F("OFFSET(atomic_long_t.counter)", counter),
		F("SIZE(printk_info)", info_size),
		F("OFFSET(printk_info.seq)", seq),
		F("OFFSET(printk_info.ts_nsec)", ts_nsec),
		F("OFFSET(printk_info.text_len)", text_len),
		F("OFFSET(printk_info.caller_id)", caller_id),
	};
	static const struct { const char *key; size_t off; } dev[] = {
		F("OFFSET(printk_info.dev_info)", dev_info),
		F("OFFSET(dev_printk_info.subsystem)", subsys),
		F("LENGTH(printk_info_subsystem)", subsys_len),
		F("OFFSET(dev_printk_info.device)", device),
		F("LENGTH(printk_info_device)", device_len),
#undef F
	};
	struct dp_error *err;
	for (size_t i = 0; i < sizeof(req) / sizeof(req[0]); i++)
		if ((err = vmci(dump, req[i].key,
				(uint64_t *)((char *)l + req[i].off))))
			return err;
	// The dev_printk dictionary is optional (added in 5.10 with the ring).
	l->have_dev_info = true;
	for (size_t i = 0; i < sizeof(dev) / sizeof(dev[0]); i++) {
		err = vmci(dump, dev[i].key, (uint64_t *)((char *)l + dev[i].off));
		if (err) {
			dp_error_destroy(err);
			l->have_dev_info = false;
			break;
		}
	}
	return NULL;
}

// Check that a field of width w at offset off fits in a record of size.
static bool fits(uint64_t off, uint64_t w, uint64_t size)
{
	return off <= size && w <= size - off;
}

struct dp_error *dp_prb_check_layout(const struct dp_prb_layout *l)
{
	const char *bad = NULL;
	if (!fits(l->desc_ring, l->tail_id + l->counter + 8, l->prb_size) ||
	    !fits(l->desc_ring, l->descs + 8, l->prb_size) ||
	    !fits(l->desc_ring, l->infos + 8, l->prb_size) ||
	    !fits(l->desc_ring, l->head_id + l->counter + 8, l->prb_size) ||
	    !fits(l->desc_ring, l->count_bits + 4, l->prb_size) ||
	    !fits(l->text_ring, l->size_bits + 4, l->prb_size) ||
	    !fits(l->text_ring, l->data + 8, l->prb_size))
		bad = "printk_ringbuffer";
	else if (!fits(l->state_var + l->counter, 8, l->desc_size) ||
		 !fits(l->blk_lpos + l->lpos_begin, 8, l->desc_size) ||
		 !fits(l->blk_lpos + l->lpos_next, 8, l->desc_size))
		bad = "prb_desc";
	else if (!fits(l->seq, 8, l->info_size) ||
		 !fits(l->ts_nsec, 8, l->info_size) ||
		 !fits(l->text_len, 2, l->info_size) ||
		 !fits(l->caller_id, 4, l->info_size) ||
		 (l->have_dev_info &&
		  (!fits(l->dev_info + l->subsys, l->subsys_len, l->info_size) ||
		   !fits(l->dev_info + l->device, l->device_len, l->info_size))))
		bad = "printk_info";
	if (bad)
		return dp_error_create(DP_ERR_BAD_DATA,
			"printk ring buffer: VMCOREINFO offsets of %s do not "
			"fit in its size", bad);
	if (l->prb_size > 4096 || l->desc_size > 4096 || l->info_size > 4096)
		return dp_error_create(DP_ERR_BAD_DATA,
			"printk ring buffer: structure sizes in VMCOREINFO are "
			"implausible");
	return NULL;
}

static uint64_t le(const uint8_t *p, int n)
{
	uint64_t v = 0;
	for (int k = n - 1; k >= 0; k--)
		v = (v << 8) | p[k];
	return v;
}

// The struct printk_ringbuffer the pointer variable prb (at prb_sym)
// points to, into hdr.
static struct dp_error *read_prb(struct dp_program *prog, uint64_t prb_sym,
				 size_t size, uint8_t *hdr, uint64_t *prb_addr)
{
	struct dp_error *err;
	if ((err = dp_program_read_u64(prog, prb_sym, prb_addr)) ||
	    (err = dp_program_read(prog, *prb_addr, hdr, size)))
		return dp_error_prefix(err, "printk ring buffer (prb at 0x%"
				       PRIx64 ")", prb_sym);
	return NULL;
}

static struct dp_error *read_rings(struct dp_program *prog, struct dp_prb *r)
{
	const struct dp_prb_layout *l = &r->l;
	uint8_t hdr[4096];
	uint64_t prb_sym, prb_addr, alt;
	struct dp_error *err;
	int64_t v;

	if ((err = dp_dump_vmcoreinfo_number(prog->dump, "SYMBOL(prb)", &v)))
		return dp_error_prefix(err, "printk ring buffer: VMCOREINFO");
	// SYMBOL(prb) is the address of the pointer variable prb.
	prb_sym = (uint64_t)v;
	if ((err = read_prb(prog, prb_sym, l->prb_size, hdr, &prb_addr))) {
		// A damaged SYMBOL(prb) line: kallsyms (cross-checked against
		// the other VMCOREINFO symbols) may know better.
		struct dp_error *e2 = dp_program_symbol_address(prog, "prb", &alt);
		if (e2 || alt == prb_sym ||
		    (e2 = read_prb(prog, alt, l->prb_size, hdr, &prb_addr))) {
			dp_error_destroy(e2);
			return err;
		}
		dp_error_destroy(err);
	}
	const uint8_t *dr = hdr + l->desc_ring, *tr = hdr + l->text_ring;
	uint64_t cbits = le(dr + l->count_bits, 4);
	uint64_t sbits = le(tr + l->size_bits, 4);
	if (cbits > MAX_COUNT_BITS || sbits > MAX_SIZE_BITS || sbits < 3)
		return dp_error_create(DP_ERR_BAD_DATA,
			"printk ring buffer at 0x%" PRIx64 ": count_bits %"
			PRIu64 " / size_bits %" PRIu64 " out of range", prb_addr,
			cbits, sbits);
	r->count = 1ULL << cbits;
	r->data_size = 1ULL << sbits;
	r->head = le(dr + l->head_id + l->counter, 8) & DESC_ID_MASK;
	r->tail = le(dr + l->tail_id + l->counter, 8) & DESC_ID_MASK;
	uint64_t descs = le(dr + l->descs, 8), infos = le(dr + l->infos, 8);
	uint64_t data = le(tr + l->data, 8);
	size_t dlen = (size_t)(r->count * l->desc_size);
	size_t ilen = (size_t)(r->count * l->info_size);
	r->descs = malloc(dlen);
	r->infos = malloc(ilen);
	r->data = malloc((size_t)r->data_size);
	if (!r->descs || !r->infos || !r->data)
		return &dp_enomem;
	if ((err = dp_program_read(prog, descs, r->descs, dlen)))
		return dp_error_prefix(err, "printk descriptor ring");
	if ((err = dp_program_read(prog, infos, r->infos, ilen)))
		return dp_error_prefix(err, "printk info ring");
	if ((err = dp_program_read(prog, data, r->data, (size_t)r->data_size)))
		return dp_error_prefix(err, "printk text data ring");
	return NULL;
}

// Copy a fixed-size, maybe unterminated dictionary string.
static void dict_str(char *out, const uint8_t *p, uint64_t len)
{
	size_t n = strnlen((const char *)p, (size_t)len);
	memcpy(out, p, n);
	out[n] = '\0';
}

// Emit record id if its descriptor is committed or finalized with this id.
static struct dp_error *one_record(const struct dp_prb *r, uint64_t id,
				   dp_printk_fn fn, void *arg)
{
	const struct dp_prb_layout *l = &r->l;
	const uint8_t *d = r->descs + (id % r->count) * l->desc_size;
	const uint8_t *in = r->infos + (id % r->count) * l->info_size;
	uint64_t sv = le(d + l->state_var + l->counter, 8);
	uint64_t state = sv >> DESC_STATE_SHIFT;
	if ((sv & DESC_ID_MASK) != id ||
	    (state != DESC_COMMITTED && state != DESC_FINALIZED))
		return NULL;
	uint64_t begin = le(d + l->blk_lpos + l->lpos_begin, 8) % r->data_size;
	uint64_t next = le(d + l->blk_lpos + l->lpos_next, 8) % r->data_size;
	// Data-less blocks (FAILED_LPOS, NO_LPOS) have begin == next.
	if (begin == next)
		return NULL;
	// A wrapped block's data starts at the beginning of the ring.
	if (begin > next)
		begin = 0;
	begin += 8;	// the block starts with its id (unsigned long)
	uint64_t avail = next > begin ? next - begin : 0;
	uint64_t len = le(in + l->text_len, 2);
	if (len > avail)
		len = avail;
	char subsys[256] = "", device[256] = "";
	if (l->have_dev_info) {
		dict_str(subsys, in + l->dev_info + l->subsys,
			 l->subsys_len < 255 ? l->subsys_len : 255);
		dict_str(device, in + l->dev_info + l->device,
			 l->device_len < 255 ? l->device_len : 255);
	}
	struct dp_printk_record rec = {
		.seq = le(in + l->seq, 8),
		.ts_nsec = le(in + l->ts_nsec, 8),
		.caller_id = (uint32_t)le(in + l->caller_id, 4),
		.level = -1, .facility = -1,
		.text = (const char *)r->data + begin,
		.text_len = (size_t)len,
		.subsystem = subsys, .device = device,
	};
	// level/facility are not in VMCOREINFO. In the 6.1 layout they follow
	// text_len: u16 text_len, u8 facility, u8 flags:5 level:3
	// (kernel/printk/printk_ringbuffer.h); use that only when caller_id
	// sits exactly 4 bytes after text_len, as it does there.
	if (l->caller_id == l->text_len + 4) {
		rec.facility = in[l->text_len + 2];
		rec.level = in[l->text_len + 3] >> 5;
	}
	return fn(&rec, arg);
}

struct dp_error *dp_prb_walk(const struct dp_prb *r, dp_printk_fn fn,
			     void *arg)
{
	struct dp_error *err = NULL;
	// tail..head inclusive; never more than one lap of the ring.
	for (uint64_t id = r->tail, n = 0; !err && n < r->count;
	     id = (id + 1) & DESC_ID_MASK, n++) {
		err = one_record(r, id, fn, arg);
		if (id == r->head)
			break;
	}
	return err;
}

struct dp_error *dp_printk_for_each(struct dp_program *prog, dp_printk_fn fn,
				    void *arg)
{
	struct dp_prb r = { 0 };
	// The ring is in kernel virtual memory; without it (no VMCOREINFO and
	// the kernel not found), say why rather than which key is missing.
	if (prog->xlat_err)
		return dp_program_provider_error(prog->xlat_err,
			"printk ring buffer: kernel virtual memory is not "
			"available");
	struct dp_error *err = get_layout(prog->dump, &r.l);
	int64_t v;
	struct dp_error *lb;
	// Before 5.10 the log is the variable-length records of log_buf
	// (VMCOREINFO SYMBOL(log_buf), no prb): named, not guessed at.
	if (err && (lb = dp_dump_vmcoreinfo_number(prog->dump, "SYMBOL(prb)",
						   &v))) {
		dp_error_destroy(lb);
		if (!(lb = dp_dump_vmcoreinfo_number(prog->dump,
						     "SYMBOL(log_buf)", &v))) {
			dp_error_destroy(err);
			return dp_error_create(DP_ERR_UNSUPPORTED,
				"the kernel keeps its log in log_buf (VMCOREINFO "
				"has SYMBOL(log_buf) and no printk ring buffer: "
				"Linux before 5.10), which is not read");
		}
		dp_error_destroy(lb);
	}
	// A derived VMCOREINFO (no note) has the layout only if BTF loaded.
	if (err && !dp_dump_vmcoreinfo(prog->dump, NULL)) {
		struct dp_types *types;
		struct dp_error *terr = dp_program_types(prog, &types);
		if (terr) {
			dp_error_destroy(err);
			return dp_error_prefix(terr, "printk ring buffer: no "
					       "VMCOREINFO note, and its layout "
					       "comes from BTF");
		}
	}
	if (!err)
		err = dp_prb_check_layout(&r.l);
	if (!err)
		err = read_rings(prog, &r);
	if (!err)
		err = dp_prb_walk(&r, fn, arg);
	free(r.descs);
	free(r.infos);
	free(r.data);
	return err;
}
