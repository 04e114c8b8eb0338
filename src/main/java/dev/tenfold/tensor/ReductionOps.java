package dev.tenfold.tensor;

import dev.tenfold.simd.FloatKernels;
import dev.tenfold.simd.Kernels;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/** Reductions over strided tensors; every sum accumulates in double. */
final class ReductionOps {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    private ReductionOps() { }

    static double sum(Tensor t) {
        MemorySegment m = t.segment();
        FloatKernels kern = Kernels.get();
        double[] acc = {0};
        StridedLoops.forEachRun(t.dims(), t.strides(), t.offset(), null, 0, null, 0,
                (o0, o1, o2, n, s0, s1, s2) -> {
                    if (s0 == 1) {
                        acc[0] += kern.sum(m, o0, n);
                    } else {
                        double s = 0;
                        for (long i = 0; i < n; i++) s += m.getAtIndex(F32, o0 + i * s0);
                        acc[0] += s;
                    }
                });
        return acc[0];
    }

    static double dot(Tensor a, Tensor b) {
        if (b == null) throw new IllegalArgumentException("dot: other must not be null");
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException("dot: shapes " + a.shape() + " and " + b.shape() + " differ");
        }
        MemorySegment ma = a.segment(), mb = b.segment();
        FloatKernels kern = Kernels.get();
        double[] acc = {0};
        StridedLoops.forEachRun(a.dims(), a.strides(), a.offset(), b.strides(), b.offset(), null, 0,
                (o0, o1, o2, n, s0, s1, s2) -> {
                    if (s0 == 1 && s1 == 1) {
                        acc[0] += kern.dot(ma, o0, mb, o1, n);
                    } else {
                        double s = 0;
                        for (long i = 0; i < n; i++) {
                            s += (double) ma.getAtIndex(F32, o0 + i * s0) * mb.getAtIndex(F32, o1 + i * s1);
                        }
                        acc[0] += s;
                    }
                });
        return acc[0];
    }

    static long argmax(Tensor t) {
        MemorySegment m = t.segment();
        FloatKernels kern = Kernels.get();
        // state: [0] best index, [1] elements seen so far, [2] 1 when a NaN was found
        long[] st = {0, 0, 0};
        float[] best = {Float.NEGATIVE_INFINITY};
        StridedLoops.forEachRun(t.dims(), t.strides(), t.offset(), null, 0, null, 0,
                (o0, o1, o2, n, s0, s1, s2) -> {
                    if (st[2] == 1) return;
                    long local;
                    if (s0 == 1) {
                        local = kern.argmax(m, o0, n);
                    } else {
                        local = 0;
                        float bv = m.getAtIndex(F32, o0);
                        for (long i = 1; i < n && !Float.isNaN(bv); i++) {
                            float v = m.getAtIndex(F32, o0 + i * s0);
                            if (Float.isNaN(v) || v > bv) {
                                bv = v;
                                local = i;
                            }
                        }
                    }
                    float v = m.getAtIndex(F32, o0 + local * s0);
                    if (Float.isNaN(v)) {
                        st[0] = st[1] + local;
                        st[2] = 1;
                    } else if (st[1] == 0 || v > best[0]) {
                        best[0] = v;
                        st[0] = st[1] + local;
                    }
                    st[1] += n;
                });
        return st[0];
    }

    static float max(Tensor t) {
        long flat = argmax(t);
        int[] idx = new int[t.rank()];
        for (int i = t.rank() - 1; i >= 0; i--) {
            idx[i] = (int) (flat % t.dim(i));
            flat /= t.dim(i);
        }
        return t.get(idx);
    }

    /** Sum (or mean) over {@code axes}; accumulates in a double buffer of the output size. */
    static Tensor sumAxes(Tensor t, int[] axes, boolean keepDims, boolean mean) {
        if (axes == null || axes.length == 0) {
            throw new IllegalArgumentException("sum: axes must name at least one axis of shape " + t.shape());
        }
        boolean[] reduced = new boolean[t.rank()];
        for (int ax : axes) {
            int a = t.shape().normalizeAxis(ax, "axis");
            if (reduced[a]) throw new IllegalArgumentException("sum: axis " + ax + " repeated in " + Arrays.toString(axes));
            reduced[a] = true;
        }
        int[] keptDims = new int[t.rank()];
        long count = 1;
        for (int i = 0; i < t.rank(); i++) {
            keptDims[i] = reduced[i] ? 1 : t.dim(i);
            if (reduced[i]) count *= t.dim(i);
        }
        Shape kept = Shape.of(keptDims);
        long[] accStrides = Views.broadcastStrides(kept, kept.contiguousStrides(), t.shape());
        double[] acc = new double[Math.toIntExact(kept.size())];
        MemorySegment m = t.segment();
        FloatKernels kern = Kernels.get();
        StridedLoops.forEachRun(t.dims(), t.strides(), t.offset(), accStrides, 0, null, 0,
                (o0, o1, o2, n, s0, s1, s2) -> {
                    if (s1 == 0 && s0 == 1) {
                        acc[(int) o1] += kern.sum(m, o0, n);
                    } else {
                        for (long i = 0; i < n; i++) acc[(int) (o1 + i * s1)] += m.getAtIndex(F32, o0 + i * s0);
                    }
                });
        float[] out = new float[acc.length];
        for (int i = 0; i < acc.length; i++) out[i] = (float) (mean ? acc[i] / count : acc[i]);
        int[] outDims = keptDims;
        if (!keepDims) {
            int n = 0;
            for (boolean r : reduced) if (!r) n++;
            outDims = new int[n];
            for (int i = 0, j = 0; i < t.rank(); i++) if (!reduced[i]) outDims[j++] = t.dim(i);
        }
        return t.scope().fromArray(out, outDims);
    }

    /** Max or argmax along one axis, which is removed. */
    static Tensor maxAlong(Tensor t, int axis, boolean wantIndex) {
        int a = t.shape().normalizeAxis(axis, "axis");
        int[] perm = new int[t.rank()];
        for (int i = 0, j = 0; i < t.rank(); i++) if (i != a) perm[j++] = i;
        perm[t.rank() - 1] = a;
        Tensor moved = t.permute(perm);
        int len = t.dim(a);
        int outer = (int) (t.size() / len);
        float[] out = new float[outer];
        try (java.lang.foreign.Arena tmp = moved.isContiguous() ? null : java.lang.foreign.Arena.ofConfined()) { // a strided copy is freed here
            Tensor p = tmp == null ? moved : moved.gatheredIn(tmp);
            MemorySegment m = p.segment();
            FloatKernels kern = Kernels.get();
            for (int r = 0; r < outer; r++) {
                long base = p.offset() + (long) r * len;
                long idx = kern.argmax(m, base, len);
                out[r] = wantIndex ? idx : m.getAtIndex(F32, base + idx);
            }
        }
        return t.scope().fromArray(out, Views.remove(t.dims(), a));
    }

    static boolean allClose(Tensor a, Tensor b, double rtol, double atol) {
        if (b == null) throw new IllegalArgumentException("allClose: other must not be null");
        if (!(rtol >= 0) || !(atol >= 0)) {
            throw new IllegalArgumentException("allClose: rtol=" + rtol + " and atol=" + atol + " must be >= 0");
        }
        if (!a.shape().equals(b.shape())) { // documented contract: no broadcasting, so a wrong shape never passes
            throw new IllegalArgumentException("allClose: shapes " + a.shape() + " and " + b.shape() + " differ");
        }
        Shape shape = a.shape();
        long[] sa = a.strides();
        long[] sb = b.strides();
        MemorySegment ma = a.segment(), mb = b.segment();
        boolean[] ok = {true};
        StridedLoops.forEachRun(shape.dims(), sa, a.offset(), sb, b.offset(), null, 0,
                (o0, o1, o2, n, s0, s1, s2) -> {
                    for (long i = 0; i < n && ok[0]; i++) {
                        double x = ma.getAtIndex(F32, o0 + i * s0);
                        double y = mb.getAtIndex(F32, o1 + i * s1);
                        if (!(Math.abs(x - y) <= atol + rtol * Math.abs(y)) && x != y) ok[0] = false;
                    }
                });
        return ok[0];
    }
}
