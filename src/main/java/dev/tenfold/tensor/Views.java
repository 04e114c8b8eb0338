package dev.tenfold.tensor;

import java.util.Arrays;

/** Shape and stride arithmetic behind the zero-copy views of {@link Tensor}. */
final class Views {
    private Views() { }

    /** Resolves one -1 entry and checks the element count. */
    static Shape inferShape(Shape from, int[] dims) {
        if (dims == null) throw new IllegalArgumentException("dims must not be null");
        int[] d = dims.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < d.length; i++) {
            if (d[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape: only one -1 allowed in " + Arrays.toString(dims));
                infer = i;
            } else if (d[i] < 1) {
                throw new IllegalArgumentException("reshape: dimension " + i + " of " + Arrays.toString(dims) + " must be >= 1 or -1");
            } else {
                known *= d[i];
            }
        }
        if (infer >= 0) {
            if (from.size() % known != 0) {
                throw new IllegalArgumentException("reshape: cannot infer -1 in " + Arrays.toString(dims) + " for shape "
                        + from + " (" + from.size() + " elements)");
            }
            d[infer] = (int) (from.size() / known);
            known *= d[infer];
        }
        if (known != from.size()) {
            throw new IllegalArgumentException("reshape: shape " + from + " (" + from.size() + " elements) cannot become "
                    + Arrays.toString(dims) + " (" + known + " elements)");
        }
        return Shape.of(d);
    }

    /** Strides that view {@code old} as {@code target} without copying, or null if impossible. */
    static long[] reshapeStrides(Shape old, long[] oldStrides, Shape target) {
        int n = 0;
        for (int i = 0; i < old.rank(); i++) if (old.dim(i) != 1) n++;
        long[] od = new long[n];
        long[] os = new long[n];
        for (int i = 0, j = 0; i < old.rank(); i++) {
            if (old.dim(i) != 1) {
                od[j] = old.dim(i);
                os[j++] = oldStrides[i];
            }
        }
        int[] nd = target.dims();
        long[] ns = new long[nd.length];
        Arrays.fill(ns, 1);
        int oi = 0, ni = 0;
        while (oi < od.length && ni < nd.length) {
            long np = nd[ni], op = od[oi];
            int oj = oi + 1, nj = ni + 1;
            while (np != op) {
                if (np < op) np *= nd[nj++];
                else op *= od[oj++];
            }
            for (int k = oi; k < oj - 1; k++) {
                if (os[k] != os[k + 1] * od[k + 1]) return null;
            }
            ns[nj - 1] = os[oj - 1];
            for (int k = nj - 1; k > ni; k--) ns[k - 1] = ns[k] * nd[k];
            oi = oj;
            ni = nj;
        }
        return ns;
    }

    static long[] broadcastStrides(Shape from, long[] strides, Shape target) {
        int r = target.rank();
        int lead = r - from.rank();
        if (lead < 0) {
            throw new IllegalArgumentException("broadcastTo: shape " + from + " has more dimensions than target " + target);
        }
        long[] st = new long[r];
        for (int i = 0; i < from.rank(); i++) {
            int d = from.dim(i);
            int t = target.dim(i + lead);
            if (d == t) {
                st[i + lead] = strides[i];
            } else if (d == 1) {
                st[i + lead] = 0;
            } else {
                throw new IllegalArgumentException("shape " + from + " cannot be broadcast to " + target
                        + " (dimension " + i + ": " + d + " vs " + t + ")");
            }
        }
        return st;
    }

    static int[] remove(int[] a, int at) {
        int[] r = new int[a.length - 1];
        System.arraycopy(a, 0, r, 0, at);
        System.arraycopy(a, at + 1, r, at, a.length - at - 1);
        return r;
    }

    static long[] remove(long[] a, int at) {
        long[] r = new long[a.length - 1];
        System.arraycopy(a, 0, r, 0, at);
        System.arraycopy(a, at + 1, r, at, a.length - at - 1);
        return r;
    }

    static int[] insert(int[] a, int at, int v) {
        int[] r = new int[a.length + 1];
        System.arraycopy(a, 0, r, 0, at);
        r[at] = v;
        System.arraycopy(a, at, r, at + 1, a.length - at);
        return r;
    }

    static long[] insert(long[] a, int at, long v) {
        long[] r = new long[a.length + 1];
        System.arraycopy(a, 0, r, 0, at);
        r[at] = v;
        System.arraycopy(a, at, r, at + 1, a.length - at);
        return r;
    }
}
