package dev.tenfold.tensor;

import static dev.tenfold.tensor.TensorOracles.assertBitsEqual;
import static dev.tenfold.tensor.TensorOracles.describe;
import static dev.tenfold.tensor.TensorOracles.forEachIndex;
import static dev.tenfold.tensor.TensorOracles.randomDims;
import static dev.tenfold.tensor.TensorOracles.randomLayout;
import static dev.tenfold.tensor.TensorOracles.randomPerm;
import static dev.tenfold.tensor.TensorOracles.read;
import static dev.tenfold.tensor.TensorOracles.unravel;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.tensor.TensorOracles.Layout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Views against the index-arithmetic {@link OracleView}: random chains of permute, transpose,
 * slice with step, narrow, select, squeeze, unsqueeze, broadcastTo, reshape and view read what
 * the oracle says, copies equal reads through the view, writes through a view land in the base at
 * the oracle's positions; reshape is a view exactly when strides allow it; unfold/fold follow the
 * TensorLy definition; seeded random tensors are reproducible; toString previews.
 */
class ViewProperties {
    private static final long MAX_SIZE = 20_000;

    /** A chain state: the base tensor, its current contents, the view and its oracle. */
    private static final class Chain {
        Tensor base;
        float[] baseValues;
        Tensor view;
        OracleView oracle;
        final List<String> log = new ArrayList<>();

        void check() {
            assertArrayEquals(oracle.dims, view.dims(), "shape after " + log);
            float[] want = new float[oracle.size()];
            for (int i = 0; i < want.length; i++) want[i] = baseValues[oracle.map[i]];
            assertBitsEqual(want, read(view), "read through " + describe(view) + " after " + log);
        }
    }

    private static int axisArg(SplittableRandom r, int axis, int rank) {
        return r.nextBoolean() ? axis - rank : axis;
    }

    /** Applies one random view operation to the chain (tensor and oracle alike). */
    private static void randomStep(SplittableRandom r, Chain c) {
        int rank = c.oracle.rank();
        int[] dims = c.oracle.dims;
        int kind = r.nextInt(11);
        if (rank == 0 && kind < 7) kind = 7 + r.nextInt(4);
        switch (kind) {
            case 0 -> {
                int[] perm = randomPerm(r, rank);
                int[] given = perm.clone();
                for (int i = 0; i < rank; i++) given[i] = axisArg(r, perm[i], rank);
                c.log.add("permute" + Arrays.toString(given));
                c.view = c.view.permute(given);
                c.oracle = c.oracle.permute(perm);
            }
            case 1 -> {
                int a = r.nextInt(rank), b = r.nextInt(rank);
                int[] perm = new int[rank];
                for (int i = 0; i < rank; i++) perm[i] = i == a ? b : i == b ? a : i;
                if (rank == 2 && a != b && r.nextBoolean()) {
                    c.log.add("t()");
                    c.view = c.view.t();
                } else {
                    c.log.add("transpose(" + a + ", " + b + ")");
                    c.view = c.view.transpose(axisArg(r, a, rank), axisArg(r, b, rank));
                }
                c.oracle = c.oracle.permute(perm);
            }
            case 2, 3 -> {
                int a = r.nextInt(rank);
                int start = r.nextInt(dims[a]);
                int stop = start + 1 + r.nextInt(dims[a] - start);
                int step = 1 + r.nextInt(3);
                c.log.add("slice(" + a + ", " + start + ", " + stop + ", " + step + ")");
                c.view = c.view.slice(axisArg(r, a, rank), start, stop, step);
                c.oracle = c.oracle.slice(a, start, stop, step);
            }
            case 4 -> {
                int a = r.nextInt(rank);
                int start = r.nextInt(dims[a]);
                int len = 1 + r.nextInt(dims[a] - start);
                c.log.add("narrow(" + a + ", " + start + ", " + len + ")");
                c.view = c.view.narrow(axisArg(r, a, rank), start, len);
                c.oracle = c.oracle.slice(a, start, start + len, 1);
            }
            case 5 -> {
                int a = r.nextInt(rank);
                int index = r.nextInt(dims[a]);
                c.log.add("select(" + a + ", " + index + ")");
                c.view = c.view.select(axisArg(r, a, rank), index);
                c.oracle = c.oracle.select(a, index);
            }
            case 6 -> {
                List<Integer> ones = new ArrayList<>();
                for (int i = 0; i < rank; i++) if (dims[i] == 1) ones.add(i);
                int[] nd = Arrays.stream(dims).filter(d -> d != 1).toArray();
                if (ones.isEmpty() || r.nextBoolean()) {
                    c.log.add("squeeze()");
                    c.view = c.view.squeeze();
                } else {
                    int a = ones.get(r.nextInt(ones.size()));
                    nd = new int[rank - 1];
                    for (int i = 0, j = 0; i < rank; i++) if (i != a) nd[j++] = dims[i];
                    c.log.add("squeeze(" + a + ")");
                    c.view = c.view.squeeze(axisArg(r, a, rank));
                }
                c.oracle = c.oracle.reshape(nd);
            }
            case 7 -> {
                if (rank >= 6) return;
                int a = r.nextInt(rank + 1);
                int given = r.nextBoolean() ? a - rank - 1 : a;
                int[] nd = new int[rank + 1];
                for (int i = 0, j = 0; i <= rank; i++) nd[i] = i == a ? 1 : dims[j++];
                c.log.add("unsqueeze(" + given + ")");
                c.view = c.view.unsqueeze(given);
                c.oracle = c.oracle.reshape(nd);
            }
            case 8 -> {
                int lead = rank >= 5 ? 0 : r.nextInt(3);
                int[] nd = new int[rank + lead];
                for (int i = 0; i < nd.length; i++) {
                    int d = i < lead ? 1 : dims[i - lead];
                    nd[i] = d == 1 && r.nextBoolean() ? 1 + r.nextInt(4) : d;
                }
                if (TensorOracles.size(nd) > MAX_SIZE) return;
                c.log.add("broadcastTo" + Arrays.toString(nd));
                c.view = c.view.broadcastTo(nd);
                c.oracle = c.oracle.broadcastTo(nd);
            }
            default -> reshapeStep(r, c);
        }
    }

    /** Random dims with the same element count: prime factors grouped at random, 1s inserted. */
    static int[] randomFactorization(SplittableRandom r, long size) {
        List<Integer> f = new ArrayList<>();
        long s = size;
        for (int p = 2; p * p <= s; p++) while (s % p == 0) { f.add(p); s /= p; }
        if (s > 1) f.add((int) s);
        java.util.Collections.shuffle(f, new java.util.Random(r.nextLong()));
        List<Integer> out = new ArrayList<>();
        int cur = 1;
        for (int x : f) {
            if (cur > 1 && r.nextInt(3) == 0) { out.add(cur); cur = 1; }
            cur *= x;
        }
        if (cur > 1 || out.isEmpty()) out.add(cur);
        while (out.size() < 6 && r.nextInt(3) == 0) out.add(r.nextInt(out.size() + 1), 1);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Merges or splits adjacent dims (often viewable) or refactors completely. */
    private static int[] randomReshapeTarget(SplittableRandom r, int[] dims) {
        if (dims.length >= 2 && r.nextBoolean()) {
            int a = r.nextInt(dims.length - 1);
            int[] nd = new int[dims.length - 1];
            for (int i = 0, j = 0; i < dims.length; i++) {
                if (i == a + 1) continue;
                nd[j++] = i == a ? dims[a] * dims[a + 1] : dims[i];
            }
            return nd;
        }
        return randomFactorization(r, TensorOracles.size(dims));
    }

    private static void reshapeStep(SplittableRandom r, Chain c) {
        int[] target = randomReshapeTarget(r, c.oracle.dims);
        int[] given = target.clone();
        if (given.length > 0 && r.nextBoolean()) given[r.nextInt(given.length)] = -1;
        boolean viewable = c.oracle.reshape(target).affine(); // some strides describe the reshaped view
        boolean useView = r.nextBoolean();
        c.log.add((useView ? "view" : "reshape") + Arrays.toString(given) + (viewable ? "" : " (copy)"));
        if (useView && !viewable) {
            Tensor before = c.view;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> before.view(given),
                    "view() must refuse when a copy is needed: " + describe(before) + " -> " + Arrays.toString(given));
            assertTrue(e.getMessage().contains(before.shape().toString()), e.getMessage());
            return;
        }
        Tensor res = useView ? c.view.view(given) : c.view.reshape(given);
        assertArrayEquals(target, res.dims(), "reshape target after " + c.log);
        OracleView o = c.oracle.reshape(target);
        if (viewable) {
            assertTrue(shareMemory(res, c.base), "reshape must be a view here: " + describe(c.view) + " after " + c.log);
            c.view = res;
            c.oracle = o;
        } else {
            float[] want = new float[o.size()];
            for (int i = 0; i < want.length; i++) want[i] = c.baseValues[o.map[i]];
            assertBitsEqual(want, read(res), "reshape copy after " + c.log);
            assertFalse(shareMemory(res, c.base), "reshape needed a copy but shares memory: " + c.log);
            c.base = res;
            c.baseValues = want;
            c.view = res;
            c.oracle = OracleView.identity(target);
        }
    }

    /**
     * True when writing through {@code a} changes {@code b} (probed at a's first element); for a
     * broadcast view, which refuses writes, whether both use the same memory block.
     */
    private static boolean shareMemory(Tensor a, Tensor b) {
        long[] st = a.strides();
        for (int i = 0; i < st.length; i++) {
            if (st[i] == 0 && a.dim(i) > 1) return a.segment().address() == b.segment().address();
        }
        int[] ia = new int[a.rank()];
        float old = a.get(ia);
        float[] before = read(b);
        a.set(old == 1234.5f ? -1234.5f : 1234.5f, ia);
        boolean changed = !Arrays.equals(before, read(b));
        a.set(old, ia);
        return changed;
    }

    @Test
    void randomViewChainsReadAndWriteLikeTheirOracle() {
        qt().withExamples(250).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            try (TensorScope scope = TensorScope.open()) {
                Chain c = new Chain();
                int[] dims = randomDims(r, 5, MAX_SIZE);
                c.base = scope.zeros(dims);
                c.baseValues = TensorOracles.randomValues(r, Math.toIntExact(c.base.size()), true);
                TensorOracles.write(c.base, c.baseValues);
                c.view = c.base;
                c.oracle = OracleView.identity(dims);
                c.log.add("seed " + seed + " base " + Arrays.toString(dims));
                for (int s = 1 + r.nextInt(6); s > 0; s--) {
                    randomStep(r, c);
                    c.check();
                }
                // a copy equals the reads, is contiguous and independent of the base
                Tensor copy = c.view.copy();
                assertTrue(copy.isContiguous(), "copy is contiguous");
                assertArrayEquals(c.view.dims(), copy.dims());
                float[] viaView = read(c.view);
                assertBitsEqual(viaView, read(copy), "copy() after " + c.log);
                assertBitsEqual(viaView, c.view.toArray(), "toArray() after " + c.log);
                if (c.view.size() == 1) assertBitsEqual(viaView, new float[] {c.view.item()}, "item()");
                copy.fill(77f);
                assertBitsEqual(c.baseValues, read(c.base), "writing the copy left the base alone, " + c.log);
                // writes through the view land at the oracle's positions (or are refused for broadcast views)
                if (c.oracle.injective()) {
                    for (int w = 0; w < 3; w++) {
                        int k = r.nextInt(c.oracle.size());
                        float v = -1000f - w;
                        c.view.set(v, unravel(k, c.view.dims()));
                        c.baseValues[c.oracle.map[k]] = v;
                    }
                    assertBitsEqual(c.baseValues, read(c.base), "set through " + describe(c.view) + " after " + c.log);
                } else {
                    int[] idx = unravel(r.nextInt(c.oracle.size()), c.view.dims());
                    Tensor v = c.view;
                    assertThrows(IllegalArgumentException.class, () -> v.set(1f, idx), "set into a broadcast view");
                    assertThrows(IllegalArgumentException.class, () -> v.fill(1f), "fill into a broadcast view");
                    assertBitsEqual(c.baseValues, read(c.base), "refused writes left the base alone");
                }
            }
        });
    }

    @Test
    void reshapeIsAViewExactlyWhenStridesAllowIt() {
        qt().withExamples(200).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            int[] dims = randomDims(r, 5, MAX_SIZE);
            try (TensorScope scope = TensorScope.open()) {
                Layout l = randomLayout(scope, r, dims, true, false);
                Chain c = new Chain();
                c.base = l.base();
                c.baseValues = l.baseValues();
                c.view = l.view();
                c.oracle = l.oracle();
                c.log.add("seed " + seed + " " + describe(l.view()));
                reshapeStep(r, c);
                c.check();
            }
        });
    }

    @Test
    void contiguousReshapesAreViewsAndPermutedOnesCopies() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = scope.arange(24).reshape(2, 3, 4);
            Tensor v = x.reshape(6, 4);
            v.set(-1f, 5, 3);
            assertEquals(-1f, x.get(1, 2, 3), "reshape of a contiguous tensor is a view");
            Tensor p = x.permute(2, 0, 1);
            assertThrows(IllegalArgumentException.class, () -> p.view(24));
            Tensor f = p.reshape(24);
            assertEquals(x.get(0, 1, 0), f.get(1));
            f.set(99f, 1);
            assertEquals(4f, x.get(0, 1, 0), "reshape copy is independent");
            Tensor e = x.slice(2, 0, 4, 2); // (2, 3, 2) with strides (12, 4, 2): uniformly strided
            Tensor flat = e.view(12);
            flat.set(-7f, 9);
            assertEquals(-7f, x.get(1, 1, 2));
            Tensor s = x.slice(1, 0, 3, 2); // (2, 2, 4) with strides (12, 8, 1)
            assertThrows(IllegalArgumentException.class, () -> s.view(2, 8));
            assertThrows(IllegalArgumentException.class, () -> s.view(4, 4));
            Tensor split = s.view(2, 2, 2, 2);
            split.set(-9f, 1, 1, 1, 0);
            assertEquals(-9f, x.get(1, 2, 2));
        }
    }

    @Test
    void sliceWithAHugeStepTakesOneElement() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor x = scope.arange(10);
            Tensor s = x.slice(0, 3, 10, Integer.MAX_VALUE); // numpy x[3:10:2**31-1] == [3.]
            assertArrayEquals(new int[] {1}, s.dims());
            assertEquals(3f, s.get(0));
            assertArrayEquals(new int[] {3}, x.slice(0, 1, 10, 3).dims(), "x[1:10:3] == [1, 4, 7]");
        }
    }

    // ------------------------------------------------------------------ unfold / fold

    @Test
    void unfoldMatchesTensorLyAndFoldInvertsIt() {
        qt().withExamples(150).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            int[] dims = randomDims(r, 5, MAX_SIZE);
            if (dims.length == 0) dims = new int[] {1 + r.nextInt(9)};
            int rank = dims.length;
            int[] fdims = dims;
            try (TensorScope scope = TensorScope.open()) {
                Layout l = randomLayout(scope, r, dims, true, true);
                float[] x = l.expected();
                for (int n = 0; n < rank; n++) {
                    int mode = n;
                    String what = "mode " + n + " of " + describe(l.view()) + " seed " + seed;
                    Tensor u = l.view().unfold(axisArg(r, n, rank));
                    long cols = x.length / dims[n];
                    assertArrayEquals(new int[] {dims[n], (int) cols}, u.dims(), "unfold shape, " + what);
                    // TensorLy: X[i_0..i_{N-1}] -> row i_n, column = row-major index of the other indices in order
                    float[] want = new float[x.length];
                    int[] k = {0};
                    forEachIndex(fdims, idx -> {
                        long col = 0;
                        for (int i = 0; i < rank; i++) if (i != mode) col = col * fdims[i] + idx[i];
                        want[(int) (idx[mode] * cols + col)] = x[k[0]++];
                    });
                    assertBitsEqual(want, read(u), "unfold, " + what);
                    Tensor back = u.fold(axisArg(r, n, rank), Shape.of(fdims));
                    assertArrayEquals(fdims, back.dims(), "fold shape, " + what);
                    assertBitsEqual(x, read(back), "fold(unfold(X)), " + what);
                    // and the other way round: unfold(fold(M)) == M for an arbitrary matrix M
                    Tensor mtx = scope.fromArray(want.clone(), dims[n], (int) cols).mul(-1f);
                    assertBitsEqual(read(mtx), read(mtx.fold(n, Shape.of(fdims)).unfold(n)), "unfold(fold(M)), " + what);
                }
            }
        });
    }

    // ------------------------------------------------------------------ seeded random tensors

    @Test
    void seededRandomTensorsAreReproducibleAndRoughlyDistributedAsAsked() {
        qt().withExamples(20).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            float lo = (float) r.nextDouble(-10, 5);
            float hi = lo + (float) r.nextDouble(0.5, 20);
            float mean = (float) r.nextDouble(-5, 5);
            float std = (float) r.nextDouble(0.1, 4);
            int n = 20_000;
            try (TensorScope s1 = TensorScope.open(); TensorScope s2 = TensorScope.open()) {
                float[] u1 = s1.uniform(seed, lo, hi, 100, 200).toArray();
                float[] u2 = s2.uniform(seed, lo, hi, n).toArray();
                float[] u3 = s2.uniform(seed + 1, lo, hi, n).toArray();
                assertArrayEquals(bits(u1), bits(u2), "uniform: same seed, same bits (whatever the shape)");
                assertTrue(differing(u1, u3) > n / 2, "uniform: a different seed gives different values");
                double um = 0, uv = 0;
                for (float v : u1) {
                    if (!(v >= lo && v < hi)) fail("uniform value " + v + " outside [" + lo + ", " + hi + ")");
                    um += v;
                }
                um /= n;
                for (float v : u1) uv += (v - um) * (v - um);
                double ustd = Math.sqrt(uv / n), wantStd = (hi - lo) / Math.sqrt(12);
                assertEquals((lo + hi) / 2.0, um, 6 * wantStd / Math.sqrt(n), "uniform mean");
                assertEquals(wantStd, ustd, 0.03 * wantStd, "uniform std");

                float[] g1 = s1.normal(seed, mean, std, n).toArray();
                float[] g2 = s2.normal(seed, mean, std, 50, 400).toArray();
                float[] g3 = s2.normal(~seed, mean, std, n).toArray();
                assertArrayEquals(bits(g1), bits(g2), "normal: same seed, same bits");
                assertTrue(differing(g1, g3) > n / 2, "normal: a different seed gives different values");
                double gm = 0, gv = 0;
                for (float v : g1) gm += v;
                gm /= n;
                for (float v : g1) gv += (v - gm) * (v - gm);
                assertEquals(mean, gm, 6 * std / Math.sqrt(n), "normal mean");
                assertEquals(std, Math.sqrt(gv / n), 0.04 * std, "normal std");
            }
        });
    }

    @Test
    void uniformNeverReturnsTheUpperBound() {
        // SplitMix64 seed 63433462 starts with u = 0.99999998926…, which rounds to 1.0f.
        try (TensorScope scope = TensorScope.open()) {
            for (float[] b : new float[][] {{0f, 1f}, {-1f, 1f}, {2f, 3f}}) {
                float v = scope.uniform(63433462L, b[0], b[1], 1).item();
                assertTrue(v >= b[0] && v < b[1], "uniform(" + b[0] + ", " + b[1] + ") gave " + v);
            }
        }
    }

    private static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) b[i] = Float.floatToRawIntBits(a[i]);
        return b;
    }

    private static int differing(float[] a, float[] b) {
        int d = 0;
        for (int i = 0; i < a.length; i++) if (a[i] != b[i]) d++;
        return d;
    }

    // ------------------------------------------------------------------ toString

    @Test
    void toStringShowsShapeAndAPreview() {
        try (TensorScope scope = TensorScope.open()) {
            String small = scope.arange(6).reshape(2, 3).toString();
            assertTrue(small.contains("(2, 3)") && small.contains("float32"), small);
            for (int i = 0; i < 6; i++) assertTrue(small.contains(i + "."), small);

            String scalar = scope.scalar(1.5f).toString();
            assertTrue(scalar.contains("()") && scalar.contains("1.5"), scalar);

            Tensor big = scope.arange(1_000_000).reshape(1000, 1000);
            String s = big.toString();
            assertTrue(s.length() < 2000, "preview of a 10^6 tensor has " + s.length() + " chars");
            assertTrue(s.contains("(1000, 1000)") && s.contains("...") && s.contains("0.") && s.contains("999999."), s);
            assertFalse(s.contains("500500."), "middle elements are elided: " + s);

            Tensor rank5 = scope.arange(9 * 9 * 9 * 9 * 9).reshape(9, 9, 9, 9, 9);
            assertTrue(rank5.toString().length() < 100_000, "rank-5 preview stays bounded");
            assertTrue(big.t().toString().contains("strided"), "a transposed view says it is strided");

            Locale saved = Locale.getDefault();
            try {
                Locale.setDefault(Locale.GERMANY);
                String half = scope.full(0.25f, 2).toString();
                assertTrue(half.contains("0.2500") && !half.contains("0,25"), "locale-independent numbers: " + half);
            } finally {
                Locale.setDefault(saved);
            }
            assertNotEquals("", big.shape().toString());
        }
        TensorScope closed = TensorScope.open();
        Tensor t = closed.zeros(2, 2);
        closed.close();
        assertTrue(t.toString().contains("closed"), t.toString());
    }
}
