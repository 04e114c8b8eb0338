package dev.tenfold.tensor;

import static dev.tenfold.tensor.TensorOracles.assertBitsEqual;
import static dev.tenfold.tensor.TensorOracles.assertExact;
import static dev.tenfold.tensor.TensorOracles.broadcastSource;
import static dev.tenfold.tensor.TensorOracles.broadcastableTo;
import static dev.tenfold.tensor.TensorOracles.describe;
import static dev.tenfold.tensor.TensorOracles.forEachIndex;
import static dev.tenfold.tensor.TensorOracles.randomDims;
import static dev.tenfold.tensor.TensorOracles.randomLayout;
import static dev.tenfold.tensor.TensorOracles.ravel;
import static dev.tenfold.tensor.TensorOracles.read;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.tensor.TensorOracles.Layout;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.BiFunction;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Element-wise {@link Tensor} operations on random shapes (rank 0..5, many size-1 dims) and
 * random layouts (permuted, stepped slices, unsqueezed, broadcast views), out of place, in place
 * and broadcasting, against an oracle computed here with explicit index loops in double.
 * Float +, -, ×, ÷, max, min are correctly rounded, so those are compared exactly.
 */
class ElementwiseProperties {
    private static final long MAX_SIZE = 20_000;

    /** One binary operation: the tensor call (out of place or in place) and its double twin. */
    private record Bin(String name, BiFunction<Tensor, Tensor, Tensor> call, DoubleBinaryOperator twin) { }

    private static final Bin[] OUT_OF_PLACE = {
        new Bin("add", Tensor::add, (a, b) -> a + b),
        new Bin("sub", Tensor::sub, (a, b) -> a - b),
        new Bin("mul", Tensor::mul, (a, b) -> a * b),
        new Bin("div", Tensor::div, (a, b) -> a / b),
        new Bin("maximum", Tensor::maximum, (a, b) -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : a >= b ? a : b),
        new Bin("minimum", Tensor::minimum, (a, b) -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : a <= b ? a : b),
    };

    private static final Bin[] IN_PLACE = {
        new Bin("addInPlace", Tensor::addInPlace, (a, b) -> a + b),
        new Bin("subInPlace", Tensor::subInPlace, (a, b) -> a - b),
        new Bin("mulInPlace", Tensor::mulInPlace, (a, b) -> a * b),
        new Bin("divInPlace", Tensor::divInPlace, (a, b) -> a / b),
    };

    /** The expected broadcast result of {@code twin} on operands of dims {@code da} and {@code db}. */
    private static double[] oracle(DoubleBinaryOperator twin, float[] a, int[] da, float[] b, int[] db, int[] shape) {
        double[] out = new double[Math.toIntExact(TensorOracles.size(shape))];
        int[] k = {0};
        forEachIndex(shape, idx -> out[k[0]++] = twin.applyAsDouble(
                a[ravel(broadcastSource(idx, da), da)], b[ravel(broadcastSource(idx, db), db)]));
        return out;
    }

    private static void assertAllExact(double[] want, float[] got, String what) {
        if (want.length != got.length) fail(what + ": " + got.length + " elements, want " + want.length);
        for (int i = 0; i < want.length; i++) assertExact(want[i], got[i], what, i);
    }

    @Test
    void binaryOpsBroadcastLikeNumpy() {
        qt().withExamples(120).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            int[] out = randomDims(r, 5, MAX_SIZE);
            int[] da = r.nextBoolean() ? out : broadcastableTo(r, out);
            int[] db = broadcastableTo(r, out);
            if (r.nextBoolean()) {
                int[] t = da;
                da = db;
                db = t;
            }
            int[] shape = TensorOracles.broadcast(da, db);
            try (TensorScope scope = TensorScope.open()) {
                Layout la = randomLayout(scope, r, da, true, true);
                Layout lb = randomLayout(scope, r, db, true, true);
                for (Bin op : OUT_OF_PLACE) {
                    String what = op.name + " of " + describe(la.view()) + " and " + describe(lb.view()) + " seed " + seed;
                    Tensor res = op.call.apply(la.view(), lb.view());
                    assertArrayEquals(shape, res.dims(), what + ": result shape");
                    assertAllExact(oracle(op.twin, la.expected(), da, lb.expected(), db, shape), read(res), what);
                }
                assertBitsEqual(la.baseValues(), read(la.base()), "left operand untouched");
                assertBitsEqual(lb.baseValues(), read(lb.base()), "right operand untouched");
            }
        });
    }

    @Test
    void inPlaceBinaryOpsWriteThroughTheTargetView() {
        qt().withExamples(100).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            int[] out = randomDims(r, 5, MAX_SIZE);
            int[] db = broadcastableTo(r, out);
            try (TensorScope scope = TensorScope.open()) {
                for (Bin op : IN_PLACE) {
                    Layout lt = randomLayout(scope, r, out, false, true);
                    Layout lb = randomLayout(scope, r, db, true, true);
                    String what = op.name + " into " + describe(lt.view()) + " from " + describe(lb.view()) + " seed " + seed;
                    Tensor ret = op.call.apply(lt.view(), lb.view());
                    assertSame(lt.view(), ret, what + " returns this");
                    double[] want = oracle(op.twin, lt.expected(), out, lb.expected(), db, out);
                    float[] wantF = new float[want.length];
                    for (int i = 0; i < want.length; i++) wantF[i] = (float) want[i];
                    lt.assertBase(wantF, what);
                    assertBitsEqual(lb.baseValues(), read(lb.base()), what + ": operand untouched");
                }
            }
        });
    }

    @Test
    void theIssueExampleBroadcasts3x1x5With4x1() {
        try (TensorScope scope = TensorScope.open()) {
            Tensor a = scope.arange(15).reshape(3, 1, 5);
            Tensor b = scope.arange(4).reshape(4, 1).mul(100f);
            Tensor c = a.add(b);
            assertArrayEquals(new int[] {3, 4, 5}, c.dims());
            forEachIndex(c.dims(), idx -> assertExact(idx[0] * 5 + idx[2] + 100 * idx[1], c.get(idx), () -> Arrays.toString(idx)));
            assertThrows(IllegalArgumentException.class, () -> a.addInPlace(b), "in-place result would need shape (3, 4, 5)");
            Tensor d = b.sub(a);
            forEachIndex(d.dims(), idx -> assertExact(100 * idx[1] - (idx[0] * 5 + idx[2]), d.get(idx), () -> Arrays.toString(idx)));
        }
    }

    @Test
    void scalarOpsMatchTheOracle() {
        qt().withExamples(100).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            int[] dims = randomDims(r, 5, MAX_SIZE);
            float s = r.nextInt(8) == 0 ? 0f : (float) r.nextDouble(-10, 10);
            record Sc(String name, BiFunction<Tensor, Float, Tensor> call, DoubleBinaryOperator twin, boolean inPlace) { }
            Sc[] ops = {
                new Sc("add(s)", Tensor::add, (a, b) -> a + b, false),
                new Sc("sub(s)", Tensor::sub, (a, b) -> a - b, false),
                new Sc("mul(s)", Tensor::mul, (a, b) -> a * b, false),
                new Sc("div(s)", Tensor::div, (a, b) -> a / b, false),
                new Sc("addInPlace(s)", Tensor::addInPlace, (a, b) -> a + b, true),
                new Sc("mulInPlace(s)", Tensor::mulInPlace, (a, b) -> a * b, true),
            };
            try (TensorScope scope = TensorScope.open()) {
                for (Sc op : ops) {
                    Layout l = randomLayout(scope, r, dims, !op.inPlace, true);
                    String what = op.name + " s=" + s + " on " + describe(l.view()) + " seed " + seed;
                    float[] x = l.expected();
                    double[] want = new double[x.length];
                    float[] wantF = new float[x.length];
                    for (int i = 0; i < x.length; i++) {
                        want[i] = op.twin.applyAsDouble(x[i], s);
                        wantF[i] = (float) want[i];
                    }
                    Tensor res = op.call.apply(l.view(), s);
                    if (op.inPlace) {
                        assertSame(l.view(), res, what + " returns this");
                        l.assertBase(wantF, what);
                    } else {
                        assertArrayEquals(dims, res.dims(), what);
                        assertAllExact(want, read(res), what);
                        assertBitsEqual(l.baseValues(), read(l.base()), what + ": operand untouched");
                    }
                }
            }
        });
    }

    /** One unary operation: out-of-place and in-place calls and the double twin. */
    private record Un(String name, UnaryOperator<Tensor> call, UnaryOperator<Tensor> inPlace, DoubleUnaryOperator twin,
                      boolean transcendental) { }

    @Test
    void unaryOpsMatchTheOracleOutOfPlaceAndInPlace() {
        qt().withExamples(50).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            int[] dims = randomDims(r, 5, MAX_SIZE);
            float alpha = (float) r.nextDouble(-3, 3);
            float lo = (float) r.nextDouble(-20, 5);
            float hi = r.nextInt(6) == 0 ? lo : lo + (float) r.nextDouble(0, 30);
            Un[] ops = {
                new Un("scale", t -> t.scale(alpha), t -> t.scaleInPlace(alpha), x -> x * alpha, false),
                new Un("neg", Tensor::neg, Tensor::negInPlace, x -> -x, false),
                new Un("abs", Tensor::abs, Tensor::absInPlace, x -> x < 0 ? -x : x, false),
                new Un("relu", Tensor::relu, Tensor::reluInPlace, x -> Double.isNaN(x) ? x : x > 0 ? x : 0, false),
                new Un("exp", Tensor::exp, Tensor::expInPlace, Math::exp, true),
                new Un("log", Tensor::log, Tensor::logInPlace, Math::log, true),
                new Un("sqrt", Tensor::sqrt, Tensor::sqrtInPlace, Math::sqrt, false),
                new Un("clamp", t -> t.clamp(lo, hi), t -> t.clampInPlace(lo, hi),
                        x -> Double.isNaN(x) ? x : x < lo ? lo : x > hi ? hi : x, false),
            };
            try (TensorScope scope = TensorScope.open()) {
                for (Un op : ops) {
                    for (boolean inPlace : new boolean[] {false, true}) {
                        Layout l = randomLayout(scope, r, dims, !inPlace, true);
                        String what = op.name + (inPlace ? " in place" : "") + " on " + describe(l.view()) + " seed " + seed;
                        float[] x = l.expected();
                        Tensor res = inPlace ? op.inPlace.apply(l.view()) : op.call.apply(l.view());
                        float[] got;
                        if (inPlace) {
                            assertSame(l.view(), res, what + " returns this");
                            got = read(l.view());
                        } else {
                            assertArrayEquals(dims, res.dims(), what);
                            got = read(res);
                            assertBitsEqual(l.baseValues(), read(l.base()), what + ": operand untouched");
                        }
                        float[] wantF = new float[x.length];
                        for (int i = 0; i < x.length; i++) {
                            double want = op.twin.applyAsDouble(x[i]);
                            wantF[i] = (float) want;
                            if (op.transcendental) {
                                double u = TensorOracles.ulps(got[i], want);
                                if (!(u <= 1.0)) fail(what + " element " + i + " (" + x[i] + "): got " + got[i] + ", " + u + " ulps");
                                wantF[i] = got[i];
                            } else {
                                assertExact(want, got[i], what, i);
                            }
                        }
                        if (inPlace) l.assertBase(wantF, what);
                    }
                }
            }
        });
    }

    @Test
    void axpyCopyFromAndFillWriteThroughTheTargetView() {
        qt().withExamples(100).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            int[] out = randomDims(r, 5, MAX_SIZE);
            int[] dx = broadcastableTo(r, out);
            float alpha = r.nextInt(8) == 0 ? 0f : (float) r.nextDouble(-4, 4);
            try (TensorScope scope = TensorScope.open()) {
                Layout ly = randomLayout(scope, r, out, false, false);
                Layout lx = randomLayout(scope, r, dx, true, false);
                String what = "axpyInPlace(" + alpha + ") into " + describe(ly.view()) + " from " + describe(lx.view()) + " seed " + seed;
                float[] y = ly.expected();
                float[] x = lx.expected();
                assertSame(ly.view(), ly.view().axpyInPlace(alpha, lx.view()), what + " returns this");
                float[] got = read(ly.view());
                int[] k = {0};
                forEachIndex(out, idx -> {
                    int i = k[0]++;
                    double ax = (double) alpha * x[ravel(broadcastSource(idx, dx), dx)];
                    double tol = 0x1p-23 * (Math.abs(y[i]) + Math.abs(ax)); // fused or unfused multiply-add
                    if (!(Math.abs(got[i] - (y[i] + ax)) <= tol)) fail(what + " element " + i + ": got " + got[i] + " want " + (y[i] + ax));
                });
                ly.assertBase(got, what);

                Layout lc = randomLayout(scope, r, out, false, true);
                Layout ls = randomLayout(scope, r, dx, true, true);
                String cwhat = "copyFrom into " + describe(lc.view()) + " from " + describe(ls.view()) + " seed " + seed;
                assertSame(lc.view(), lc.view().copyFrom(ls.view()), cwhat + " returns this");
                float[] src = ls.expected();
                float[] want = new float[Math.toIntExact(TensorOracles.size(out))];
                int[] j = {0};
                forEachIndex(out, idx -> want[j[0]++] = src[ravel(broadcastSource(idx, dx), dx)]);
                lc.assertBase(want, cwhat);

                Layout lf = randomLayout(scope, r, out, false, true);
                float v = TensorOracles.randomValues(r, 1, true)[0];
                assertSame(lf.view(), lf.view().fill(v), "fill returns this");
                float[] filled = new float[want.length];
                Arrays.fill(filled, v);
                lf.assertBase(filled, "fill(" + v + ") into " + describe(lf.view()));
            }
        });
    }

    @Test
    void fullAndFillKeepTheSignOfZero() {
        try (TensorScope scope = TensorScope.open()) {
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(scope.full(-0f, 3).get(2)), "full(-0.0)");
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(scope.scalar(-0f).item()), "scalar(-0.0)");
            assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(scope.ones(40).fill(-0f).get(39)), "fill(-0.0)");
        }
    }

    // ------------------------------------------------------------------ aliasing (numpy semantics)

    @Test
    void inPlaceOpsWithAliasedOperandsGiveTheNumpyAnswer() {
        qt().withExamples(60).forAll(longs().all()).checkAssert(seed -> {
            SplittableRandom r = new SplittableRandom(seed);
            int n = 1 + r.nextInt(40);
            int m = 2 + r.nextInt(40);
            try (TensorScope scope = TensorScope.open()) {
                float[] v = TensorOracles.randomValues(r, n * n, false);
                Tensor x = scope.fromArray(v, n, n);
                x.addInPlace(x.t()); // numpy: x += x.T  ==  x_old + x_old.T
                forEachIndex(x.dims(), idx -> assertExact((double) v[idx[0] * n + idx[1]] + v[idx[1] * n + idx[0]], x.get(idx),
                        () -> "x += x.T at " + Arrays.toString(idx)));

                Tensor y = scope.fromArray(v, n, n);
                y.t().subInPlace(y); // y.T -= y  ==  y_new[j][i] = y[j][i] - y[i][j]
                forEachIndex(y.dims(), idx -> assertExact((double) v[idx[0] * n + idx[1]] - v[idx[1] * n + idx[0]], y.get(idx),
                        () -> "y.T -= y at " + Arrays.toString(idx)));

                float[] w = TensorOracles.randomValues(r, m * 3, false);
                Tensor z = scope.fromArray(w, m, 3);
                z.narrow(0, 1, m - 1).copyFrom(z.narrow(0, 0, m - 1)); // z[1:] = z[:-1]  (shift down)
                forEachIndex(z.dims(), idx -> assertExact(w[(Math.max(idx[0] - 1, 0)) * 3 + idx[1]], z.get(idx),
                        () -> "z[1:] = z[:-1] at " + Arrays.toString(idx)));

                Tensor u = scope.fromArray(w, m, 3);
                u.narrow(0, 0, m - 1).copyFrom(u.narrow(0, 1, m - 1)); // u[:-1] = u[1:]  (shift up)
                forEachIndex(u.dims(), idx -> assertExact(w[Math.min(idx[0] + 1, m - 1) * 3 + idx[1]], u.get(idx),
                        () -> "u[:-1] = u[1:] at " + Arrays.toString(idx)));

                Tensor q = scope.fromArray(w, m, 3);
                q.copyFrom(q.slice(0, m - 1, m, 1)); // q[:] = q[-1:]  (broadcast of its own last row)
                forEachIndex(q.dims(), idx -> assertExact(w[(m - 1) * 3 + idx[1]], q.get(idx), () -> "q[:] = q[-1:] at " + Arrays.toString(idx)));

                Tensor p = scope.fromArray(w, m, 3);
                p.mulInPlace(p.slice(1, 1, 2, 1)); // p *= p[:, 1:2]
                forEachIndex(p.dims(), idx -> assertExact((double) w[idx[0] * 3 + idx[1]] * w[idx[0] * 3 + 1], p.get(idx),
                        () -> "p *= p[:, 1:2] at " + Arrays.toString(idx)));

                Tensor a = scope.fromArray(w, m, 3);
                float alpha = (float) r.nextDouble(-2, 2);
                a.narrow(0, 1, m - 1).axpyInPlace(alpha, a.narrow(0, 0, m - 1)); // a[1:] += alpha * a[:-1]
                forEachIndex(a.dims(), idx -> {
                    double want = idx[0] == 0 ? w[idx[1]] : w[idx[0] * 3 + idx[1]] + (double) alpha * w[(idx[0] - 1) * 3 + idx[1]];
                    double tol = 0x1p-22 * (Math.abs(want) + Math.abs(alpha * w[Math.max(idx[0] - 1, 0) * 3 + idx[1]]));
                    if (!(Math.abs(a.get(idx) - want) <= tol)) fail("a[1:] += alpha a[:-1] at " + Arrays.toString(idx));
                });

                Tensor s = scope.fromArray(w, m, 3);
                s.addInPlace(s); // same view: plain element-wise doubling
                forEachIndex(s.dims(), idx -> assertExact(2.0 * w[idx[0] * 3 + idx[1]], s.get(idx), () -> "s += s"));
            }
        });
    }
}
