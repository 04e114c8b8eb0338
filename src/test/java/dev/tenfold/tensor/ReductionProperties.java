package dev.tenfold.tensor;

import static dev.tenfold.tensor.TensorOracles.describe;
import static dev.tenfold.tensor.TensorOracles.forEachIndex;
import static dev.tenfold.tensor.TensorOracles.randomDims;
import static dev.tenfold.tensor.TensorOracles.randomLayout;
import static dev.tenfold.tensor.TensorOracles.ravel;
import static dev.tenfold.tensor.TensorOracles.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.tensor.TensorOracles.Layout;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Reductions of random-layout tensors (rank 0..5, permuted/sliced/broadcast views) against
 * double oracles computed here by index loops. Sums may be accumulated in float blocks by the
 * SIMD kernels, so they get a tolerance of 1e-5·Σ|terms|; max/argmax are exact, with ties going
 * to the first index and NaN winning (first NaN), as in numpy.
 */
class ReductionProperties {
    private static final long MAX_SIZE = 20_000;

    private static void assertClose(double want, double got, double tol, String what) {
        if (!(Math.abs(got - want) <= tol)) fail(what + ": got " + got + ", want " + want + " (tol " + tol + ")");
    }

    /** Values with many ties (small integers) or spread-out floats; NaN/±inf only when asked. */
    private static Layout layout(TensorScope scope, SplittableRandom r, int[] dims, boolean specials) {
        Layout l = randomLayout(scope, r, dims, true, specials);
        if (r.nextInt(3) == 0) { // overwrite the base with small integers: many ties for max/argmax
            float[] v = l.baseValues();
            for (int i = 0; i < v.length; i++) if (!Float.isNaN(v[i])) v[i] = r.nextInt(-3, 3);
            TensorOracles.write(l.base(), v);
        }
        return l;
    }

    /** Index in {@code x} of the first NaN, else of the first maximum. */
    private static int firstArgmax(float[] x) {
        for (int i = 0; i < x.length; i++) if (Float.isNaN(x[i])) return i;
        int best = 0;
        for (int i = 1; i < x.length; i++) if (x[i] > x[best]) best = i;
        return best;
    }

    @Test
    void fullReductionsMatchDoubleOracles() {
        qt().withExamples(150).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            int[] dims = randomDims(r, 5, MAX_SIZE);
            try (TensorScope scope = TensorScope.open()) {
                Layout la = layout(scope, r, dims, false);
                Layout lb = layout(scope, r, dims, false);
                Tensor a = la.view();
                String what = describe(a) + " seed " + seed;
                float[] x = la.expected();
                float[] y = lb.expected();
                double sum = 0, abs = 0, sq = 0, dot = 0, dotAbs = 0;
                for (int i = 0; i < x.length; i++) {
                    sum += x[i];
                    abs += Math.abs(x[i]);
                    sq += (double) x[i] * x[i];
                    dot += (double) x[i] * y[i];
                    dotAbs += Math.abs((double) x[i] * y[i]);
                }
                assertClose(sum, a.sum(), 1e-5 * abs + 1e-30, "sum of " + what);
                assertClose(sum / x.length, a.mean(), (1e-5 * abs + 1e-30) / x.length, "mean of " + what);
                assertClose(Math.sqrt(sq), a.norm(), 1e-5 * Math.sqrt(sq) + 1e-30, "norm of " + what);
                assertClose(dot, a.dot(lb.view()), 1e-5 * dotAbs + 1e-30, "dot of " + what + " with " + describe(lb.view()));
                int am = firstArgmax(x);
                assertEquals(am, a.argmax(), "argmax of " + what);
                assertEquals(x[am], a.max(), "max of " + what);
            }
        });
    }

    @Test
    void maxAndArgmaxFindTheFirstMaximumOrTheFirstNaN() {
        qt().withExamples(150).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            int[] dims = randomDims(r, 5, MAX_SIZE);
            try (TensorScope scope = TensorScope.open()) {
                Layout l = layout(scope, r, dims, r.nextInt(3) == 0);
                float[] x = l.expected();
                int am = firstArgmax(x);
                String what = describe(l.view()) + " seed " + seed;
                assertEquals(am, l.view().argmax(), "argmax of " + what);
                float max = l.view().max();
                if (Float.isNaN(x[am])) assertEquals(Float.NaN, max, "max with NaN of " + what);
                else assertEquals(x[am], max, "max of " + what);
            }
        });
    }

    @Test
    void allCloseComparesElementWiseAndNeverBroadcasts() {
        qt().withExamples(100).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            int[] dims = randomDims(r, 5, MAX_SIZE);
            try (TensorScope scope = TensorScope.open()) {
                Layout l = layout(scope, r, dims, false);
                float[] x = l.expected();
                Tensor same = scope.fromArray(x.clone(), dims).permute(identity(dims.length));
                String what = describe(l.view()) + " seed " + seed;
                assertEquals(true, l.view().allClose(same, 0, 0), "equal values are close, " + what);
                int k = r.nextInt(x.length);
                float[] y = x.clone();
                y[k] = x[k] + 1e-3f * Math.max(1f, Math.abs(x[k])); // 1e-3 relative: beyond rtol 1e-5
                assertEquals(false, l.view().allClose(scope.fromArray(y, dims)), "perturbed element " + k + ", " + what);
                assertEquals(true, l.view().allClose(scope.fromArray(y, dims), 2e-3, 2e-3), "within a loose tolerance, " + what);
                y[k] = Float.NaN;
                assertEquals(false, l.view().allClose(scope.fromArray(y, dims), 1, 1), "NaN is never close, " + what);
                Tensor bigger = scope.zeros(dims).unsqueeze(0).broadcastTo(prepend(2, dims));
                org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                        () -> l.view().allClose(bigger), "shapes differ, " + what);
            }
        });
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        return p;
    }

    private static int[] prepend(int d, int[] dims) {
        int[] out = new int[dims.length + 1];
        out[0] = d;
        System.arraycopy(dims, 0, out, 1, dims.length);
        return out;
    }

    /** Random non-empty set of distinct axes, shuffled, each possibly written as a negative axis. */
    private static int[] randomAxes(SplittableRandom r, int rank) {
        int[] perm = TensorOracles.randomPerm(r, rank);
        int[] axes = Arrays.copyOf(perm, 1 + r.nextInt(rank));
        for (int i = 0; i < axes.length; i++) if (r.nextBoolean()) axes[i] -= rank;
        return axes;
    }

    @Test
    void sumAndMeanOverAxesMatchTheOracle() {
        qt().withExamples(150).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            int[] dims = randomDims(r, 5, MAX_SIZE);
            if (dims.length == 0) dims = new int[] {1 + r.nextInt(9)};
            int rank = dims.length;
            int[] axes = randomAxes(r, rank);
            boolean[] reduced = new boolean[rank];
            for (int a : axes) reduced[(a + rank) % rank] = true;
            boolean keepDims = r.nextBoolean();
            int[] kept = new int[rank];
            int[] outDims = new int[0];
            long count = 1;
            for (int i = 0; i < rank; i++) {
                kept[i] = reduced[i] ? 1 : dims[i];
                if (reduced[i]) count *= dims[i];
                else outDims = Arrays.copyOf(outDims, outDims.length + 1);
                if (!reduced[i]) outDims[outDims.length - 1] = dims[i];
            }
            try (TensorScope scope = TensorScope.open()) {
                Layout l = layout(scope, r, dims, false);
                float[] x = l.expected();
                double[] sum = new double[Math.toIntExact(TensorOracles.size(kept))];
                double[] abs = new double[sum.length];
                int[] k = {0};
                int[] fdims = dims;
                forEachIndex(dims, idx -> {
                    int[] o = idx.clone();
                    for (int i = 0; i < rank; i++) if (reduced[i]) o[i] = 0;
                    int j = ravel(o, kept);
                    float v = x[k[0]++];
                    sum[j] += v;
                    abs[j] += Math.abs(v);
                });
                String what = "axes " + Arrays.toString(axes) + " keepDims " + keepDims + " of " + describe(l.view()) + " seed " + seed;
                Tensor s = l.view().sum(keepDims, axes);
                Tensor m = l.view().mean(keepDims, axes);
                assertArrayEquals(keepDims ? kept : outDims, s.dims(), "sum shape, " + what);
                assertArrayEquals(keepDims ? kept : outDims, m.dims(), "mean shape, " + what);
                float[] gs = read(s);
                float[] gm = read(m);
                for (int j = 0; j < sum.length; j++) {
                    double tol = 1e-5 * abs[j] + 0x1p-24 * Math.abs(sum[j]) + 1e-30;
                    assertClose(sum[j], gs[j], tol, "sum element " + j + ", " + what);
                    assertClose(sum[j] / count, gm[j], tol / count, "mean element " + j + ", " + what);
                }
                if (!keepDims) assertArrayEquals(gs, read(l.view().sumAxes(axes)), "sumAxes == sum(false, ...), " + what);
                assertArrayEquals(fdims, l.view().dims(), "operand shape unchanged");
            }
        });
    }

    @Test
    void maxAndArgmaxAlongAnAxisMatchTheOracle() {
        qt().withExamples(150).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            int[] dims = randomDims(r, 5, MAX_SIZE);
            if (dims.length == 0) dims = new int[] {1 + r.nextInt(9)};
            int rank = dims.length;
            int axis = r.nextInt(rank);
            int given = r.nextBoolean() ? axis - rank : axis;
            int[] outDims = new int[rank - 1];
            for (int i = 0, j = 0; i < rank; i++) if (i != axis) outDims[j++] = dims[i];
            try (TensorScope scope = TensorScope.open()) {
                Layout l = layout(scope, r, dims, r.nextInt(3) == 0);
                float[] x = l.expected();
                String what = "axis " + given + " of " + describe(l.view()) + " seed " + seed;
                Tensor mx = l.view().max(given);
                Tensor am = l.view().argmax(given);
                assertArrayEquals(outDims, mx.dims(), "max shape, " + what);
                assertArrayEquals(outDims, am.dims(), "argmax shape, " + what);
                int[] fdims = dims;
                int[] k = {0};
                forEachIndex(outDims, o -> {
                    float[] line = new float[fdims[axis]];
                    int[] idx = new int[rank];
                    for (int i = 0, j = 0; i < rank; i++) if (i != axis) idx[i] = o[j++];
                    for (int t = 0; t < line.length; t++) {
                        idx[axis] = t;
                        line[t] = x[ravel(idx, fdims)];
                    }
                    int want = firstArgmax(line);
                    int q = k[0]++;
                    assertEquals(want, am.get(o), "argmax at " + Arrays.toString(o) + ", " + what);
                    float wv = line[want];
                    if (Float.isNaN(wv)) assertEquals(Float.NaN, mx.get(o), "max at " + Arrays.toString(o) + ", " + what);
                    else assertEquals(wv, mx.get(o), "max at " + Arrays.toString(o) + " (" + q + "), " + what);
                });
            }
        });
    }
}
