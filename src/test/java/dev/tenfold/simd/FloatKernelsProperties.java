package dev.tenfold.simd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Every kernel of {@link Kernels#get()} (whichever provider is active: scalar, panama-128/256/512)
 * against an independent naive twin written here in double, on random lengths 1..3000 (mostly not
 * a multiple of any lane count), unaligned start offsets, negative values and IEEE specials.
 * Guard zones around every destination range check that no kernel writes outside it.
 * The last property ties {@link ScalarFloatKernels} to the active provider.
 */
class FloatKernelsProperties {
    private static final FloatKernels K = Kernels.get();
    private static final FloatKernels SCALAR = Kernels.scalar();
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;
    /** Floats before and after each range that no kernel may touch. */
    private static final int GUARD = 7;
    private static final float SENTINEL = -7.25e-13f;
    /** Max distance in float ulps of EXP/LOG from the exact result (Vector API spec: 1 ulp; measured ≤ 0.88). */
    private static final double TRANSCENDENTAL_ULPS = 1.0;

    /** One random kernel call: length, unaligned start offsets of a, b and dst, and a value seed. */
    record Case(int n, int offA, int offB, int offD, long seed) {
        SplittableRandom rng() { return new SplittableRandom(seed); }
    }

    private static Gen<Case> cases() {
        Gen<Integer> lengths = integers().between(1, 40).mix(integers().between(1, 3000), 70);
        Gen<Integer> offsets = integers().between(0, 17);
        return lengths.zip(offsets, offsets, offsets, longs().all(), Case::new);
    }

    // ------------------------------------------------------------------ buffers and values

    /** A float range [off, off+n) inside a confined segment with guard floats around it. */
    private record Buf(MemorySegment seg, int off, int n) {
        static Buf of(Arena arena, int off, int n) {
            MemorySegment seg = arena.allocate((long) (GUARD + off + n + GUARD) * 4, 4);
            for (long i = 0; i < seg.byteSize() / 4; i++) seg.setAtIndex(F32, i, SENTINEL);
            return new Buf(seg, GUARD + off, n);
        }

        static Buf of(Arena arena, int off, float[] values) {
            Buf b = of(arena, off, values.length);
            for (int i = 0; i < values.length; i++) b.set(i, values[i]);
            return b;
        }

        float get(int i) { return seg.getAtIndex(F32, off + i); }

        void set(int i, float v) { seg.setAtIndex(F32, off + i, v); }

        float[] read() {
            float[] r = new float[n];
            for (int i = 0; i < n; i++) r[i] = get(i);
            return r;
        }

        void assertGuardsIntact(String what) {
            long total = seg.byteSize() / 4;
            for (long i = 0; i < total; i++) {
                if (i >= off && i < off + n) continue;
                if (Float.floatToRawIntBits(seg.getAtIndex(F32, i)) != Float.floatToRawIntBits(SENTINEL)) {
                    fail(what + ": wrote outside its range at float " + (i - off) + " (n=" + n + ")");
                }
            }
        }
    }

    /** Mostly finite values in [-100, 100] with small integers (ties), zeros of both signs and, if asked, specials. */
    private static float[] values(SplittableRandom r, int n, boolean specials) {
        return values(r, n, specials, 30);
    }

    /** As above with magnitudes up to 10^maxExp. */
    private static float[] values(SplittableRandom r, int n, boolean specials, int maxExp) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            int kind = r.nextInt(20);
            v[i] = switch (kind) {
                case 0 -> r.nextInt(-3, 4);
                case 1 -> r.nextBoolean() ? 0f : -0f;
                case 2 -> (float) (r.nextDouble(-1, 1) * Math.pow(10, r.nextInt(-30, maxExp + 1)));
                case 3 -> specials ? special(r) : 1f;
                default -> (float) r.nextDouble(-100, 100);
            };
        }
        return v;
    }

    private static float special(SplittableRandom r) {
        float[] s = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE,
            -Float.MAX_VALUE, Float.MIN_VALUE, -Float.MIN_NORMAL, 1e-40f};
        return s[r.nextInt(s.length)];
    }

    // ------------------------------------------------------------------ naive twins (double)

    private static double twin(UnaryOp op, double x, double p0, double p1) {
        return switch (op) {
            case NEG -> -x;
            case ABS -> x < 0 ? -x : (x == 0 ? 0.0 : x);
            case RELU -> Double.isNaN(x) ? x : (x > 0 ? x : 0.0);
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case SCALE -> x * p0;
            case CLAMP -> Double.isNaN(x) ? x : (x < p0 ? p0 : (x > p1 ? p1 : x));
        };
    }

    private static double twin(BinaryOp op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case MAX -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : (a > b ? a : (b > a ? b : a));
            case MIN -> Double.isNaN(a) || Double.isNaN(b) ? Double.NaN : (a < b ? a : (b < a ? b : a));
        };
    }

    /** First NaN, else first index of the maximum. */
    private static int twinArgmax(float[] a) {
        for (int i = 0; i < a.length; i++) if (Float.isNaN(a[i])) return i;
        double m = Double.NEGATIVE_INFINITY;
        for (float v : a) if (v > m) m = v;
        for (int i = 0; i < a.length; i++) if (a[i] == m) return i;
        throw new AssertionError("unreachable");
    }

    // ------------------------------------------------------------------ comparisons

    /** Exact agreement with the correctly rounded twin (ties of ±0 allowed; any NaN matches NaN). */
    private static void assertSame(String what, int i, float got, double want) {
        float w = (float) want;
        boolean ok = Float.isNaN(w) ? Float.isNaN(got) : got == w;
        if (!ok) fail(what + " at " + i + ": got " + got + " want " + w + " (" + want + ")");
    }

    /** Distance in float ulps of {@code got} from the exact {@code want} (specials must match exactly). */
    static double ulpDistance(float got, double want) {
        float w = (float) want;
        if (Float.isNaN(w) || Float.isInfinite(w) || Float.isNaN(got) || Float.isInfinite(got)) {
            return (Float.isNaN(w) && Float.isNaN(got)) || got == w ? 0 : Double.POSITIVE_INFINITY;
        }
        return Math.abs(got - want) / Math.ulp(w);
    }

    private static void assertWithinUlps(String what, int i, float x, float got, double want) {
        double d = ulpDistance(got, want);
        if (!(d <= TRANSCENDENTAL_ULPS)) {
            fail(what + "(" + x + ") at " + i + ": got " + got + " want " + (float) want + " (" + d + " ulps)");
        }
    }

    private static void assertClose(String what, double got, double want, double tol) {
        if (!(Math.abs(got - want) <= tol)) {
            fail(what + ": got " + got + " want " + want + " (|diff| " + Math.abs(got - want) + " > tol " + tol + ")");
        }
    }

    // ------------------------------------------------------------------ properties

    @Test
    void sumAndDotGiveTheSameBitsColdAndCompiled() {
        // lanes are added in a fixed order: the first (interpreted) call and the ten-thousandth
        // (compiled by C2) must agree bit for bit — reduceLanes(ADD) did not
        java.util.Random rng = new java.util.Random(7);
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            int n = 203;
            MemorySegment a = arena.allocate(4L * n, 64), b = arena.allocate(4L * n, 64);
            for (int i = 0; i < n; i++) {
                a.setAtIndex(F32, i, (float) rng.nextGaussian() * 1e3f);
                b.setAtIndex(F32, i, (float) rng.nextGaussian());
            }
            double sum0 = K.sum(a, 0, n), dot0 = K.dot(a, 0, b, 0, n);
            for (int rep = 0; rep < 30_000; rep++) {
                double s = K.sum(a, 0, n), d = K.dot(a, 0, b, 0, n);
                if (Double.doubleToLongBits(s) != Double.doubleToLongBits(sum0) || Double.doubleToLongBits(d) != Double.doubleToLongBits(dot0)) {
                    throw new AssertionError("call " + rep + ": sum " + s + " vs first " + sum0 + ", dot " + d + " vs first " + dot0);
                }
            }
        }
    }

    @Test
    void exactUnaryOpsMatchTheTwin() {
        UnaryOp[] exact = {UnaryOp.NEG, UnaryOp.ABS, UnaryOp.RELU, UnaryOp.SQRT, UnaryOp.SCALE, UnaryOp.CLAMP};
        qt().withExamples(150).forAll(cases()).checkAssert(c -> {
            SplittableRandom r = c.rng();
            float[] x = values(r, c.n, true);
            float lo = (float) r.nextDouble(-50, 10);
            float hi = r.nextInt(8) == 0 ? lo : lo + (float) r.nextDouble(0, 60);
            float scale = (float) r.nextDouble(-3, 3);
            try (Arena arena = Arena.ofConfined()) {
                for (UnaryOp op : exact) {
                    float p0 = op == UnaryOp.CLAMP ? lo : scale;
                    float p1 = op == UnaryOp.CLAMP ? hi : 0f;
                    boolean inPlace = r.nextInt(3) == 0;
                    Buf src = Buf.of(arena, c.offA, x);
                    Buf dst = inPlace ? src : Buf.of(arena, c.offD, c.n);
                    K.unary(op, p0, p1, src.seg, src.off, dst.seg, dst.off, c.n);
                    String what = K.name() + " " + op + (inPlace ? " in place" : "") + " n=" + c.n;
                    for (int i = 0; i < c.n; i++) assertSame(what, i, dst.get(i), twin(op, x[i], p0, p1));
                    dst.assertGuardsIntact(what);
                }
            }
        });
    }

    @Test
    void reluAndClampPropagateNaN() {
        qt().withExamples(60).forAll(cases()).checkAssert(c -> {
            SplittableRandom r = c.rng();
            float[] x = values(r, c.n, false);
            for (int k = 0; k <= c.n / 5; k++) x[r.nextInt(c.n)] = Float.NaN;
            try (Arena arena = Arena.ofConfined()) {
                Buf src = Buf.of(arena, c.offA, x);
                Buf dst = Buf.of(arena, c.offD, c.n);
                for (UnaryOp op : new UnaryOp[] {UnaryOp.RELU, UnaryOp.CLAMP}) {
                    K.unary(op, -1f, 1f, src.seg, src.off, dst.seg, dst.off, c.n);
                    assertNaNWhereInputIs(x, dst, op + " n=" + c.n);
                }
                Buf other = Buf.of(arena, c.offB, values(r, c.n, false));
                K.binary(BinaryOp.MAX, src.seg, src.off, other.seg, other.off, dst.seg, dst.off, c.n);
                assertNaNWhereInputIs(x, dst, "MAX(x, y)");
                K.binary(BinaryOp.MAX, other.seg, other.off, src.seg, src.off, dst.seg, dst.off, c.n);
                assertNaNWhereInputIs(x, dst, "MAX(y, x)");
            }
        });
    }

    private static void assertNaNWhereInputIs(float[] x, Buf dst, String what) {
        for (int i = 0; i < x.length; i++) {
            if (Float.isNaN(x[i]) != Float.isNaN(dst.get(i))) fail(what + " at " + i + ": input " + x[i] + ", output " + dst.get(i));
        }
    }

    @Test
    void expAndLogAreWithinOneUlpOnTheirDomain() {
        qt().withExamples(100).forAll(cases()).checkAssert(c -> {
            SplittableRandom r = c.rng();
            float[] ex = new float[c.n];
            float[] lg = new float[c.n];
            for (int i = 0; i < c.n; i++) {
                // exp: results stay normal floats; log: log-uniform over the normal range and near 1
                ex[i] = (float) (r.nextBoolean() ? r.nextDouble(-87, 88) : r.nextDouble(-2, 2));
                lg[i] = (float) (r.nextBoolean() ? Math.pow(10, r.nextDouble(-37, 38)) : r.nextDouble(0.5, 2));
            }
            try (Arena arena = Arena.ofConfined()) {
                Buf dst = Buf.of(arena, c.offD, c.n);
                Buf src = Buf.of(arena, c.offA, ex);
                K.unary(UnaryOp.EXP, 0, 0, src.seg, src.off, dst.seg, dst.off, c.n);
                String exp = K.name() + " EXP", log = K.name() + " LOG";
                for (int i = 0; i < c.n; i++) assertWithinUlps(exp, i, ex[i], dst.get(i), Math.exp(ex[i]));
                src = Buf.of(arena, c.offA, lg);
                K.unary(UnaryOp.LOG, 0, 0, src.seg, src.off, dst.seg, dst.off, c.n);
                for (int i = 0; i < c.n; i++) assertWithinUlps(log, i, lg[i], dst.get(i), Math.log(lg[i]));
                dst.assertGuardsIntact("EXP/LOG");
            }
        });
    }

    @Test
    void expAndLogHandleSpecialValues() {
        float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f, -1f, 1f, 100f, -110f,
            Float.MAX_VALUE, Float.MIN_VALUE, -Float.MAX_VALUE};
        // Repeat so that every value lands in vector lanes as well as in the scalar tail.
        int n = x.length * 11 + 3;
        try (Arena arena = Arena.ofConfined()) {
            Buf src = Buf.of(arena, 1, n);
            for (int i = 0; i < n; i++) src.set(i, x[i % x.length]);
            Buf dst = Buf.of(arena, 0, n);
            for (UnaryOp op : new UnaryOp[] {UnaryOp.EXP, UnaryOp.LOG}) {
                K.unary(op, 0, 0, src.seg, src.off, dst.seg, dst.off, n);
                for (int i = 0; i < n; i++) {
                    float v = src.get(i);
                    double want = op == UnaryOp.EXP ? Math.exp(v) : Math.log(v);
                    if (op == UnaryOp.EXP && want < Float.MIN_NORMAL && want > 0) {
                        // exp(-110) is subnormal: accept any value in [0, 2^-126] (flush to zero allowed)
                        assertTrue(dst.get(i) >= 0 && dst.get(i) <= Float.MIN_NORMAL, op + "(" + v + ") = " + dst.get(i));
                    } else {
                        assertWithinUlps(K.name() + " " + op, i, v, dst.get(i), want);
                    }
                }
            }
        }
    }

    @Test
    void binaryOpsMatchTheTwinExactly() {
        qt().withExamples(150).forAll(cases()).checkAssert(c -> {
            SplittableRandom r = c.rng();
            float[] a = values(r, c.n, true);
            float[] b = values(r, c.n, true);
            try (Arena arena = Arena.ofConfined()) {
                for (BinaryOp op : BinaryOp.values()) {
                    Buf ab = Buf.of(arena, c.offA, a);
                    Buf bb = Buf.of(arena, c.offB, b);
                    int alias = r.nextInt(4); // 0: dst = a, 1: dst = b, else separate
                    Buf dst = alias == 0 ? ab : alias == 1 ? bb : Buf.of(arena, c.offD, c.n);
                    K.binary(op, ab.seg, ab.off, bb.seg, bb.off, dst.seg, dst.off, c.n);
                    String what = K.name() + " " + op + " n=" + c.n + " alias=" + alias;
                    for (int i = 0; i < c.n; i++) assertSame(what, i, dst.get(i), twin(op, a[i], b[i]));
                    dst.assertGuardsIntact(what);
                }
            }
        });
    }

    @Test
    void binaryScalarOpsMatchTheTwinOnBothSides() {
        qt().withExamples(120).forAll(cases()).checkAssert(c -> {
            SplittableRandom r = c.rng();
            float[] a = values(r, c.n, true);
            try (Arena arena = Arena.ofConfined()) {
                for (BinaryOp op : BinaryOp.values()) {
                    for (boolean right : new boolean[] {true, false}) {
                        float s = r.nextInt(10) == 0 ? special(r) : values(r, 1, false)[0];
                        Buf ab = Buf.of(arena, c.offA, a);
                        Buf dst = r.nextBoolean() ? ab : Buf.of(arena, c.offD, c.n);
                        K.binaryScalar(op, ab.seg, ab.off, s, right, dst.seg, dst.off, c.n);
                        String what = K.name() + " " + op + (right ? "(a, s)" : "(s, a)") + " s=" + s + " n=" + c.n;
                        for (int i = 0; i < c.n; i++) {
                            assertSame(what, i, dst.get(i), right ? twin(op, a[i], s) : twin(op, s, a[i]));
                        }
                        dst.assertGuardsIntact(what);
                    }
                }
            }
        });
    }

    @Test
    void axpyFillAndCopyMatchTheTwin() {
        qt().withExamples(150).forAll(cases()).checkAssert(c -> {
            SplittableRandom r = c.rng();
            float[] x = new float[c.n];
            float[] y = new float[c.n];
            for (int i = 0; i < c.n; i++) {
                x[i] = (float) r.nextDouble(-1000, 1000);
                y[i] = r.nextInt(10) == 0 ? 0f : (float) r.nextDouble(-1000, 1000);
            }
            float alpha = r.nextInt(10) == 0 ? 0f : (float) r.nextDouble(-4, 4);
            try (Arena arena = Arena.ofConfined()) {
                Buf xb = Buf.of(arena, c.offA, x);
                Buf yb = Buf.of(arena, c.offD, y);
                K.axpy(alpha, xb.seg, xb.off, yb.seg, yb.off, c.n);
                for (int i = 0; i < c.n; i++) {
                    double ax = (double) alpha * x[i];
                    // fused or unfused: at most one rounding of alpha*x plus one of the sum
                    double tol = 0x1p-23 * (Math.abs(y[i]) + Math.abs(ax));
                    assertClose(K.name() + " axpy at " + i + " n=" + c.n, yb.get(i), y[i] + ax, tol);
                }
                yb.assertGuardsIntact("axpy");
                assertArrayBitsEqual(x, xb.read(), "axpy must not modify x");

                float v = values(r, 1, true)[0];
                Buf fb = Buf.of(arena, c.offB, c.n);
                K.fill(fb.seg, fb.off, c.n, v);
                String fwhat = K.name() + " fill " + v;
                for (int i = 0; i < c.n; i++) assertSame(fwhat, i, fb.get(i), v);
                fb.assertGuardsIntact("fill");

                float[] src = values(r, c.n, true);
                Buf sb = Buf.of(arena, c.offA, src);
                Buf db = Buf.of(arena, c.offD, c.n);
                K.copy(sb.seg, sb.off, db.seg, db.off, c.n);
                assertArrayBitsEqual(src, db.read(), K.name() + " copy n=" + c.n);
                db.assertGuardsIntact("copy");
                K.copy(sb.seg, sb.off, sb.seg, sb.off, c.n);
                assertArrayBitsEqual(src, sb.read(), K.name() + " copy onto itself n=" + c.n);
            }
        });
    }

    private static void assertArrayBitsEqual(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(want[i]) != Float.floatToRawIntBits(got[i])) {
                fail(what + ": element " + i + " is " + got[i] + ", want " + want[i]);
            }
        }
    }

    @Test
    void sumAndDotAreWithinFloatBlockAccumulationError() {
        qt().withExamples(200).forAll(cases()).checkAssert(c -> {
            SplittableRandom r = c.rng();
            // Magnitudes up to 1e15: the vector kernels accumulate products in float blocks, so
            // terms or block sums beyond Float.MAX_VALUE overflow by design (see FloatKernels).
            float[] a = values(r, c.n, false, 15);
            float[] b = values(r, c.n, false, 15);
            if (r.nextInt(4) == 0) for (int i = 0; i < c.n; i++) a[i] = Math.abs(a[i]) + 1e3f; // no cancellation
            double sum = 0, sumAbs = 0, dot = 0, dotAbs = 0;
            for (int i = 0; i < c.n; i++) {
                sum += a[i];
                sumAbs += Math.abs(a[i]);
                dot += (double) a[i] * b[i];
                dotAbs += Math.abs((double) a[i] * b[i]);
            }
            try (Arena arena = Arena.ofConfined()) {
                Buf ab = Buf.of(arena, c.offA, a);
                Buf bb = Buf.of(arena, c.offB, b);
                assertClose(K.name() + " sum n=" + c.n, K.sum(ab.seg, ab.off, c.n), sum, 1e-5 * sumAbs + 1e-30);
                assertClose(K.name() + " dot n=" + c.n, K.dot(ab.seg, ab.off, bb.seg, bb.off, c.n), dot, 1e-5 * dotAbs + 1e-30);
                assertClose(K.name() + " dot(a, a) n=" + c.n, K.dot(ab.seg, ab.off, ab.seg, ab.off, c.n),
                        selfDot(a), 1e-5 * selfDot(a) + 1e-30);
            }
        });
    }

    private static double selfDot(float[] a) {
        double s = 0;
        for (float v : a) s += (double) v * v;
        return s;
    }

    @Test
    void argmaxReturnsTheFirstMaximumOrTheFirstNaN() {
        qt().withExamples(300).forAll(cases()).checkAssert(c -> {
            SplittableRandom r = c.rng();
            float[] a = new float[c.n];
            int mode = r.nextInt(4);
            for (int i = 0; i < c.n; i++) {
                a[i] = switch (mode) {
                    case 0 -> r.nextInt(-4, 3);                        // many ties
                    case 1 -> (float) r.nextDouble(-1e6, 1e6);         // distinct
                    case 2 -> r.nextInt(6) == 0 ? Float.NEGATIVE_INFINITY : -r.nextInt(3) - 0f; // ties at 0, -inf
                    default -> -5f;                                    // all equal
                };
            }
            if (r.nextInt(3) == 0) {
                for (int k = 0, nans = 1 + r.nextInt(3); k < nans; k++) a[r.nextInt(c.n)] = Float.NaN;
            } else if (r.nextInt(3) == 0) {
                a[c.n - 1] = 1e30f; // maximum in the tail
            }
            try (Arena arena = Arena.ofConfined()) {
                Buf ab = Buf.of(arena, c.offA, a);
                assertEquals(twinArgmax(a), K.argmax(ab.seg, ab.off, c.n), K.name() + " argmax n=" + c.n + " mode=" + mode);
            }
        });
    }

    @Test
    void scalarKernelsAgreeWithTheActiveProvider() {
        qt().withExamples(50).forAll(cases()).checkAssert(c -> {
            SplittableRandom r = c.rng();
            float[] a = values(r, c.n, true);
            float[] b = values(r, c.n, true);
            try (Arena arena = Arena.ofConfined()) {
                Buf ab = Buf.of(arena, c.offA, a);
                Buf bb = Buf.of(arena, c.offB, b);
                Buf d1 = Buf.of(arena, c.offD, c.n);
                Buf d2 = Buf.of(arena, c.offD, c.n);
                for (UnaryOp op : UnaryOp.values()) {
                    String what = "scalar vs " + K.name() + " " + op;
                    K.unary(op, -2f, 3f, ab.seg, ab.off, d1.seg, d1.off, c.n);
                    SCALAR.unary(op, -2f, 3f, ab.seg, ab.off, d2.seg, d2.off, c.n);
                    for (int i = 0; i < c.n; i++) {
                        if (op == UnaryOp.EXP || op == UnaryOp.LOG) {
                            if (Float.isFinite(d2.get(i)) && d2.get(i) != 0f && Math.abs(d2.get(i)) >= Float.MIN_NORMAL) {
                                assertWithinUlps(what, i, a[i], d1.get(i), d2.get(i));
                            } else if (Math.abs(d2.get(i)) < Float.MIN_NORMAL) { // zero or subnormal
                                assertTrue(Math.abs(d1.get(i)) <= Float.MIN_NORMAL, op + "(" + a[i] + ") = " + d1.get(i));
                            } else { // NaN or infinite
                                assertSame(what, i, d1.get(i), d2.get(i));
                            }
                        } else {
                            assertSame(what, i, d1.get(i), d2.get(i));
                        }
                    }
                }
                for (BinaryOp op : BinaryOp.values()) {
                    String what = "scalar vs " + K.name() + " " + op;
                    K.binary(op, ab.seg, ab.off, bb.seg, bb.off, d1.seg, d1.off, c.n);
                    SCALAR.binary(op, ab.seg, ab.off, bb.seg, bb.off, d2.seg, d2.off, c.n);
                    for (int i = 0; i < c.n; i++) assertSame(what, i, d1.get(i), d2.get(i));
                    K.binaryScalar(op, ab.seg, ab.off, 1.5f, false, d1.seg, d1.off, c.n);
                    SCALAR.binaryScalar(op, ab.seg, ab.off, 1.5f, false, d2.seg, d2.off, c.n);
                    for (int i = 0; i < c.n; i++) assertSame(what + " (s, a)", i, d1.get(i), d2.get(i));
                }
                float[] fin = values(r, c.n, false, 15);
                Buf fb = Buf.of(arena, c.offA, fin);
                double absSum = 0;
                for (float v : fin) absSum += Math.abs(v);
                assertClose("scalar vs " + K.name() + " sum", K.sum(fb.seg, fb.off, c.n), SCALAR.sum(fb.seg, fb.off, c.n),
                        2e-5 * absSum + 1e-30);
                assertEquals(SCALAR.argmax(ab.seg, ab.off, c.n), K.argmax(ab.seg, ab.off, c.n), "scalar vs " + K.name() + " argmax");
                assertEquals(SCALAR.argmax(fb.seg, fb.off, c.n), K.argmax(fb.seg, fb.off, c.n), "scalar vs " + K.name() + " argmax");
            }
        });
    }

    @Test
    void providerReportsItsWidth() {
        if (K.name().equals("scalar")) {
            assertEquals(32, K.vectorBitSize());
        } else {
            assertEquals("panama-" + K.vectorBitSize(), K.name());
            String prop = System.getProperty(Kernels.PROPERTY, "auto");
            if (!prop.equals("auto")) assertEquals(prop, Integer.toString(K.vectorBitSize()));
        }
    }
}
