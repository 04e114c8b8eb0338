package dev.tenfold.contract;

import dev.tenfold.tensor.Tensor;
import java.util.Arrays;

/**
 * A tensor whose axis k carries label {@code labels[k]} (distinct small ints, bit positions of
 * {@code long} masks), with its dims and strides cached for the layout search.
 */
final class Term {
    final Tensor t;
    final int[] labels;
    final int[] dims;
    final long[] strides;

    Term(Tensor t, int[] labels) {
        this.t = t;
        this.labels = labels;
        this.dims = t.dims();
        this.strides = t.strides();
    }

    long mask() {
        return EinsumSpec.mask(labels);
    }

    boolean has(int label) {
        return (mask() & (1L << label)) != 0;
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

    int dim(int label) {
        return dims[axis(label)];
    }

    int[] dimsOf(int[] ls) {
        int[] d = new int[ls.length];
        for (int k = 0; k < ls.length; k++) d[k] = dim(ls[k]);
        return d;
    }

    long size(int[] ls) {
        long s = 1;
        for (int l : ls) s *= dim(l);
        return s;
    }

    /** True when the axes of {@code ls}, in this order, merge into one strided dimension. */
    boolean mergeable(int[] ls) {
        int prev = -1;
        for (int l : ls) {
            int ax = axis(l);
            if (dims[ax] == 1) continue;
            if (prev >= 0 && strides[prev] != strides[ax] * dims[ax]) return false;
            prev = ax;
        }
        return true;
    }

    /** {@code ls} ordered by decreasing stride in this tensor (the only order that can merge). */
    int[] byStride(int[] ls) {
        int[] ax = Layouts.byStride(strides, axes(ls));
        int[] out = new int[ax.length];
        for (int k = 0; k < ax.length; k++) out[k] = labels[ax[k]];
        return out;
    }

    /** The tensor with its axes in label order {@code ls} (a view). */
    Tensor permuted(int[] ls) {
        return t.permute(axes(ls));
    }

    /** This term with extra leading stride-0 axes for {@code extra} labels of the given sizes (a view). */
    Term broadcastOver(int[] extra, int[] sizes) {
        if (extra.length == 0) return this;
        Tensor x = t;
        for (int k = 0; k < extra.length; k++) x = x.unsqueeze(0);
        int[] d = new int[extra.length + dims.length];
        System.arraycopy(sizes, 0, d, 0, extra.length);
        System.arraycopy(dims, 0, d, extra.length, dims.length);
        return new Term(x.broadcastTo(d), Layouts.concat(extra, labels));
    }
}
