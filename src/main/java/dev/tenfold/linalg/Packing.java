package dev.tenfold.linalg;

import static dev.tenfold.linalg.MicroKernels.F;
import static dev.tenfold.linalg.MicroKernels.KA;
import static dev.tenfold.linalg.MicroKernels.L;
import static dev.tenfold.linalg.MicroKernels.MR;
import static dev.tenfold.linalg.MicroKernels.NR;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Packing of GEMM operands (any strides) into the heap panel layouts of {@link MicroKernels},
 * and the write-back of finished tiles into C. Packing pads missing rows/columns with zeros, so
 * edge tiles run the full kernel; the write-back stores only the valid part.
 *
 * <p>Fast paths: A rows contiguous along k are bulk-copied; B rows contiguous along n move one
 * or two (masked) vectors per k step. Transposed operands (A contiguous along m, B along k) are
 * copied with vector loads or bulk copies into heap scratch and transposed there (about 10% of
 * the run time at n = 1024, versus the straight layouts). Other strides read element by element.
 * Vector loads from the (shared-arena) segments sit in small leaf methods and loops, so C2
 * inlines and intrinsifies them (see DESIGN.md §7 on the shared-arena pitfall).
 */
final class Packing {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private Packing() { }

    /** Floats of scratch that {@link #packA} and {@link #packB} need for a k block of {@code kc}. */
    static int scratchFloats(int kc) {
        return Math.max(kc * roundUp(MR, L), kc * NR) + L;
    }

    static int roundUp(int x, int to) {
        return (x + to - 1) / to * to;
    }

    /**
     * Packs A rows {@code [r0, r0+MR)} (rows at or past {@code rows} become zeros), k range
     * {@code [p0, p0+kc)}, into {@code dst[d + r·KA + p]}. {@code tmp} is scratch of
     * {@link #scratchFloats} floats.
     */
    static void packA(GemmOperand a, int rows, int r0, int p0, int kc, float[] dst, int d, float[] tmp) {
        MemorySegment s = a.seg();
        int valid = Math.max(0, Math.min(MR, rows - r0));
        if (a.colStride() == 1) {
            for (int r = 0; r < valid; r++) {
                MemorySegment.copy(s, F32, a.index(r0 + r, p0) << 2, dst, d + r * KA, kc);
            }
        } else if (a.rowStride() == 1) {
            // Columns of the panel are contiguous: copy each (vector loads), then transpose on the heap.
            int w = roundUp(MR, L);
            if (MR <= L) {
                // Whole vectors while they stay inside the segment (lanes past `valid` are never read).
                VectorMask<Float> rowsMask = F.indexInRange(0, valid);
                long src = a.index(r0, p0) << 2, csBytes = a.colStride() << 2;
                long lastWhole = s.byteSize() - 4L * L;
                for (int p = 0; p < kc; p++) {
                    long o = src + p * csBytes;
                    FloatVector v = o <= lastWhole ? FloatVector.fromMemorySegment(F, s, o, LE)
                            : FloatVector.fromMemorySegment(F, s, o, LE, rowsMask);
                    v.intoArray(tmp, p * w);
                }
            } else {
                for (int p = 0; p < kc; p++) copyRun(s, a.index(r0, p0 + p), valid, tmp, p * w);
            }
            for (int r = 0; r < valid; r++) {
                int o = d + r * KA;
                for (int p = 0; p < kc; p++) dst[o + p] = tmp[p * w + r];
            }
        } else {
            long cs = a.colStride();
            for (int r = 0; r < valid; r++) {
                long src = a.index(r0 + r, p0);
                int o = d + r * KA;
                for (int p = 0; p < kc; p++) dst[o + p] = s.getAtIndex(F32, src + p * cs);
            }
        }
        // A panel with at most 6 valid rows runs the 6-row kernel, which never reads rows 6…11.
        int padTo = MR == 12 && valid <= 6 ? 6 : MR;
        for (int r = valid; r < padTo; r++) Arrays.fill(dst, d + r * KA, d + r * KA + kc, 0f);
    }

    /**
     * Packs B columns {@code [j0, j0+NR)} (columns at or past {@code cols} become zeros), k range
     * {@code [p0, p0+kc)}, into {@code dst[d + NR·p + j]}; a panel of at most L valid columns is
     * packed narrow, {@code dst[d + L·p + j]}, for {@link MicroKernels#narrowTile}. {@code tmp} is
     * scratch of {@link #scratchFloats} floats.
     */
    static void packB(GemmOperand b, int cols, int j0, int p0, int kc, float[] dst, int d, float[] tmp) {
        MemorySegment s = b.seg();
        int valid = Math.max(0, Math.min(NR, cols - j0));
        if (valid <= L) {
            packNarrowB(b, valid, j0, p0, kc, dst, d);
            return;
        }
        if (b.colStride() == 1) {
            if (valid == NR) {
                copyRows(s, b.index(p0, j0), b.rowStride(), kc, dst, d);
            } else {
                // L < valid < NR: one whole vector and one masked vector per k step.
                VectorMask<Float> second = F.indexInRange(L, valid);
                long src = b.index(p0, j0) << 2, rsBytes = b.rowStride() << 2;
                long lastWhole = s.byteSize() - 4L * L;
                for (int p = 0; p < kc; p++) {
                    long o = src + p * rsBytes;
                    FloatVector.fromMemorySegment(F, s, o, LE).intoArray(dst, d + p * NR);
                    loadPartial(s, o + 4L * L, second, lastWhole).intoArray(dst, d + p * NR + L);
                }
            }
            return;
        }
        if (valid < NR) {
            for (int p = 0; p < kc; p++) Arrays.fill(dst, d + p * NR + valid, d + (p + 1) * NR, 0f);
        }
        if (b.rowStride() == 1) {
            // Columns are contiguous along k: bulk-copy each, then transpose on the heap.
            for (int j = 0; j < valid; j++) MemorySegment.copy(s, F32, b.index(p0, j0 + j) << 2, tmp, j * kc, kc);
            for (int p = 0; p < kc; p++) {
                int o = d + p * NR;
                for (int j = 0; j < valid; j++) dst[o + j] = tmp[j * kc + p];
            }
        } else {
            long cs = b.colStride();
            for (int p = 0; p < kc; p++) {
                long src = b.index(p0 + p, j0);
                int o = d + p * NR;
                for (int j = 0; j < valid; j++) dst[o + j] = s.getAtIndex(F32, src + j * cs);
            }
        }
    }

    /** Narrow panel (valid ≤ L columns): {@code dst[d + L·p + j]}, zeros past {@code valid}. */
    private static void packNarrowB(GemmOperand b, int valid, int j0, int p0, int kc, float[] dst, int d) {
        MemorySegment s = b.seg();
        if (b.colStride() == 1) {
            long src = b.index(p0, j0) << 2, rsBytes = b.rowStride() << 2;
            if (valid == L) {
                for (int p = 0; p < kc; p++) FloatVector.fromMemorySegment(F, s, src + p * rsBytes, LE).intoArray(dst, d + p * L);
            } else {
                VectorMask<Float> cols = F.indexInRange(0, valid);
                long lastWhole = s.byteSize() - 4L * L;
                for (int p = 0; p < kc; p++) loadPartial(s, src + p * rsBytes, cols, lastWhole).intoArray(dst, d + p * L);
            }
            return;
        }
        long cs = b.colStride();
        for (int p = 0; p < kc; p++) {
            long src = b.index(p0 + p, j0);
            int o = d + p * L;
            for (int j = 0; j < valid; j++) dst[o + j] = s.getAtIndex(F32, src + j * cs);
            Arrays.fill(dst, o + valid, o + L, 0f);
        }
    }

    /** kc rows of NR contiguous floats (row pitch {@code rs} floats) from a segment, two vectors per row. */
    private static void copyRows(MemorySegment s, long src, long rs, int kc, float[] dst, int d) {
        for (int p = 0; p < kc; p++) {
            long byteOff = (src + p * rs) << 2;
            FloatVector.fromMemorySegment(F, s, byteOff, LE).intoArray(dst, d);
            FloatVector.fromMemorySegment(F, s, byteOff + 4L * L, LE).intoArray(dst, d + L);
            d += NR;
        }
    }

    /**
     * The vector at byte offset {@code o} with the lanes outside {@code m} set to zero. Loads a
     * whole vector and blends while it stays inside the segment ({@code o ≤ lastWhole}): masked
     * loads from segments are several times slower; only the segment's tail takes them.
     */
    static FloatVector loadPartial(MemorySegment s, long o, VectorMask<Float> m, long lastWhole) {
        return o <= lastWhole ? FloatVector.zero(F).blend(FloatVector.fromMemorySegment(F, s, o, LE), m)
                : FloatVector.fromMemorySegment(F, s, o, LE, m);
    }

    /**
     * {@code len} contiguous floats from float index {@code src} into {@code dst[d …]}, whole
     * vectors (the last one masked); writes up to the next multiple of L, zeros past {@code len}.
     */
    private static void copyRun(MemorySegment s, long src, int len, float[] dst, int d) {
        long byteOff = src << 2;
        int o = 0;
        for (; o + L <= len; o += L) FloatVector.fromMemorySegment(F, s, byteOff + 4L * o, LE).intoArray(dst, d + o);
        if (o < len) {
            loadPartial(s, byteOff + 4L * o, F.indexInRange(o, len), s.byteSize() - 4L * L).intoArray(dst, d + o);
        }
    }

    /**
     * Writes tile {@code t[r·NR + j]} (r < rows, j < cols) to C at (i0, j0):
     * {@code C = alpha·t + beta·C}, never reading C when beta == 0.
     */
    static void storeTile(float[] t, int rows, int cols, float alpha, float beta, GemmOperand c, int i0, int j0) {
        MemorySegment s = c.seg();
        if (cols == NR && c.colStride() == 1) {
            for (int r = 0; r < rows; r++) {
                long byteOff = c.index(i0 + r, j0) << 2;
                storeRow(t, r * NR, alpha, beta, s, byteOff);
                storeRow(t, r * NR + L, alpha, beta, s, byteOff + 4L * L);
            }
            return;
        }
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                long ci = c.index(i0 + r, j0 + j);
                float v = t[r * NR + j];
                if (alpha != 1f) v = alpha * v;
                if (beta != 0f) v = v + beta * s.getAtIndex(F32, ci);
                s.setAtIndex(F32, ci, v);
            }
        }
    }

    private static void storeRow(float[] t, int ti, float alpha, float beta, MemorySegment s, long byteOff) {
        FloatVector v = FloatVector.fromArray(F, t, ti);
        if (alpha != 1f) v = v.mul(alpha);
        if (beta != 0f) v = v.add(FloatVector.fromMemorySegment(F, s, byteOff, LE).mul(beta));
        v.intoMemorySegment(s, byteOff, LE);
    }
}
