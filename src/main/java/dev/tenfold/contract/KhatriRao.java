package dev.tenfold.contract;

import dev.tenfold.simd.BinaryOp;
import dev.tenfold.simd.FloatKernels;
import dev.tenfold.simd.Kernels;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * Khatri-Rao (column-wise Kronecker) product of matrices U_0 … U_{M-1}, each (I_m × R): the
 * result is (∏ I_m × R) with row index = row-major multi-index (i_0, …, i_{M-1}), the FIRST
 * matrix varying slowest (see the package documentation for why).
 * {@code KR[(i_0, …, i_{M-1}), r] = Π_m U_m[i_m, r]}.
 *
 * <p>Rows are formed with SIMD element-wise products of whole factor rows; the full product is
 * built in place in the result, one factor at a time, so no scratch memory is needed.
 */
public final class KhatriRao {
    private KhatriRao() { }

    /** The Khatri-Rao product of {@code mats} (at least one), in the scope of the first matrix. */
    public static Tensor of(List<Tensor> mats) {
        return of(mats, -1);
    }

    /**
     * The Khatri-Rao product of all matrices except the one at {@code skip} ({@code -1}: none),
     * in increasing index order; the entry at {@code skip} is ignored and may be null.
     * With every matrix skipped (a single-entry list) the result is a (1 × R) row of ones — the
     * neutral element — which requires R to be known, so at least one matrix must remain.
     *
     * @throws IllegalArgumentException when a matrix is not 2-D or the column counts differ
     */
    public static Tensor of(List<Tensor> mats, int skip) {
        List<Tensor> used = select(mats, skip, "KhatriRao.of");
        if (used.isEmpty()) {
            throw new IllegalArgumentException("KhatriRao.of: needs at least one matrix besides skip=" + skip);
        }
        return build(used, used.get(0).scope());
    }

    /** The matrices other than {@code skip}, validated to be 2-D with a common column count. */
    static List<Tensor> select(List<Tensor> mats, int skip, String what) {
        if (mats == null) throw new IllegalArgumentException(what + ": matrices must not be null");
        List<Tensor> used = new ArrayList<>();
        int r = -1;
        for (int m = 0; m < mats.size(); m++) {
            if (m == skip) continue;
            Tensor u = mats.get(m);
            if (u == null) throw new IllegalArgumentException(what + ": matrix " + m + " must not be null");
            if (u.rank() != 2) {
                throw new IllegalArgumentException(what + ": matrix " + m + " must be 2-D (I_m × R), got shape " + u.shape());
            }
            if (r >= 0 && u.dim(1) != r) {
                throw new IllegalArgumentException(what + ": matrix " + m + " of shape " + u.shape() + " has " + u.dim(1)
                        + " columns but the earlier matrices have " + r);
            }
            r = u.dim(1);
            used.add(u);
        }
        return used;
    }

    /** Full product of {@code mats} (non-empty, validated) as a new tensor in {@code target}. */
    static Tensor build(List<Tensor> mats, TensorScope target) {
        try (Scratch scratch = new Scratch()) {
            return build(mats, target, scratch);
        }
    }

    private static Tensor build(List<Tensor> mats, TensorScope target, Scratch scratch) {
        int r = mats.get(0).dim(1);
        long rows = 1;
        for (Tensor u : mats) rows *= u.dim(0);
        if (rows > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("KhatriRao: product has " + rows + " rows, more than a tensor dimension holds");
        }
        Tensor out = target.zeros((int) rows, r);
        out.narrow(0, 0, mats.get(0).dim(0)).copyFrom(mats.get(0));
        FloatKernels k = Kernels.get();
        MemorySegment o = out.segment();
        long base = out.offset();
        long have = mats.get(0).dim(0);
        for (int m = 1; m < mats.size(); m++) {
            Tensor u = mats.get(m).isContiguous() ? mats.get(m) : scratch.copyOf(mats.get(m));
            MemorySegment us = u.segment();
            long uo = u.offset();
            int im = u.dim(0);
            // Expand in place from the back: row p*im+i = row p ⊙ U[i]; row p is read only after
            // every row above it was written, and row p*im (i = 0) last.
            for (long p = have - 1; p >= 0; p--) {
                for (int i = im - 1; i >= 0; i--) {
                    k.binary(BinaryOp.MUL, o, base + p * r, us, uo + (long) i * r, o, base + (p * im + i) * r, r);
                }
            }
            have *= im;
        }
        return out;
    }

    /**
     * Rows {@code [from, from + count)} of the product of {@code mats} (contiguous, validated),
     * written into {@code dst} (count × R, contiguous). Used to stream a product too large to hold.
     */
    static void rows(List<Tensor> mats, long from, int count, Tensor dst) {
        int m = mats.size();
        int r = dst.dim(1);
        int[] radix = new int[m];
        for (int q = 0; q < m; q++) radix[q] = mats.get(q).dim(0);
        int[] idx = new int[m];
        long rem = from;
        for (int q = m - 1; q >= 0; q--) {
            idx[q] = (int) (rem % radix[q]);
            rem /= radix[q];
        }
        FloatKernels k = Kernels.get();
        MemorySegment d = dst.segment();
        MemorySegment[] seg = new MemorySegment[m];
        long[] off = new long[m];
        for (int q = 0; q < m; q++) {
            seg[q] = mats.get(q).segment();
            off[q] = mats.get(q).offset();
        }
        for (int c = 0; c < count; c++) {
            long row = dst.offset() + (long) c * r;
            if (m == 1) {
                k.copy(seg[0], off[0] + (long) idx[0] * r, d, row, r);
            } else {
                k.binary(BinaryOp.MUL, seg[0], off[0] + (long) idx[0] * r, seg[1], off[1] + (long) idx[1] * r, d, row, r);
                for (int q = 2; q < m; q++) {
                    k.binary(BinaryOp.MUL, d, row, seg[q], off[q] + (long) idx[q] * r, d, row, r);
                }
            }
            for (int q = m - 1; q >= 0; q--) { // next multi-index, last fastest
                if (++idx[q] < radix[q]) break;
                idx[q] = 0;
            }
        }
    }
}
