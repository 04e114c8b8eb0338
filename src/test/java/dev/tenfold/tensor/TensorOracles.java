package dev.tenfold.tensor;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Shared test helpers for the tensor properties: index arithmetic, element-by-element reads and
 * writes through {@link Tensor#get}/{@link Tensor#set} (independent of the strided loops and
 * kernels under test), random shapes and random memory layouts with their {@link OracleView}.
 */
final class TensorOracles {
    private TensorOracles() { }

    static long size(int[] dims) {
        long s = 1;
        for (int d : dims) s *= d;
        return s;
    }

    /** Row-major flat index of {@code idx} in {@code dims}. */
    static int ravel(int[] idx, int[] dims) {
        long f = 0;
        for (int i = 0; i < dims.length; i++) f = f * dims[i] + idx[i];
        return Math.toIntExact(f);
    }

    static int[] unravel(long flat, int[] dims) {
        int[] idx = new int[dims.length];
        for (int i = dims.length - 1; i >= 0; i--) {
            idx[i] = (int) (flat % dims[i]);
            flat /= dims[i];
        }
        return idx;
    }

    /** Calls {@code f} with every index of {@code dims} in row-major order (once, with {@code []}, for rank 0). */
    static void forEachIndex(int[] dims, Consumer<int[]> f) {
        int[] idx = new int[dims.length];
        while (true) {
            f.accept(idx);
            int ax = dims.length - 1;
            while (ax >= 0 && ++idx[ax] == dims[ax]) idx[ax--] = 0;
            if (ax < 0) return;
        }
    }

    /** All elements in row-major order, each read with {@code get(int...)}. */
    static float[] read(Tensor t) {
        float[] out = new float[Math.toIntExact(t.size())];
        int[] k = {0};
        forEachIndex(t.dims(), idx -> out[k[0]++] = t.get(idx));
        return out;
    }

    /** Writes {@code values} (row-major) with {@code set(v, int...)}. */
    static void write(Tensor t, float[] values) {
        int[] k = {0};
        forEachIndex(t.dims(), idx -> t.set(values[k[0]++], idx));
    }

    /** Numpy broadcast of two dims lists, computed here independently; null if incompatible. */
    static int[] broadcast(int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i - (r - a.length) >= 0 ? a[i - (r - a.length)] : 1;
            int db = i - (r - b.length) >= 0 ? b[i - (r - b.length)] : 1;
            if (da != db && da != 1 && db != 1) return null;
            out[i] = Math.max(da, db);
        }
        return out;
    }

    /** Index into an operand of dims {@code op} for index {@code idx} of its broadcast result. */
    static int[] broadcastSource(int[] idx, int[] op) {
        int lead = idx.length - op.length;
        int[] s = new int[op.length];
        for (int i = 0; i < op.length; i++) s[i] = op[i] == 1 ? 0 : idx[i + lead];
        return s;
    }

    /**
     * Random dims with at most {@code maxSize} elements: mostly rank 0..maxRank with dims 1..9 and
     * many 1s; one time in four rank 1..3 with long axes (up to 300), so that runs span several
     * SIMD vectors plus a tail.
     */
    static int[] randomDims(SplittableRandom r, int maxRank, long maxSize) {
        boolean longAxes = maxRank >= 1 && r.nextInt(4) == 0;
        int rank = longAxes ? 1 + r.nextInt(Math.min(maxRank, 3)) : r.nextInt(maxRank + 1);
        int[] d = new int[rank];
        for (int i = 0; i < rank; i++) {
            d[i] = longAxes ? 1 + r.nextInt(r.nextBoolean() ? 300 : 40) : r.nextInt(3) == 0 ? 1 : 1 + r.nextInt(9);
        }
        while (size(d) > maxSize) {
            int i = r.nextInt(rank);
            d[i] = Math.max(1, d[i] / 2);
        }
        return d;
    }

    /** Dims that broadcast to {@code out}: some leading dims dropped, some dims set to 1. */
    static int[] broadcastableTo(SplittableRandom r, int[] out) {
        int drop = r.nextInt(3) == 0 ? r.nextInt(out.length + 1) : 0;
        int[] d = Arrays.copyOfRange(out, drop, out.length);
        for (int i = 0; i < d.length; i++) if (r.nextInt(4) == 0) d[i] = 1;
        return d;
    }

    /** Finite values with negatives, zeros and small integers (ties); specials when asked. */
    static float[] randomValues(SplittableRandom r, int n, boolean specials) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(16);
            v[i] = switch (kind) {
                case 0 -> r.nextInt(-3, 4);
                case 1 -> r.nextBoolean() ? 0f : -0f;
                case 2 -> specials ? new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}[r.nextInt(3)] : 2f;
                default -> (float) r.nextDouble(-50, 50);
            };
        }
        return v;
    }

    /**
     * A tensor of the requested dims laid out in a random way inside a larger base: contiguous,
     * permuted storage, a stepped slice, an unsqueezed axis, or (when {@code allowBroadcast}) a
     * broadcast of a smaller tensor; layouts nest. The base holds random values.
     */
    record Layout(Tensor base, float[] baseValues, Tensor view, OracleView oracle) {
        /** The values the view must read, row-major. */
        float[] expected() {
            float[] e = new float[oracle.size()];
            for (int i = 0; i < e.length; i++) e[i] = baseValues[oracle.map[i]];
            return e;
        }

        /** Asserts the base equals {@code viewValues} at the view's elements and is unchanged elsewhere. */
        void assertBase(float[] viewValues, String what) {
            float[] want = baseValues.clone();
            for (int i = 0; i < oracle.size(); i++) want[oracle.map[i]] = viewValues[i];
            assertBitsEqual(want, read(base), what + " (base of " + describe(view) + ")");
        }
    }

    static Layout randomLayout(TensorScope scope, SplittableRandom r, int[] dims, boolean allowBroadcast, boolean specials) {
        Plan p = plan(r, dims, allowBroadcast, 3);
        Tensor base = scope.zeros(p.baseDims);
        float[] bv = randomValues(r, Math.toIntExact(size(p.baseDims)), specials);
        write(base, bv);
        OracleView o = OracleView.identity(p.baseDims);
        Tensor v = base;
        for (Step s : p.steps) {
            v = s.apply(v);
            o = s.apply(o);
        }
        if (!Arrays.equals(v.dims(), dims)) throw new AssertionError("layout built " + Arrays.toString(v.dims()));
        return new Layout(base, bv, v, o);
    }

    /** One view step applied identically to a tensor and its oracle. */
    interface Step {
        Tensor apply(Tensor t);

        OracleView apply(OracleView o);
    }

    private record Plan(int[] baseDims, java.util.List<Step> steps) { }

    private static Plan plan(SplittableRandom r, int[] dims, boolean allowBroadcast, int depth) {
        int rank = dims.length;
        int kind = depth == 0 ? 0 : r.nextInt(allowBroadcast ? 6 : 5);
        if (kind == 1 && rank >= 2) { // permuted storage
            int[] perm = randomPerm(r, rank);
            int[] inv = new int[rank];
            int[] inner = new int[rank];
            for (int i = 0; i < rank; i++) {
                inv[perm[i]] = i;
                inner[i] = dims[perm[i]];
            }
            return then(plan(r, inner, allowBroadcast, depth - 1), new Step() {
                public Tensor apply(Tensor t) { return t.permute(inv); }
                public OracleView apply(OracleView o) { return o.permute(inv); }
            });
        }
        if ((kind == 2 || kind == 3) && rank >= 1 && size(dims) < 30_000) { // stepped slice
            int a = r.nextInt(rank);
            int step = 1 + r.nextInt(3);
            int start = r.nextInt(3);
            int stop = start + (dims[a] - 1) * step + 1 + r.nextInt(step); // any stop giving dims[a] elements
            int[] inner = dims.clone();
            inner[a] = stop + r.nextInt(3);
            return then(plan(r, inner, allowBroadcast, depth - 1), new Step() {
                public Tensor apply(Tensor t) { return t.slice(a, start, stop, step); }
                public OracleView apply(OracleView o) { return o.slice(a, start, stop, step); }
            });
        }
        if (kind == 4) { // an axis of size 1 inserted by unsqueeze (stride 0), or a squeezed one
            int ones = 0;
            for (int d : dims) if (d == 1) ones++;
            if (ones > 0) {
                int which = r.nextInt(ones), a = -1;
                for (int i = 0, k = 0; i < rank; i++) if (dims[i] == 1 && k++ == which) a = i;
                int axis = a;
                int[] inner = new int[rank - 1];
                for (int i = 0, j = 0; i < rank; i++) if (i != axis) inner[j++] = dims[i];
                return then(plan(r, inner, allowBroadcast, depth - 1), new Step() {
                    public Tensor apply(Tensor t) { return t.unsqueeze(axis); }
                    public OracleView apply(OracleView o) { return o.reshape(dims); }
                });
            }
        }
        if (kind == 5 && rank >= 1) { // broadcast of a smaller tensor
            int[] inner = broadcastableTo(r, dims);
            return then(plan(r, inner, false, depth - 1), new Step() {
                public Tensor apply(Tensor t) { return t.broadcastTo(dims); }
                public OracleView apply(OracleView o) { return o.broadcastTo(dims); }
            });
        }
        return new Plan(dims.clone(), new java.util.ArrayList<>());
    }

    private static Plan then(Plan p, Step s) {
        p.steps.add(s);
        return p;
    }

    static int[] randomPerm(SplittableRandom r, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    static String describe(Tensor t) {
        return "shape " + t.shape() + " strides " + Arrays.toString(t.strides()) + " offset " + t.offset();
    }

    /** Bitwise equality except that every NaN matches every NaN and -0 matches +0. */
    static void assertBitsEqual(float[] want, float[] got, String what) {
        if (want.length != got.length) fail(what + ": " + got.length + " elements, want " + want.length);
        for (int i = 0; i < want.length; i++) {
            boolean ok = Float.isNaN(want[i]) ? Float.isNaN(got[i]) : want[i] == got[i];
            if (!ok) fail(what + ": element " + i + " is " + got[i] + ", want " + want[i]);
        }
    }

    /** Float rounding of an exact double result, compared NaN-aware and ±0-tolerant. */
    static void assertExact(double want, float got, Supplier<String> what) {
        float w = (float) want;
        boolean ok = Float.isNaN(w) ? Float.isNaN(got) : got == w;
        if (!ok) fail(what.get() + ": got " + got + ", want " + w);
    }

    /** As above for element {@code i} of {@code what}. */
    static void assertExact(double want, float got, String what, int i) {
        float w = (float) want;
        boolean ok = Float.isNaN(w) ? Float.isNaN(got) : got == w;
        if (!ok) fail(what + " element " + i + ": got " + got + ", want " + w);
    }

    /** Distance in float ulps of {@code got} from exact {@code want}; non-finite results must match. */
    static double ulps(float got, double want) {
        float w = (float) want;
        if (!Float.isFinite(w) || !Float.isFinite(got)) {
            return (Float.isNaN(w) && Float.isNaN(got)) || got == w ? 0 : Double.POSITIVE_INFINITY;
        }
        return Math.abs(got - want) / Math.ulp(w);
    }
}
