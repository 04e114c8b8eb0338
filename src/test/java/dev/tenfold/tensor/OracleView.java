package dev.tenfold.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.function.UnaryOperator;

/**
 * Test oracle for views, by plain index arithmetic and independent of strides: a view is its
 * dims plus, for every element in row-major order, the row-major (flat) index of the element of
 * the base tensor it reads. Each operation mirrors one {@link Tensor} view method.
 */
final class OracleView {
    final int[] dims;
    final int[] map;

    OracleView(int[] dims, int[] map) {
        assertEquals(TensorOracles.size(dims), map.length, () -> "OracleView: " + map.length + " elements for dims " + Arrays.toString(dims));
        this.dims = dims.clone();
        this.map = map;
    }

    /** The base itself: element k reads base element k. */
    static OracleView identity(int[] dims) {
        int[] map = new int[Math.toIntExact(TensorOracles.size(dims))];
        for (int i = 0; i < map.length; i++) map[i] = i;
        return new OracleView(dims, map);
    }

    int size() { return map.length; }

    int rank() { return dims.length; }

    /** Builds a view of new dims whose element at index {@code idx} is this view's element {@code source(idx)}. */
    private OracleView remap(int[] newDims, UnaryOperator<int[]> source) {
        int[] m = new int[Math.toIntExact(TensorOracles.size(newDims))];
        int[] k = {0};
        TensorOracles.forEachIndex(newDims, idx -> m[k[0]++] = map[TensorOracles.ravel(source.apply(idx), dims)]);
        return new OracleView(newDims, m);
    }

    /** Result axis i is this view's axis perm[i] (perm already normalized to 0..rank-1). */
    OracleView permute(int[] perm) {
        int[] sorted = perm.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) assertEquals(i, sorted[i], () -> "OracleView.permute " + Arrays.toString(perm) + " of " + this);
        assertEquals(dims.length, perm.length, () -> "OracleView.permute " + Arrays.toString(perm) + " of " + this);
        int[] nd = new int[perm.length];
        for (int i = 0; i < perm.length; i++) nd[i] = dims[perm[i]];
        return remap(nd, idx -> {
            int[] old = new int[dims.length];
            for (int i = 0; i < perm.length; i++) old[perm[i]] = idx[i];
            return old;
        });
    }

    OracleView slice(int axis, int start, int stop, int step) {
        assertTrue(axis >= 0 && axis < dims.length && step >= 1 && start >= 0 && start <= stop && stop <= dims[axis],
                () -> "OracleView.slice(" + axis + ", " + start + ", " + stop + ", " + step + ") of " + this);
        int[] nd = dims.clone();
        int count = 0;
        for (int i = start; i < stop; i += step) count++;
        nd[axis] = count;
        return remap(nd, idx -> {
            int[] old = idx.clone();
            old[axis] = start + idx[axis] * step;
            return old;
        });
    }

    /** The sub-view at {@code index} along {@code axis}, which is removed. */
    OracleView select(int axis, int index) {
        assertTrue(axis >= 0 && axis < dims.length && index >= 0 && index < dims[axis],
                () -> "OracleView.select(" + axis + ", " + index + ") of " + this);
        int[] nd = new int[dims.length - 1];
        for (int i = 0, j = 0; i < dims.length; i++) if (i != axis) nd[j++] = dims[i];
        return remap(nd, idx -> {
            int[] old = new int[dims.length];
            for (int i = 0, j = 0; i < dims.length; i++) old[i] = i == axis ? index : idx[j++];
            return old;
        });
    }

    /** Numpy broadcast_to: missing leading dims and size-1 dims repeat. */
    OracleView broadcastTo(int[] target) {
        int lead = target.length - dims.length;
        assertTrue(lead >= 0, () -> "OracleView.broadcastTo " + Arrays.toString(target) + " has fewer dims than " + this);
        for (int i = 0; i < dims.length; i++) {
            int d = dims[i], t = target[i + lead];
            assertTrue(d == 1 || d == t, () -> "OracleView.broadcastTo " + Arrays.toString(target) + " from " + this);
        }
        return remap(target, idx -> {
            int[] old = new int[dims.length];
            for (int i = 0; i < dims.length; i++) old[i] = dims[i] == 1 ? 0 : idx[i + lead];
            return old;
        });
    }

    /** Same elements in row-major order, new dims (also covers squeeze/unsqueeze/flatten). */
    OracleView reshape(int[] target) {
        assertEquals(map.length, TensorOracles.size(target), () -> "OracleView.reshape to " + Arrays.toString(target) + " of " + this);
        return new OracleView(target, map);
    }

    /** True when no two elements read the same base element (so the view may be written). */
    boolean injective() {
        int[] s = map.clone();
        Arrays.sort(s);
        for (int i = 1; i < s.length; i++) if (s[i] == s[i - 1]) return false;
        return true;
    }

    /**
     * True when base offsets are an affine function of the index (offset = o + Σ idx_i·s_i), i.e.
     * some strides describe this view, so a zero-copy {@code view(dims)} must exist.
     */
    boolean affine() {
        int r = dims.length;
        long[] s = new long[r];
        for (int i = 0; i < r; i++) {
            if (dims[i] == 1) continue;
            int[] e = new int[r];
            e[i] = 1;
            s[i] = (long) map[TensorOracles.ravel(e, dims)] - map[0];
        }
        boolean[] ok = {true};
        TensorOracles.forEachIndex(dims, idx -> {
            long o = map[0];
            for (int i = 0; i < r; i++) o += idx[i] * s[i];
            if (o != map[TensorOracles.ravel(idx, dims)]) ok[0] = false;
        });
        return ok[0];
    }

    @Override
    public String toString() {
        return "OracleView" + Arrays.toString(dims);
    }
}
