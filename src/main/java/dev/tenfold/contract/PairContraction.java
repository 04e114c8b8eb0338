package dev.tenfold.contract;

import dev.tenfold.linalg.Gemm;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The executor behind {@link Einsum} and {@link Contraction}: one pairwise contraction of
 * labelled tensors by TTGT (transpose-transpose-GEMM-transpose). Labels are small ints (bit
 * positions of {@code long} masks). Index groups — batch (in both inputs and kept), contracted
 * (in both, summed), free of A, free of B — become the three dimensions of a batched GEMM.
 * The order of the labels inside each group is free, so it is chosen (from the operands' and
 * the output's strides) to let every operand be a strided view; an operand that still cannot
 * be viewed gets exactly one contiguous copy, and so does the output.
 */
final class PairContraction {
    private PairContraction() { }

    /** A tensor whose axis k carries label {@code labels[k]} (labels distinct). */
    record Term(Tensor t, int[] labels) {
        long mask() {
            return EinsumSpec.mask(labels);
        }

        int axis(int label) {
            for (int k = 0; k < labels.length; k++) if (labels[k] == label) return k;
            throw new IllegalStateException("label " + label + " not in " + Arrays.toString(labels));
        }

        int[] axes(int[] ls) {
            int[] out = new int[ls.length];
            for (int k = 0; k < ls.length; k++) out[k] = axis(ls[k]);
            return out;
        }

        boolean mergeable(int[] ls) {
            return Layouts.mergeable(t.dims(), t.strides(), axes(ls));
        }

        /** {@code ls} ordered by decreasing stride in this tensor. */
        int[] byStride(int[] ls) {
            int[] ax = Layouts.byStride(t.strides(), axes(ls));
            int[] out = new int[ax.length];
            for (int k = 0; k < ax.length; k++) out[k] = labels[ax[k]];
            return out;
        }
    }

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
            if (span > Integer.MAX_VALUE) throw new IllegalArgumentException("einsum: diagonal of " + count + " axes of size " + n + " is too large");
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
        Tensor out = scratch.zeros(dimsOf(x, keep));
        Gemm.sgemm(1f, m, ones, 0f, out.view(m.dim(0), 1));
        return new Term(out, keep);
    }

    /** A single operand's result: sums the labels not in {@code out}, then lays it out as {@code out}. */
    static Tensor finish(Term x, int[] out, TensorScope target, Scratch scratch) {
        Term s = sumOut(x, x.mask() & ~EinsumSpec.mask(out), scratch);
        Tensor res = target.zeros(dimsOf(s, out));
        return res.copyFrom(s.t.permute(s.axes(out)));
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
        int[] batch = select(a.labels, shared & keep);
        int[] contr = select(a.labels, shared & ~keep);
        int[] freeA = select(a.labels, ~shared);
        int[] freeB = select(b.labels, ~shared);
        Term out = null;
        if (outOrder != null) {
            Tensor res = target.zeros(dimsOf(a, b, outOrder));
            out = new Term(res, outOrder);
        }
        // Pick the order inside each group that avoids the most copying.
        double best = Double.POSITIVE_INFINITY;
        int[][] choice = null;
        double sa = a.t.size(), sb = b.t.size(), sc = out == null ? 0 : out.t.size();
        for (int[] bo : candidates(batch, a, b, out)) {
            for (int[] co : candidates(contr, a, b, null)) {
                for (int[] fa : candidates(freeA, a, null, out)) {
                    for (int[] fb : candidates(freeB, b, null, out)) {
                        double cost = (a.mergeable(bo) && a.mergeable(fa) && a.mergeable(co) ? 0 : sa)
                                + (b.mergeable(bo) && b.mergeable(co) && b.mergeable(fb) ? 0 : sb)
                                + (out == null || (out.mergeable(bo) && out.mergeable(fa) && out.mergeable(fb)) ? 0 : sc);
                        if (cost < best) {
                            best = cost;
                            choice = new int[][] {bo, co, fa, fb};
                        }
                    }
                }
            }
        }
        int[] bo = choice[0], co = choice[1], fa = choice[2], fb = choice[3];
        Tensor a3 = Layouts.asRank3(a.t, a.axes(bo), a.axes(fa), a.axes(co), scratch);
        Tensor b3 = Layouts.asRank3(b.t, b.axes(bo), b.axes(co), b.axes(fb), scratch);
        int bt = a3.dim(0), m = a3.dim(1), n = b3.dim(2);
        int[] resLabels = Layouts.concat(bo, fa, fb);
        Tensor c3;
        Tensor staging = null;
        Term result;
        if (out == null) {
            Tensor res = target.zeros(dimsOf(a, b, resLabels));
            c3 = res.view(bt, m, n);
            result = new Term(res, resLabels);
        } else {
            if (out.mergeable(bo) && out.mergeable(fa) && out.mergeable(fb)) {
                c3 = out.t.permute(out.axes(resLabels)).view(bt, m, n);
            } else {
                staging = scratch.zeros(bt, m, n);
                c3 = staging;
            }
            result = out;
        }
        if (bt == 1) {
            Gemm.sgemm(1f, a3.select(0, 0), b3.select(0, 0), 0f, c3.select(0, 0));
        } else {
            Gemm.sgemmBatched(1f, a3, b3, 0f, c3);
        }
        if (staging != null) {
            Term st = new Term(staging.view(dimsOf(a, b, resLabels)), resLabels);
            out.t.copyFrom(st.t.permute(st.axes(outOrder)));
        }
        return result;
    }

    /** Orders worth trying for one group: by a's strides, by b's strides, by position in out. */
    private static List<int[]> candidates(int[] group, Term a, Term b, Term out) {
        List<int[]> c = new ArrayList<>();
        add(c, a.byStride(group));
        if (b != null) add(c, b.byStride(group));
        if (out != null) add(c, out.byStride(group));
        return c;
    }

    private static void add(List<int[]> list, int[] order) {
        for (int[] o : list) if (Arrays.equals(o, order)) return;
        list.add(order);
    }

    /** Labels of {@code labels} whose bit is in {@code mask}, in the same order. */
    static int[] select(int[] labels, long mask) {
        int n = 0;
        int[] out = new int[labels.length];
        for (int l : labels) if ((mask & (1L << l)) != 0) out[n++] = l;
        return Arrays.copyOf(out, n);
    }

    private static int[] dimsOf(Term x, int[] ls) {
        int[] d = new int[ls.length];
        for (int k = 0; k < ls.length; k++) d[k] = x.t.dim(x.axis(ls[k]));
        return d;
    }

    private static int[] dimsOf(Term a, Term b, int[] ls) {
        int[] d = new int[ls.length];
        long ma = a.mask();
        for (int k = 0; k < ls.length; k++) {
            Term src = (ma & (1L << ls[k])) != 0 ? a : b;
            d[k] = src.t.dim(src.axis(ls[k]));
        }
        return d;
    }
}
