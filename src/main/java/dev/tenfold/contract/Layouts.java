package dev.tenfold.contract;

import dev.tenfold.tensor.Tensor;
import java.util.Arrays;

/**
 * Stride arithmetic that lets contractions hand strided views straight to GEMM: a group of axes
 * can act as one matrix dimension when, in the chosen order, each axis's stride equals the next
 * axis's stride times its size (size-1 axes never matter).
 */
final class Layouts {
    private Layouts() { }

    /** True when {@code axes} (in this order) of a tensor with {@code dims}/{@code strides} merge into one. */
    static boolean mergeable(int[] dims, long[] strides, int[] axes) {
        int prev = -1;
        for (int ax : axes) {
            if (dims[ax] == 1) continue;
            if (prev >= 0 && strides[prev] != strides[ax] * dims[ax]) return false;
            prev = ax;
        }
        return true;
    }

    /** {@code axes} sorted by decreasing stride (stable): the only order in which they can merge. */
    static int[] byStride(long[] strides, int[] axes) {
        Integer[] boxed = new Integer[axes.length];
        for (int i = 0; i < axes.length; i++) boxed[i] = axes[i];
        Arrays.sort(boxed, (x, y) -> Long.compare(strides[y], strides[x]));
        int[] out = new int[axes.length];
        for (int i = 0; i < out.length; i++) out[i] = boxed[i];
        return out;
    }

    /** Product of {@code dims[axes[i]]} as an int matrix dimension. */
    static int product(int[] dims, int[] axes) {
        long p = 1;
        for (int ax : axes) p *= dims[ax];
        if (p > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("axes " + Arrays.toString(axes) + " of dims " + Arrays.toString(dims)
                    + " span " + p + " elements, more than one matrix dimension can hold");
        }
        return (int) p;
    }

    static int[] concat(int[]... parts) {
        int n = 0;
        for (int[] p : parts) n += p.length;
        int[] out = new int[n];
        int at = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    /**
     * {@code t} seen as a 3-D tensor (∏g0, ∏g1, ∏g2) whose axes are the groups in the given
     * orders; a strided view when every group merges, otherwise one contiguous copy in scratch.
     * The groups must partition t's axes.
     */
    static Tensor asRank3(Tensor t, int[] g0, int[] g1, int[] g2, Scratch scratch) {
        int[] dims = t.dims();
        long[] st = t.strides();
        int d0 = product(dims, g0), d1 = product(dims, g1), d2 = product(dims, g2);
        Tensor p = t.permute(concat(g0, g1, g2));
        if (mergeable(dims, st, g0) && mergeable(dims, st, g1) && mergeable(dims, st, g2)) {
            return p.view(d0, d1, d2);
        }
        return scratch.copyOf(p).view(d0, d1, d2);
    }

    /** Like {@link #asRank3} with two groups. */
    static Tensor asMatrix(Tensor t, int[] g0, int[] g1, Scratch scratch) {
        return asRank3(t, new int[0], g0, g1, scratch).select(0, 0);
    }

    static int[] range(int from, int to) {
        int[] r = new int[Math.max(0, to - from)];
        for (int i = 0; i < r.length; i++) r[i] = from + i;
        return r;
    }
}
