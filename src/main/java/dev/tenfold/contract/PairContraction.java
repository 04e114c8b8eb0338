package dev.tenfold.contract;

import dev.tenfold.linalg.Gemm;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.Arrays;

/**
 * The executor behind {@link Einsum} and {@link Contraction}: one pairwise contraction of
 * labelled tensors by TTGT (transpose-transpose-GEMM-transpose). Index groups — batch (in both
 * inputs and kept), contracted (in both, summed), free of A, free of B — become the three
 * dimensions of a batched GEMM; {@link PairLayout} picks the arrangement that hands the
 * operands to GEMM as strided views (copying only when no arrangement allows a view).
 */
final class PairContraction {
    private PairContraction() { }

    /**
     * Reduces every label repeated in {@code labels} to the diagonal of its axes (a strided view
     * when the axes can be merged, else after one copy): {@code "iij"} becomes {@code "ji"}.
     */
    static Term diagonals(Tensor t, int[] labels, Scratch scratch) {
        int[] ls = labels;
        for (int l : labels) {
            int count = 0;
            for (int x : ls) if (x == l) count++;
            if (count < 2) continue;
            int[] rest = new int[ls.length - count];
            int[] rep = new int[count];
            for (int k = 0, p = 0, q = 0; k < ls.length; k++) {
                if (ls[k] == l) rep[q++] = k;
                else rest[p++] = k;
            }
            int n = t.dim(rep[0]);
            Tensor p = t.permute(Layouts.concat(rest, rep));
            int[] pd = p.dims();
            if (!Layouts.mergeable(pd, p.strides(), Layouts.range(rest.length, pd.length))) p = scratch.copyOf(p);
            long span = 1;
            for (int k = 0; k < count; k++) span *= n;
            if (span > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("einsum: diagonal of " + count + " axes of size " + n + " is too large");
            }
            int[] vd = Arrays.copyOf(pd, rest.length + 1);
            vd[rest.length] = (int) span;
            long step = n > 1 ? (span - 1) / (n - 1) : 1;
            t = p.view(vd).slice(rest.length, 0, (int) span, (int) step);
            int[] next = new int[rest.length + 1];
            for (int k = 0; k < rest.length; k++) next[k] = ls[rest[k]];
            next[rest.length] = l;
            ls = next;
        }
        return new Term(t, ls);
    }

    /** Sums {@code x} over the labels in {@code drop} (a GEMM with a vector of ones), into scratch. */
    static Term sumOut(Term x, long drop, Scratch scratch) {
        drop &= x.mask();
        if (drop == 0) return x;
        int[] keep = x.byStride(select(x.labels, ~drop));
        int[] gone = x.byStride(select(x.labels, drop));
        Tensor m = Layouts.asMatrix(x.t, x.axes(keep), x.axes(gone), scratch);
        Tensor ones = scratch.zeros(m.dim(1), 1).fill(1f);
        Tensor out = scratch.zeros(x.dimsOf(keep));
        Gemm.sgemm(1f, m, ones, 0f, out.view(m.dim(0), 1));
        return new Term(out, keep);
    }

    /** A single operand's result: sums the labels not in {@code out}, then lays it out as {@code out}. */
    static Tensor finish(Term x, int[] out, TensorScope target, Scratch scratch) {
        Term s = sumOut(x, x.mask() & ~EinsumSpec.mask(out), scratch);
        Tensor res = target.zeros(s.dimsOf(out));
        return res.copyFrom(s.permuted(out));
    }

    /**
     * Contracts a with b. Labels of one operand that are neither in the other nor in {@code keep}
     * are summed first. With {@code outOrder} the result is a new contiguous tensor of
     * {@code target} whose axes carry exactly {@code outOrder} (which must equal the kept labels);
     * with null the result's label order is chosen here and returned.
     */
    static Term contract(Term a, Term b, long keep, int[] outOrder, TensorScope target, Scratch scratch) {
        a = sumOut(a, a.mask() & ~b.mask() & ~keep, scratch);
        b = sumOut(b, b.mask() & ~a.mask() & ~keep, scratch);
        long shared = a.mask() & b.mask();
        int[] outDims = null;
        if (outOrder != null) {
            outDims = new int[outOrder.length];
            for (int q = 0; q < outOrder.length; q++) outDims[q] = a.has(outOrder[q]) ? a.dim(outOrder[q]) : b.dim(outOrder[q]);
        }
        Term out = outOrder == null ? null : new Term(target.zeros(outDims), outOrder);
        PairLayout l = PairLayout.choose(a, b, select(a.labels, shared & keep), select(a.labels, shared & ~keep),
                select(a.labels, ~shared), select(b.labels, ~shared), out);
        int[] cLabels = Layouts.concat(l.batch, l.m, l.n);
        Tensor a4 = l.a.permuted(Layouts.concat(l.batch, l.m, l.k));
        Tensor b4 = l.b.permuted(Layouts.concat(l.batch, l.k, l.n));
        if (l.copyA) a4 = scratch.copyOf(a4);
        if (l.copyB) b4 = scratch.copyOf(b4);
        Term result;
        Tensor c4;
        if (out == null) {
            int[] d = new int[cLabels.length];
            for (int q = 0; q < d.length; q++) d[q] = l.a.has(cLabels[q]) ? l.a.dim(cLabels[q]) : l.b.dim(cLabels[q]);
            result = new Term(target.zeros(d), cLabels);
            c4 = result.t;
        } else {
            result = out;
            c4 = l.stageC ? scratch.zeros(out.dimsOf(cLabels)) : out.permuted(cLabels);
        }
        long inner = 1;
        for (int q = l.loopLabels; q < l.batch.length; q++) inner *= c4.dim(q);
        loop(a4, b4, c4, l.loopLabels, matrixDim(inner, "batch"), matrixDim(l.a.size(l.m), "row"),
                matrixDim(l.b.size(l.n), "column"), matrixDim(l.a.size(l.k), "contracted"));
        if (l.stageC) out.t.copyFrom(new Term(c4, cLabels).permuted(outOrder));
        return result;
    }

    private static int matrixDim(long size, String what) {
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("contraction: the " + what + " indices span " + size
                    + " elements, more than one GEMM dimension can hold");
        }
        return (int) size;
    }

    /** Runs the GEMMs, iterating the first {@code loops} (batch) axes of the three operands. */
    private static void loop(Tensor a, Tensor b, Tensor c, int loops, int batch, int m, int n, int k) {
        if (loops == 0) {
            gemm(a.view(batch, m, k), b.view(batch, k, n), c.view(batch, m, n));
            return;
        }
        for (int i = 0; i < c.dim(0); i++) {
            loop(a.select(0, i), b.select(0, i), c.select(0, i), loops - 1, batch, m, n, k);
        }
    }

    /** One (batched) GEMM; computes Cᵀ = Bᵀ·Aᵀ instead when that makes C's rows contiguous. */
    private static void gemm(Tensor a3, Tensor b3, Tensor c3) {
        long[] cs = c3.strides();
        if (c3.dim(1) > 1 && c3.dim(2) > 1 && cs[2] != 1 && cs[1] == 1) {
            Tensor t = a3.transpose(1, 2);
            a3 = b3.transpose(1, 2);
            b3 = t;
            c3 = c3.transpose(1, 2);
        }
        if (c3.dim(0) == 1) {
            Gemm.sgemm(1f, a3.select(0, 0), b3.select(0, 0), 0f, c3.select(0, 0));
        } else {
            Gemm.sgemmBatched(1f, a3, b3, 0f, c3);
        }
    }

    /** Labels of {@code labels} whose bit is in {@code mask}, in the same order. */
    static int[] select(int[] labels, long mask) {
        int n = 0;
        int[] out = new int[labels.length];
        for (int l : labels) if ((mask & (1L << l)) != 0) out[n++] = l;
        return Arrays.copyOf(out, n);
    }
}
