/* Compiled inner loops of ranking: decode a term's postings straight from the mapped segment
 * and add them into per-position arrays, in one pass and without temporaries.
 *
 * The numpy path (index/search/snapshot.py, topk.py, ranking.py) decodes postings into arrays
 * in several passes, computes saturations in several more, then multiplies, gathers, adds and
 * scatters; these loops do the same arithmetic, in the same order, per posting: tf (k1 + 1) /
 * (norm + tf), times the clause's factor, added to the position's sum. Built without
 * floating-point contraction (-ffp-contract=off, no fast-math), so every float equals the numpy
 * path's (the tests compare them bit for bit). Postings are decoded a block at a time: one
 * branch on the widths per block, then tight loops.
 *
 * Postings of a term (segment.py, format 3): document gaps inside blocks of 128 (the first gap
 * of a block is 0, the block's first document is in `bbase`) in 0, 1, 2 or 4 little-endian
 * bytes, or as low parts (code 3: a byte, code 6: half a byte) whose few larger gaps list their
 * high parts after the frequencies; then term frequencies in 0 (all 1), 1, 2 or 4 bytes, half
 * bytes (code 3) or quarter bytes (code 5), the first posting in the lowest bits; each part
 * padded to 4 bytes.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <math.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <string.h>

#define BLOCK 128

static const char PAST[] = "a posting past the positions";

typedef struct {
    const uint8_t *gaps;  /* the term's gaps (or their low parts) */
    const uint8_t *tfs;   /* the term's frequencies */
    Py_ssize_t n;
    int gap_bits; /* bits per gap (or its low part): 0 (all 0), 4, 8, 16 or 32 */
    int tf_bits;  /* bits per frequency: 0 (all 1), 2, 4, 8, 16 or 32 */
    const int32_t *bbase; /* the term's first block's first document */
    int low_bits;         /* codes 3 and 6: bits of the gaps' low parts, 0 otherwise */
    Py_ssize_t exceptions;
    const uint8_t *exception_at;   /* uint32 posting numbers, ascending */
    const uint8_t *exception_high; /* uint32 high parts */
} Term;

static inline Py_ssize_t pad4(Py_ssize_t n) { return (n + 3) / 4 * 4; }

/* Bits per value of each width code (-1: no such code). Gaps: 0 all zero, 1/2/4 bytes, 3 a
 * byte and 6 half a byte of low parts; frequencies: 0 all one, 1/2/4 bytes, 3 half a byte,
 * 5 a quarter of a byte. */
static const int GAP_BITS[] = {0, 8, 16, 8, 32, -1, 4};
static const int TF_BITS[] = {0, 8, 16, 4, 32, 2, -1};

static int bits_of(int code, const int *table) { return code >= 0 && code <= 6 ? table[code] : -1; }

/* Bytes of n values packed `bits` to a value. */
static inline Py_ssize_t packed_bytes(Py_ssize_t n, int bits) { return (n * bits + 7) / 8; }

static inline uint32_t read_u32(const uint8_t *p, Py_ssize_t i) {
    uint32_t v;
    memcpy(&v, p + 4 * i, 4);
    return v;
}

/* The i-th of values packed `bits` to a value (4 or 2) in bytes, the first in the lowest bits. */
static inline uint32_t read_packed(const uint8_t *p, int bits, Py_ssize_t i) {
    Py_ssize_t per_byte = 8 / bits;
    return (p[i / per_byte] >> (bits * (i % per_byte))) & ((1u << bits) - 1);
}

/* Values start .. start + count - 1 of those packed 2 or 4 bits to a value: from a whole byte
 * (blocks start at multiples of 128 values), a byte's values at a time (a loop gcc vectorises),
 * then those of a last, partial byte one by one; from inside a byte, one by one. */
static inline void unpack_small(const uint8_t *p, int bits, Py_ssize_t start, Py_ssize_t count,
                                uint32_t *out) {
    Py_ssize_t per_byte = 8 / bits, whole = start % per_byte ? 0 : count / per_byte;
    const uint8_t *bytes = p + start / per_byte;
    if (bits == 4) {
        for (Py_ssize_t b = 0; b < whole; b++) {
            out[2 * b] = bytes[b] & 0x0Fu;
            out[2 * b + 1] = bytes[b] >> 4;
        }
    } else {
        for (Py_ssize_t b = 0; b < whole; b++) {
            out[4 * b] = bytes[b] & 0x03u;
            out[4 * b + 1] = (bytes[b] >> 2) & 0x03u;
            out[4 * b + 2] = (bytes[b] >> 4) & 0x03u;
            out[4 * b + 3] = bytes[b] >> 6;
        }
    }
    for (Py_ssize_t k = whole * per_byte; k < count; k++)
        out[k] = read_packed(p, bits, start + k);
}

/* Values start .. start + count - 1 of those packed `bits` to a value (0: each is `fill`), one
 * branch on the width for the whole run. */
static inline void unpack(const uint8_t *p, int bits, uint32_t fill, Py_ssize_t start,
                          Py_ssize_t count, uint32_t *out) {
    switch (bits) {
    case 0:
        for (Py_ssize_t k = 0; k < count; k++)
            out[k] = fill;
        break;
    case 2:
    case 4:
        unpack_small(p, bits, start, count, out);
        break;
    case 8:
        for (Py_ssize_t k = 0; k < count; k++)
            out[k] = p[start + k];
        break;
    case 16:
        for (Py_ssize_t k = 0; k < count; k++) {
            uint16_t v;
            memcpy(&v, p + 2 * (start + k), 2);
            out[k] = v;
        }
        break;
    default: /* 32 */
        for (Py_ssize_t k = 0; k < count; k++)
            out[k] = read_u32(p, start + k);
    }
}

static int term_from(Term *term, Py_buffer *post, Py_ssize_t offset, Py_ssize_t n, int gap_code,
                     int tf_code, Py_buffer *bbase, Py_ssize_t first_block) {
    Py_ssize_t blocks = (n + BLOCK - 1) / BLOCK;
    term->gap_bits = bits_of(gap_code, GAP_BITS);
    term->tf_bits = bits_of(tf_code, TF_BITS);
    if (term->gap_bits < 0 || term->tf_bits < 0) {
        PyErr_SetString(PyExc_ValueError, "unknown postings width");
        return -1;
    }
    Py_ssize_t tfs_at = offset + pad4(packed_bytes(n, term->gap_bits));
    Py_ssize_t end = tfs_at + pad4(packed_bytes(n, term->tf_bits));
    term->low_bits = gap_code == 3 ? 8 : gap_code == 6 ? 4 : 0;
    term->exceptions = 0;
    if (offset < 0 || n < 0 || end > post->len || first_block < 0 ||
        (first_block + blocks) * 4 > bbase->len)
        goto bad;
    const uint8_t *data = post->buf;
    if (term->low_bits) {
        if (end + 4 > post->len)
            goto bad;
        term->exceptions = read_u32(data + end, 0);
        if (end + 4 + 8 * term->exceptions > post->len)
            goto bad;
        term->exception_at = data + end + 4;
        term->exception_high = data + end + 4 + 4 * term->exceptions;
    }
    term->gaps = data + offset;
    term->tfs = data + tfs_at;
    term->n = n;
    term->bbase = (const int32_t *)bbase->buf + first_block;
    return 0;
bad:
    PyErr_SetString(PyExc_ValueError, "postings out of bounds");
    return -1;
}

/* One block's positions (local documents + `base`, each checked to be below `positions`) and,
 * unless `tfs` is NULL, frequencies, decoded with one branch on the widths per block rather than
 * per posting; returns how many postings the block holds, or -1 for a posting past the
 * positions (no Python error is set: this runs without the GIL). `*next` is the term's next
 * exception (ascending posting numbers). */
static Py_ssize_t decode_block(const Term *term, Py_ssize_t block, Py_ssize_t *next,
                               Py_ssize_t base, Py_ssize_t positions, int64_t *docs,
                               uint32_t *tfs) {
    Py_ssize_t start = block * BLOCK;
    Py_ssize_t count = term->n - start < BLOCK ? term->n - start : BLOCK;
    uint32_t gaps[BLOCK];
    unpack(term->gaps, term->gap_bits, 0, start, count, gaps);
    while (*next < term->exceptions) {
        Py_ssize_t at = (Py_ssize_t)read_u32(term->exception_at, *next);
        if (at >= start + count)
            break;
        if (at >= start) {
            uint64_t gap = gaps[at - start] +
                           ((uint64_t)read_u32(term->exception_high, *next) << term->low_bits);
            if (gap > UINT32_MAX) /* past any position a segment can hold */
                return -1;
            gaps[at - start] = (uint32_t)gap;
        }
        (*next)++;
    }
    if (tfs)
        unpack(term->tfs, term->tf_bits, 1, start, count, tfs);
    gaps[0] = 0; /* the block's first document is listed, whatever its gap says */
    int64_t doc = term->bbase[block];
    doc += base;
    Py_ssize_t k = 0;
    /* running sums four at a time: one addition a step carries over (integers: the same sums) */
    for (; k + 4 <= count; k += 4) {
        int64_t g0 = gaps[k], g2 = gaps[k + 2];
        int64_t g01 = g0 + gaps[k + 1], g23 = g2 + gaps[k + 3];
        docs[k] = doc + g0;
        docs[k + 1] = doc + g01;
        docs[k + 2] = doc + g01 + g2;
        docs[k + 3] = doc + g01 + g23;
        doc += g01 + g23;
    }
    for (; k < count; k++) {
        doc += (int64_t)gaps[k];
        docs[k] = doc;
    }
    /* gaps are unsigned: the positions ascend, so the first and the last bound them all */
    if (count > 0 && (docs[0] < 0 || docs[count - 1] >= positions))
        return -1;
    return count;
}

/* One block's saturations tf (k1 + 1) / (norm + tf): read from `units` (each position's
 * saturation at tf = 1) when every frequency of the term is 1, else computed for every posting
 * (at tf = 1 the same float as `units`). No branch per posting: on mixed frequencies a branch
 * on tf = 1 mispredicts and costs more than the division it saves. */
static void block_saturations(const Term *term, const int64_t *local, const uint32_t *freqs,
                              Py_ssize_t count, const double *norms, const double *units,
                              double k1p1, double *values) {
    if (term->tf_bits == 0) {
        for (Py_ssize_t k = 0; k < count; k++)
            values[k] = units[local[k]];
        return;
    }
    for (Py_ssize_t k = 0; k < count; k++) {
        double tf = (double)freqs[k];
        values[k] = tf * k1p1 / (norms[local[k]] + tf);
    }
}

/* decode_saturations(post, offset, n, gap_width, tf_width, bbase, first_block, base, norm, unit,
 *                     k1p1, positions_out, saturations_out): a term's positions (local documents
 * + base, int64) and saturations tf (k1 + 1) / (norm + tf) (float64); `unit` holds each
 * position's saturation at tf = 1, k1p1 / (norm + 1), the most frequent case (no division). */
static PyObject *decode_saturations(PyObject *self, PyObject *args) {
    Py_buffer post, bbase, norm, unit, docs_out, values_out;
    Py_ssize_t offset, n, first_block, base;
    int gap_width, tf_width;
    double k1p1;
    if (!PyArg_ParseTuple(args, "y*nniiy*nny*y*dw*w*", &post, &offset, &n, &gap_width, &tf_width,
                          &bbase, &first_block, &base, &norm, &unit, &k1p1, &docs_out,
                          &values_out))
        return NULL;
    PyObject *result = NULL;
    Term term;
    if (term_from(&term, &post, offset, n, gap_width, tf_width, &bbase, first_block) < 0)
        goto done;
    Py_ssize_t positions = norm.len / (Py_ssize_t)sizeof(double);
    if (unit.len / (Py_ssize_t)sizeof(double) < positions ||
        docs_out.len / (Py_ssize_t)sizeof(int64_t) < n ||
        values_out.len / (Py_ssize_t)sizeof(double) < n) {
        PyErr_SetString(PyExc_ValueError, "arrays of different lengths");
        goto done;
    }
    int64_t *docs = docs_out.buf;
    double *values = values_out.buf;
    uint32_t freqs[BLOCK];
    Py_ssize_t next = 0;
    for (Py_ssize_t block = 0, i = 0; i < n; block++) { /* a block at a time, in place */
        Py_ssize_t count = decode_block(&term, block, &next, base, positions, docs + i, freqs);
        if (count < 0) {
            PyErr_SetString(PyExc_ValueError, PAST);
            goto done;
        }
        block_saturations(&term, docs + i, freqs, count, norm.buf, unit.buf, k1p1, values + i);
        i += count;
    }
    result = Py_None;
    Py_INCREF(result);
done:
    PyBuffer_Release(&post);
    PyBuffer_Release(&bbase);
    PyBuffer_Release(&norm);
    PyBuffer_Release(&unit);
    PyBuffer_Release(&docs_out);
    PyBuffer_Release(&values_out);
    return result;
}

/* One term of a batch scored over a range of positions (score_ranges): its postings, what turns
 * them into scaled saturations, and a cursor that goes forward window by window; or a term
 * decoded already (`docs` not NULL): its positions, ascending, and saturations. */
typedef struct {
    const int64_t *docs;    /* decoded: positions (NULL: read the postings) */
    const double *decoded;  /* decoded: saturations */
    Term term;
    const int32_t *blast; /* each block's last document */
    Py_ssize_t base;
    const double *norm;
    const double *unit;
    Py_ssize_t positions; /* of norm and unit */
    double factor;
    Py_ssize_t blocks; /* decoded: how many positions */
    Py_ssize_t block;  /* the next block (decoded: position) to score */
    Py_ssize_t next;  /* the exception cursor at the start of `block` */
    Py_buffer views[5]; /* post, bbase, blast, norm, unit */
    int held;
} Source;

static void release_sources(Source *sources, Py_ssize_t count) {
    for (Py_ssize_t i = 0; i < count; i++)
        for (int v = 0; v < sources[i].held; v++)
            PyBuffer_Release(&sources[i].views[v]);
}

/* A decoded source from (positions, saturations, factor): int64 positions, ascending (as the
 * loops that decoded them wrote them; each is checked against the target when added), and as
 * many doubles; 0, or -1 with an error set. */
static int decoded_from(PyObject *item, Source *source) {
    Py_buffer *v = source->views;
    if (!PyArg_ParseTuple(item, "y*y*d", &v[0], &v[1], &source->factor))
        return -1;
    source->held = 2;
    Py_ssize_t n = v[0].len / (Py_ssize_t)sizeof(int64_t);
    if (v[0].len % (Py_ssize_t)sizeof(int64_t) || v[1].len != n * (Py_ssize_t)sizeof(double)) {
        PyErr_SetString(PyExc_ValueError, "arrays of different lengths");
        return -1;
    }
    source->docs = v[0].buf;
    source->decoded = v[1].buf;
    source->blocks = n;
    /* ascending: the first and the last bound them (each is checked again when added) */
    if (n > 0 && source->docs[0] < 0) {
        PyErr_SetString(PyExc_ValueError, PAST);
        return -1;
    }
    source->positions = n > 0 ? (Py_ssize_t)source->docs[n - 1] + 1 : 0;
    return 0;
}

/* A source from (post, offset, n, gap_width, tf_width, bbase, blast, first_block, base, norm,
 * unit, factor), or a decoded one (`decoded_from`); 0, or -1 with an error set (the buffers
 * taken so far are in `held`). */
static int source_from(PyObject *item, Source *source) {
    Py_ssize_t offset, n, first_block, base;
    int gap_width, tf_width;
    Py_buffer *v = source->views;
    if (PyTuple_Check(item) && PyTuple_GET_SIZE(item) == 3)
        return decoded_from(item, source);
    if (!PyArg_ParseTuple(item, "y*nniiy*y*nny*y*d", &v[0], &offset, &n, &gap_width, &tf_width,
                          &v[1], &v[2], &first_block, &base, &v[3], &v[4], &source->factor))
        return -1;
    source->held = 5;
    if (term_from(&source->term, &v[0], offset, n, gap_width, tf_width, &v[1], first_block) < 0)
        return -1;
    source->blocks = (n + BLOCK - 1) / BLOCK;
    if (v[2].len < v[1].len || v[4].len < v[3].len) {
        PyErr_SetString(PyExc_ValueError, "arrays of different lengths");
        return -1;
    }
    source->blast = (const int32_t *)v[2].buf + first_block;
    source->base = base;
    source->norm = v[3].buf;
    source->unit = v[4].buf;
    source->positions = v[3].len / (Py_ssize_t)sizeof(double);
    /* the block table bounds the postings: a range never reaches what lies past it */
    if (source->blocks > 0 && ((Py_ssize_t)source->term.bbase[0] + base < 0 ||
                               (Py_ssize_t)source->blast[source->blocks - 1] + base >=
                                   source->positions)) {
        PyErr_SetString(PyExc_ValueError, PAST);
        return -1;
    }
    return 0;
}

/* The first block (decoded: position) from the cursor on whose last position is at least `lo`
 * (blocks ascend). */
static Py_ssize_t first_block_from(const Source *source, Py_ssize_t lo) {
    Py_ssize_t low = source->block, high = source->blocks;
    while (low < high) {
        Py_ssize_t middle = low + (high - low) / 2;
        Py_ssize_t last = source->docs ? (Py_ssize_t)source->docs[middle]
                                       : (Py_ssize_t)source->blast[middle] + source->base;
        if (last < lo)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

/* What a range adds at each holder: scaled saturations (into doubles, marking holders when
 * `marks` is not NULL), the source's factor (into doubles), or one (into int16 counts). */
typedef enum { SATURATIONS, PRESENCE, COUNTS } Kind;

typedef struct {
    Kind kind;
    void *values;
    Py_ssize_t size; /* slots of `values` (and of `marks`, when not NULL) */
    uint8_t *marks;
    double k1p1;
} Target;

static void add_block(const Source *source, const int64_t *local, const uint32_t *freqs,
                      Py_ssize_t count, const Target *target) {
    double factor = source->factor;
    if (target->kind == COUNTS) {
        int16_t *counts = target->values;
        for (Py_ssize_t k = 0; k < count; k++)
            counts[local[k]] += 1;
        return;
    }
    double *sums = target->values;
    if (target->kind == PRESENCE) {
        for (Py_ssize_t k = 0; k < count; k++)
            sums[local[k]] += factor;
        return;
    }
    double saturations[BLOCK];
    block_saturations(&source->term, local, freqs, count, source->norm, source->unit,
                      target->k1p1, saturations);
    for (Py_ssize_t k = 0; k < count; k++)
        sums[local[k]] += saturations[k] * factor;
    if (target->marks)
        for (Py_ssize_t k = 0; k < count; k++)
            target->marks[local[k]] = 1;
}

/* What the source adds for its postings in [lo, hi), from its cursor on; a block that goes on
 * past `hi` is decoded again for the next window. 0, or -1 for a posting past the positions. */
static int add_decoded(Source *source, Py_ssize_t hi, const Target *target) {
    const int64_t *docs = source->docs;
    const double *decoded = source->decoded;
    Py_ssize_t k = source->block, end = k, n = source->blocks;
    uint64_t size = (uint64_t)target->size;
    double factor = source->factor;
    for (; end < n && docs[end] < hi; end++)
        if ((uint64_t)docs[end] >= size)
            return -1;
    if (target->kind == COUNTS) {
        int16_t *counts = target->values;
        for (; k < end; k++)
            counts[docs[k]] += 1;
    } else if (target->kind == PRESENCE) {
        double *sums = target->values;
        for (; k < end; k++)
            sums[docs[k]] += factor;
    } else {
        double *sums = target->values;
        for (; k < end; k++)
            sums[docs[k]] += decoded[k] * factor;
        if (target->marks)
            for (k = source->block; k < end; k++)
                target->marks[docs[k]] = 1;
    }
    source->block = end;
    return 0;
}

static int add_window(Source *source, Py_ssize_t lo, Py_ssize_t hi, const Target *target) {
    if (source->docs) /* the cursor is at lo or past it: ranges and windows ascend */
        return add_decoded(source, hi, target);
    const Term *term = &source->term;
    int64_t local[BLOCK];
    uint32_t freqs[BLOCK];
    uint32_t *wanted = target->kind == SATURATIONS ? freqs : NULL;
    while (source->block < source->blocks) {
        if ((Py_ssize_t)term->bbase[source->block] + source->base >= hi)
            return 0;
        Py_ssize_t next = source->next;
        Py_ssize_t count = decode_block(term, source->block, &next, source->base,
                                        source->positions, local, wanted);
        if (count < 0)
            return -1;
        Py_ssize_t start = 0, end = count;
        while (start < end && local[start] < lo)
            start++;
        while (end > start && local[end - 1] >= hi)
            end--;
        add_block(source, local + start, freqs + start, end - start, target);
        if (end < count)
            return 0; /* the rest of the block is in the next window */
        source->block++;
        source->next = next;
    }
    return 0;
}

/* Every source's additions for the positions in each range [lo, hi) of `ranges` (pairs,
 * ascending, disjoint), the sources in the order given, so each position's value is added in
 * that order whatever the ranges; positions go `window` at a time through all the sources (the
 * values being added into stay in the processor's cache). The sources are parsed with the GIL,
 * then added without it. `values` holds `size` slots, `marks` (when not NULL) `marks` bytes. */
static PyObject *add_ranges(PyObject *list, Target *target, Py_ssize_t size, Py_ssize_t marks,
                            const int64_t *ranges, Py_ssize_t count_ranges, Py_ssize_t window) {
    PyObject *items = PySequence_Fast(list, "sources must be a sequence");
    if (items == NULL)
        return NULL;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(items);
    Source *sources = PyMem_Calloc(count ? count : 1, sizeof(Source));
    PyObject *result = NULL;
    Py_ssize_t parsed = 0;
    if (sources == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (; parsed < count; parsed++) {
        Source *source = &sources[parsed];
        if (source_from(PySequence_Fast_GET_ITEM(items, parsed), source) < 0) {
            parsed++; /* release what it holds */
            goto done;
        }
        if (source->positions > size || (target->marks && marks < source->positions)) {
            parsed++;
            PyErr_SetString(PyExc_ValueError, source->docs ? PAST : "arrays of different lengths");
            goto done;
        }
    }
    for (Py_ssize_t r = 0; r < count_ranges; r++) {
        int64_t lo = ranges[2 * r], hi = ranges[2 * r + 1];
        if (lo < 0 || hi > size || lo > hi || (r > 0 && lo < ranges[2 * r - 1]) || window <= 0) {
            PyErr_SetString(PyExc_ValueError, "a range outside the sums, or out of order");
            goto done;
        }
    }
    int failed = 0;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t r = 0; r < count_ranges && !failed; r++) {
        Py_ssize_t lo = (Py_ssize_t)ranges[2 * r], hi = (Py_ssize_t)ranges[2 * r + 1];
        for (Py_ssize_t i = 0; i < count; i++)
            sources[i].block = first_block_from(&sources[i], lo);
        for (Py_ssize_t start = lo; start < hi && !failed; start += window) {
            Py_ssize_t end = hi - start < window ? hi : start + window;
            for (Py_ssize_t i = 0; i < count && !failed; i++)
                failed = add_window(&sources[i], start, end, target) < 0;
        }
    }
    Py_END_ALLOW_THREADS
    if (failed) {
        PyErr_SetString(PyExc_ValueError, PAST);
        goto done;
    }
    result = Py_None;
    Py_INCREF(result);
done:
    if (sources) {
        release_sources(sources, parsed);
        PyMem_Free(sources);
    }
    Py_DECREF(items);
    return result;
}

/* The ranges argument: int64 (lo, hi) pairs. */
static int ranges_from(Py_buffer *ranges, Py_ssize_t *count) {
    if (ranges->len % (2 * (Py_ssize_t)sizeof(int64_t)) != 0) {
        PyErr_SetString(PyExc_ValueError, "ranges must be int64 pairs");
        return -1;
    }
    *count = ranges->len / (2 * (Py_ssize_t)sizeof(int64_t));
    return 0;
}

/* score_ranges(sources, k1p1, sums, touched_or_None, ranges, window): for every position in
 * the ranges, sums[position] += saturation x factor of each source (a tuple as `source_from`
 * reads) holding it, marking `touched`; two threads may score disjoint ranges of one array at
 * once (the GIL is released). `sums` must be zero in the ranges. */
static PyObject *score_ranges(PyObject *self, PyObject *args) {
    PyObject *list, *touched_obj;
    double k1p1;
    Py_buffer sums, touched = {0}, ranges;
    Py_ssize_t window, count_ranges;
    if (!PyArg_ParseTuple(args, "Odw*Oy*n", &list, &k1p1, &sums, &touched_obj, &ranges,
                          &window))
        return NULL;
    PyObject *result = NULL;
    int have_touched = touched_obj != Py_None;
    if (have_touched && PyObject_GetBuffer(touched_obj, &touched, PyBUF_WRITABLE) < 0) {
        have_touched = 0;
        goto done;
    }
    if (ranges_from(&ranges, &count_ranges) < 0)
        goto done;
    Py_ssize_t slots = sums.len / (Py_ssize_t)sizeof(double);
    if (have_touched && touched.len < slots)
        slots = touched.len;
    Target target = {SATURATIONS, sums.buf, slots, have_touched ? touched.buf : NULL, k1p1};
    result = add_ranges(list, &target, sums.len / (Py_ssize_t)sizeof(double), touched.len,
                        ranges.buf, count_ranges, window);
done:
    PyBuffer_Release(&sums);
    PyBuffer_Release(&ranges);
    if (have_touched)
        PyBuffer_Release(&touched);
    return result;
}

/* presence_ranges(sources, target, counts, ranges, window): for every position in the ranges,
 * target[position] += factor of each source holding it (doubles), or += 1 (int16 `counts`). */
static PyObject *presence_ranges(PyObject *self, PyObject *args) {
    PyObject *list;
    Py_buffer values, ranges;
    int counts;
    Py_ssize_t window, count_ranges;
    if (!PyArg_ParseTuple(args, "Ow*py*n", &list, &values, &counts, &ranges, &window))
        return NULL;
    PyObject *result = NULL;
    if (ranges_from(&ranges, &count_ranges) == 0) {
        Py_ssize_t size = values.len / (counts ? (Py_ssize_t)sizeof(int16_t)
                                               : (Py_ssize_t)sizeof(double));
        Target target = {counts ? COUNTS : PRESENCE, values.buf, size, NULL, 0.0};
        result = add_ranges(list, &target, size, 0, ranges.buf, count_ranges, window);
    }
    PyBuffer_Release(&values);
    PyBuffer_Release(&ranges);
    return result;
}

/* add_where(values, mask, value): values[i] += value x mask[i] for every slot (mask bytes 0 or
 * 1): `values += mask * value` without the temporary array, the same floats (value x 1.0 is
 * value, and adding value x 0.0 leaves a slot as it was). */
static PyObject *add_where(PyObject *self, PyObject *args) {
    Py_buffer values, mask;
    double value;
    if (!PyArg_ParseTuple(args, "w*y*d", &values, &mask, &value))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t n = values.len / (Py_ssize_t)sizeof(double);
    if (mask.len != n) {
        PyErr_SetString(PyExc_ValueError, "arrays of different lengths");
        goto done;
    }
    double *out = values.buf;
    const uint8_t *present = mask.buf;
    for (Py_ssize_t i = 0; i < n; i++)
        out[i] += value * (double)(present[i] != 0);
    result = Py_None;
    Py_INCREF(result);
done:
    PyBuffer_Release(&values);
    PyBuffer_Release(&mask);
    return result;
}

/* A buffer argument that may be None (view->buf stays NULL then). */
static int optional_buffer(PyObject *obj, Py_buffer *view, int flags) {
    if (obj == Py_None)
        return 0;
    return PyObject_GetBuffer(obj, view, flags);
}

static void release_optional(Py_buffer *view) {
    if (view->obj != NULL)
        PyBuffer_Release(view);
}

/* The smallest of the `take` largest values seen so far: a min-heap of at most `take`. */
typedef struct {
    double *values;
    Py_ssize_t take, filled;
} Best;

static void best_offer(Best *best, double value) {
    double *heap = best->values;
    Py_ssize_t i;
    if (best->filled < best->take) {
        i = best->filled++;
        while (i > 0 && heap[(i - 1) / 2] > value) {
            heap[i] = heap[(i - 1) / 2];
            i = (i - 1) / 2;
        }
        heap[i] = value;
        return;
    }
    if (best->take == 0 || value <= heap[0])
        return;
    i = 0;
    for (;;) {
        Py_ssize_t child = 2 * i + 1;
        if (child >= best->take)
            break;
        if (child + 1 < best->take && heap[child + 1] < heap[child])
            child++;
        if (heap[child] >= value)
            break;
        heap[i] = heap[child];
        i = child;
    }
    heap[i] = value;
}

typedef struct {
    double *sums;
    uint8_t *marks;       /* NULL: a holder is a positive sum */
    const uint8_t *live;  /* NULL: every position is live */
    const int64_t *candidates;
    Py_ssize_t candidate_count;
    const double *multiplier; /* one per candidate, or NULL */
    int64_t *out_positions;
    double *out_scores;
    Py_ssize_t slots, capacity;
    Py_ssize_t count;  /* entries written out */
    Py_ssize_t scored; /* entries seen */
    double margin;
    Best best;
} Gather;

/* A gathering pass's state, copied out of `Gather` so that it stays in registers (the out
 * arrays' int64 writes could otherwise alias the counts). */
typedef struct {
    int64_t *positions;
    double *scores;
    Py_ssize_t take;
    Py_ssize_t count; /* entries written out */
    double limit;      /* below it (the best's floor less the margin), an entry is left out */
} Tally;

static Tally tally_of(const Gather *g) {
    Tally t = {g->out_positions, g->out_scores, g->best.take, 0, -INFINITY};
    return t;
}

/* A kept entry offered to the heap of the best; the limit rises once the heap is full. */
static void offer(Gather *g, Tally *t, double value) {
    best_offer(&g->best, value);
    if (g->best.filled == g->best.take)
        t->limit = g->best.values[0] - g->margin;
}

/* An entry written out unless it already scores below the floor of the `take` best seen so
 * far less the margin (the floor only rises, so it stays below the final one's): once the
 * heap of the best is full, few entries are (a branch predicted well). */
static inline void consider(Gather *g, Tally *t, int64_t position, double value) {
    if (value >= t->limit) {
        t->positions[t->count] = position;
        t->scores[t->count] = value;
        t->count++;
        if (t->take > 0)
            offer(g, t, value);
    }
}

#define CHUNK 64

/* Whether any positive sum of positions [lo, hi) reaches `limit`, and how many are positive
 * (added to `held`), without a branch per position: two doubles at a time where SSE2 is there (every
 * x86-64; gcc does not vectorise this loop itself without fast-math). */
static inline int chunk_reaches(const double *sums, Py_ssize_t lo, Py_ssize_t hi, double limit,
                                int64_t *held) {
    int reach = 0;
    int64_t positive = 0;
    Py_ssize_t i = lo;
#ifdef __SSE2__
    const __m128d bar = _mm_set1_pd(limit), zero = _mm_setzero_pd();
    __m128d reached = _mm_setzero_pd();
    for (; i + 2 <= hi; i += 2) {
        __m128d value = _mm_loadu_pd(sums + i), holds = _mm_cmpgt_pd(value, zero);
        reached = _mm_or_pd(reached, _mm_and_pd(holds, _mm_cmpge_pd(value, bar)));
        int signs = _mm_movemask_pd(holds); /* two bits */
        positive += (signs & 1) + (signs >> 1);
    }
    reach = _mm_movemask_pd(reached) != 0;
#endif
    for (; i < hi; i++) {
        reach |= (sums[i] > 0.0) & (sums[i] >= limit);
        positive += sums[i] > 0.0;
    }
    *held += positive;
    return reach;
}

/* Every holder of the ranges (marked, or of positive sum; dead ones count as seen) considered
 * when live, its slot (and mark) zeroed. Without marks, a chunk of positions none of which
 * reaches the limit (most, once the heap of the best is full) is only counted and zeroed. */
static void gather_holders(Gather *g, const int64_t *ranges, Py_ssize_t count_ranges) {
    double *sums = g->sums;
    uint8_t *marks = g->marks;
    const uint8_t *live = g->live;
    Tally t = tally_of(g);
    int64_t seen = 0;
    for (Py_ssize_t r = 0; r < count_ranges; r++) {
        Py_ssize_t lo = (Py_ssize_t)ranges[2 * r], hi = (Py_ssize_t)ranges[2 * r + 1];
        for (Py_ssize_t start = lo; start < hi; start += CHUNK) {
            Py_ssize_t end = hi - start < CHUNK ? hi : start + CHUNK;
            if (marks) {
                for (Py_ssize_t i = start; i < end; i++) {
                    seen += marks[i] != 0;
                    if (marks[i] && (!live || live[i]))
                        consider(g, &t, i, sums[i]);
                }
                memset(marks + start, 0, (size_t)(end - start));
            } else if (chunk_reaches(sums, start, end, t.limit, &seen)) {
                for (Py_ssize_t i = start; i < end; i++) {
                    if (sums[i] >= t.limit && sums[i] > 0.0 && (!live || live[i]))
                        consider(g, &t, i, sums[i]);
                }
            }
            memset(sums + start, 0, (size_t)(end - start) * sizeof(double));
        }
    }
    g->count = t.count;
    g->scored = (Py_ssize_t)seen;
}

/* Every candidate's sum (times its multiplier) considered, then the ranges' slots zeroed; -1
 * for a candidate past the sums. */
static int gather_candidates(Gather *g, const int64_t *ranges, Py_ssize_t count_ranges) {
    const int64_t *candidates = g->candidates;
    const double *sums = g->sums, *multiplier = g->multiplier;
    Tally t = tally_of(g);
    for (Py_ssize_t j = 0; j < g->candidate_count; j++) {
        int64_t position = candidates[j];
        if (position < 0 || position >= g->slots)
            return -1;
        double value = sums[position];
        if (multiplier)
            value = value * multiplier[j];
        consider(g, &t, position, value);
    }
    g->count = t.count;
    g->scored = g->candidate_count;
    for (Py_ssize_t r = 0; r < count_ranges; r++)
        memset(g->sums + ranges[2 * r], 0,
               (size_t)(ranges[2 * r + 1] - ranges[2 * r]) * sizeof(double));
    return 0;
}

/* The written-out entries of score at least `limit` moved first (order otherwise unspecified);
 * returns how many they are. */
static Py_ssize_t keep_first(Gather *g, double limit) {
    Py_ssize_t kept = 0;
    for (Py_ssize_t j = 0; j < g->count; j++) {
        if (!(g->out_scores[j] >= limit))
            continue;
        double score = g->out_scores[j];
        int64_t position = g->out_positions[j];
        g->out_scores[j] = g->out_scores[kept];
        g->out_positions[j] = g->out_positions[kept];
        g->out_scores[kept] = score;
        g->out_positions[kept] = position;
        kept++;
    }
    return kept;
}

static int gather_buffers_fit(Gather *g, Py_buffer *marks, Py_buffer *live, Py_buffer *candidates,
                              Py_buffer *multiplier, Py_buffer *positions, Py_buffer *scores) {
    if ((marks->buf && marks->len != g->slots) || (live->buf && live->len != g->slots) ||
        (multiplier->buf && (!candidates->buf || multiplier->len != candidates->len)) ||
        candidates->len % (Py_ssize_t)sizeof(int64_t) != 0) {
        PyErr_SetString(PyExc_ValueError, "arrays of different lengths");
        return -1;
    }
    if (marks->buf && candidates->buf) {
        PyErr_SetString(PyExc_ValueError, "marks are read only without candidates");
        return -1;
    }
    g->capacity = positions->len / (Py_ssize_t)sizeof(int64_t);
    if (scores->len / (Py_ssize_t)sizeof(double) < g->capacity)
        g->capacity = scores->len / (Py_ssize_t)sizeof(double);
    return 0;
}

/* The ranges' pairs ascending and inside the slots: how many positions they span, or -1. */
static Py_ssize_t ranges_span(const int64_t *pairs, Py_ssize_t count_ranges, Py_ssize_t slots) {
    Py_ssize_t spanned = 0;
    for (Py_ssize_t r = 0; r < count_ranges; r++) {
        if (pairs[2 * r] < 0 || pairs[2 * r + 1] > slots || pairs[2 * r] > pairs[2 * r + 1] ||
            (r > 0 && pairs[2 * r] < pairs[2 * r - 1])) {
            PyErr_SetString(PyExc_ValueError, "a range outside the sums, or out of order");
            return -1;
        }
        spanned += pairs[2 * r + 1] - pairs[2 * r];
    }
    return spanned;
}

/* gather_best(sums, marks, live, candidates, multiplier, ranges, take, margin, out_positions,
 * out_scores) -> (count, kept, floor, scored): read the scored entries of the ranges, zeroing
 * their slots of `sums` (and `marks`). Without candidates (None), the entries are the holders
 * of the ranges (marked, or of positive sum; the dead left out when `live` is given); with
 * them (int64), each candidate's sum times its multiplier (float64, one per candidate, or
 * None). `scored` entries are seen (holders dead or alive, or candidates); `count` are written
 * to the out arrays: every one while fewer than `take` (> 0) were written; from then on, the
 * floor of the `take` best written rises and an entry below it less `margin` is left out.
 * `floor` is that floor at the end (-inf when the `take` best never filled up: nothing left
 * out, every entry first), and the first `kept` written are those of score at least `floor -
 * margin`. */
static PyObject *gather_best(PyObject *self, PyObject *args) {
    PyObject *marks_obj, *live_obj, *candidates_obj, *multiplier_obj;
    Py_buffer sums, marks, live, candidates, multiplier, ranges, positions, scores;
    Py_ssize_t take, count_ranges;
    double margin;
    if (!PyArg_ParseTuple(args, "w*OOOOy*ndw*w*", &sums, &marks_obj, &live_obj, &candidates_obj,
                          &multiplier_obj, &ranges, &take, &margin, &positions, &scores))
        return NULL;
    PyObject *result = NULL;
    Gather g = {0};
    memset(&marks, 0, sizeof(marks));
    memset(&live, 0, sizeof(live));
    memset(&candidates, 0, sizeof(candidates));
    memset(&multiplier, 0, sizeof(multiplier));
    if (optional_buffer(marks_obj, &marks, PyBUF_WRITABLE) < 0 ||
        optional_buffer(live_obj, &live, PyBUF_SIMPLE) < 0 ||
        optional_buffer(candidates_obj, &candidates, PyBUF_SIMPLE) < 0 ||
        optional_buffer(multiplier_obj, &multiplier, PyBUF_SIMPLE) < 0)
        goto done;
    g.slots = sums.len / (Py_ssize_t)sizeof(double);
    if (gather_buffers_fit(&g, &marks, &live, &candidates, &multiplier, &positions, &scores) < 0 ||
        ranges_from(&ranges, &count_ranges) < 0)
        goto done;
    const int64_t *pairs = ranges.buf;
    Py_ssize_t spanned = ranges_span(pairs, count_ranges, g.slots);
    if (spanned < 0)
        goto done;
    g.candidate_count = candidates.len / (Py_ssize_t)sizeof(int64_t);
    if (take < 0 || (candidates.buf ? g.candidate_count : spanned) > g.capacity) {
        PyErr_SetString(PyExc_ValueError, take < 0 ? "a negative take"
                                                   : "more to gather than the out arrays hold");
        goto done;
    }
    g.sums = sums.buf;
    g.marks = marks.buf;
    g.live = live.buf;
    g.candidates = candidates.buf;
    g.multiplier = multiplier.buf;
    g.out_positions = positions.buf;
    g.out_scores = scores.buf;
    g.margin = margin;
    g.best.take = take;
    g.best.values = PyMem_Malloc((size_t)(take ? take : 1) * sizeof(double));
    if (g.best.values == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    int failed = 0;
    Py_ssize_t kept;
    double floor = -INFINITY;
    Py_BEGIN_ALLOW_THREADS
    if (candidates.buf)
        failed = gather_candidates(&g, pairs, count_ranges);
    else
        gather_holders(&g, pairs, count_ranges);
    kept = g.count;
    if (take > 0 && g.best.filled == take) { /* some may have been left out since */
        floor = g.best.values[0];
        kept = keep_first(&g, floor - margin);
    }
    Py_END_ALLOW_THREADS
    if (failed) {
        PyErr_SetString(PyExc_ValueError, PAST);
        goto done;
    }
    result = Py_BuildValue("nndn", g.count, kept, floor, g.scored);
done:
    PyMem_Free(g.best.values);
    PyBuffer_Release(&sums);
    PyBuffer_Release(&ranges);
    PyBuffer_Release(&positions);
    PyBuffer_Release(&scores);
    release_optional(&marks);
    release_optional(&live);
    release_optional(&candidates);
    release_optional(&multiplier);
    return result;
}

static PyMethodDef methods[] = {
    {"decode_saturations", decode_saturations, METH_VARARGS,
     "A term's positions and BM25 saturations."},
    {"presence_ranges", presence_ranges, METH_VARARGS,
     "Add a value (or count one) at every position holding one of several terms, in ranges."},
    {"score_ranges", score_ranges, METH_VARARGS,
     "Add the scaled BM25 saturations of several terms into per-position sums, in ranges."},
    {"add_where", add_where, METH_VARARGS, "Add a value where a mask is set."},
    {"gather_best", gather_best, METH_VARARGS,
     "Read and clear the scored positions' sums, the best few first."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_kernels", "Compiled inner loops of ranking.", -1, methods,
};

PyMODINIT_FUNC PyInit__kernels(void) { return PyModule_Create(&module); }
