package dev.tenfold.simd;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API kernels. Loaded only through {@link Kernels} (reflectively), so the class is never
 * touched on a JVM without {@code jdk.incubator.vector}. Loop template: independent
 * accumulators, reduction after the loop, scalar tail. The species is fixed at class
 * initialisation from {@code -Dtenfold.simd=128|256|512} or the platform's preferred shape.
 */
final class PanamaFloatKernels implements FloatKernels {
    static final VectorSpecies<Float> F = pickSpecies(System.getProperty(Kernels.PROPERTY, "auto"));
    private static final int L = F.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    /** Floats summed in float accumulators before the block sum is added in double. */
    private static final int BLOCK = 2048;

    static VectorSpecies<Float> pickSpecies(String prop) {
        return switch (prop) {
            case "128" -> FloatVector.SPECIES_128;
            case "256" -> FloatVector.SPECIES_256;
            case "512" -> FloatVector.SPECIES_512;
            default -> FloatVector.SPECIES_PREFERRED;
        };
    }

    PanamaFloatKernels() { }

    private static FloatVector load(MemorySegment s, long i) {
        return FloatVector.fromMemorySegment(F, s, i << 2, LE);
    }

    private static void store(FloatVector v, MemorySegment s, long i) {
        v.intoMemorySegment(s, i << 2, LE);
    }

    private static float at(MemorySegment s, long i) {
        return ScalarFloatKernels.at(s, i);
    }

    @Override public String name() { return "panama-" + F.vectorBitSize(); }

    @Override public int vectorBitSize() { return F.vectorBitSize(); }

    @Override
    public void fill(MemorySegment dst, long dstOff, long n, float value) {
        FloatVector v = FloatVector.broadcast(F, value);
        long i = 0;
        for (long bound = F.loopBound(n); i < bound; i += L) store(v, dst, dstOff + i);
        for (; i < n; i++) ScalarFloatKernels.put(dst, dstOff + i, value);
    }

    @Override
    public void copy(MemorySegment src, long srcOff, MemorySegment dst, long dstOff, long n) {
        ScalarFloatKernels.INSTANCE.copy(src, srcOff, dst, dstOff, n);
    }

    @Override
    public void unary(UnaryOp op, float p0, float p1, MemorySegment src, long so,
                      MemorySegment dst, long d, long n) {
        long i = 0;
        long b = F.loopBound(n);
        FloatVector zero = FloatVector.zero(F);
        switch (op) {
            case NEG -> { for (; i < b; i += L) store(load(src, so + i).neg(), dst, d + i); }
            case ABS -> { for (; i < b; i += L) store(load(src, so + i).abs(), dst, d + i); }
            case RELU -> {
                for (; i < b; i += L) {
                    FloatVector x = load(src, so + i);
                    store(x.blend(zero, x.compare(VectorOperators.LE, 0f)), dst, d + i);
                }
            }
            case EXP -> { for (; i < b; i += L) store(load(src, so + i).lanewise(VectorOperators.EXP), dst, d + i); }
            case LOG -> { for (; i < b; i += L) store(load(src, so + i).lanewise(VectorOperators.LOG), dst, d + i); }
            case SQRT -> { for (; i < b; i += L) store(load(src, so + i).sqrt(), dst, d + i); }
            case SCALE -> { for (; i < b; i += L) store(load(src, so + i).mul(p0), dst, d + i); }
            case CLAMP -> {
                for (; i < b; i += L) {
                    FloatVector x = load(src, so + i);
                    VectorMask<Float> nan = x.test(VectorOperators.IS_NAN);
                    store(x.max(p0).min(p1).blend(x, nan), dst, d + i);
                }
            }
        }
        for (; i < n; i++) ScalarFloatKernels.put(dst, d + i, op.apply(at(src, so + i), p0, p1));
    }

    @Override
    public void binary(BinaryOp op, MemorySegment a, long ao, MemorySegment bs, long bo,
                       MemorySegment dst, long d, long n) {
        long i = 0;
        long b = F.loopBound(n);
        switch (op) {
            case ADD -> { for (; i < b; i += L) store(load(a, ao + i).add(load(bs, bo + i)), dst, d + i); }
            case SUB -> { for (; i < b; i += L) store(load(a, ao + i).sub(load(bs, bo + i)), dst, d + i); }
            case MUL -> { for (; i < b; i += L) store(load(a, ao + i).mul(load(bs, bo + i)), dst, d + i); }
            case DIV -> { for (; i < b; i += L) store(load(a, ao + i).div(load(bs, bo + i)), dst, d + i); }
            case MAX -> { for (; i < b; i += L) store(load(a, ao + i).max(load(bs, bo + i)), dst, d + i); }
            case MIN -> { for (; i < b; i += L) store(load(a, ao + i).min(load(bs, bo + i)), dst, d + i); }
        }
        for (; i < n; i++) ScalarFloatKernels.put(dst, d + i, op.apply(at(a, ao + i), at(bs, bo + i)));
    }

    @Override
    public void binaryScalar(BinaryOp op, MemorySegment a, long ao, float s, boolean scalarRight,
                             MemorySegment dst, long d, long n) {
        long i = 0;
        long b = F.loopBound(n);
        FloatVector sv = FloatVector.broadcast(F, s);
        if (!scalarRight && (op == BinaryOp.SUB || op == BinaryOp.DIV)) {
            if (op == BinaryOp.SUB) {
                for (; i < b; i += L) store(sv.sub(load(a, ao + i)), dst, d + i);
            } else {
                for (; i < b; i += L) store(sv.div(load(a, ao + i)), dst, d + i);
            }
        } else {
            switch (op) { // commutative or scalar on the right
                case ADD -> { for (; i < b; i += L) store(load(a, ao + i).add(sv), dst, d + i); }
                case SUB -> { for (; i < b; i += L) store(load(a, ao + i).sub(sv), dst, d + i); }
                case MUL -> { for (; i < b; i += L) store(load(a, ao + i).mul(sv), dst, d + i); }
                case DIV -> { for (; i < b; i += L) store(load(a, ao + i).div(sv), dst, d + i); }
                case MAX -> { for (; i < b; i += L) store(load(a, ao + i).max(sv), dst, d + i); }
                case MIN -> { for (; i < b; i += L) store(load(a, ao + i).min(sv), dst, d + i); }
            }
        }
        for (; i < n; i++) {
            float x = at(a, ao + i);
            ScalarFloatKernels.put(dst, d + i, scalarRight ? op.apply(x, s) : op.apply(s, x));
        }
    }

    @Override
    public void axpy(float alpha, MemorySegment x, long xo, MemorySegment y, long yo, long n) {
        long i = 0;
        FloatVector av = FloatVector.broadcast(F, alpha);
        for (long b = F.loopBound(n); i < b; i += L) {
            store(load(x, xo + i).fma(av, load(y, yo + i)), y, yo + i);
        }
        for (; i < n; i++) ScalarFloatKernels.put(y, yo + i, at(y, yo + i) + alpha * at(x, xo + i));
    }

    @Override
    public double sum(MemorySegment a, long ao, long n) {
        double total = 0;
        for (long start = 0; start < n; start += BLOCK) {
            int len = (int) Math.min(BLOCK, n - start);
            double block = sumBlock(a, ao + start, len);
            // float accumulators can overflow where a double sum does not: redo such a block in double
            total += Double.isFinite(block) ? block : ScalarFloatKernels.INSTANCE.sum(a, ao + start, len);
        }
        return total;
    }

    /**
     * Σ lanes in lane order, in double: the same bits interpreted or compiled ({@code reduceLanes}
     * may add in another order once C2 compiles the caller, so a result would depend on JIT state).
     */
    private static double inLaneOrder(FloatVector v) {
        double s = 0;
        for (int l = 0; l < L; l++) s += v.lane(l);
        return s;
    }

    private static double sumBlock(MemorySegment a, long o, int n) {
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (int b = n - 4 * L; i <= b; i += 4 * L) {
            s0 = s0.add(load(a, o + i));
            s1 = s1.add(load(a, o + i + L));
            s2 = s2.add(load(a, o + i + 2 * L));
            s3 = s3.add(load(a, o + i + 3 * L));
        }
        for (int b = n - L; i <= b; i += L) s0 = s0.add(load(a, o + i));
        double s = inLaneOrder(s0.add(s1).add(s2.add(s3)));
        for (; i < n; i++) s += at(a, o + i);
        return s;
    }

    @Override
    public double dot(MemorySegment a, long ao, MemorySegment b, long bo, long n) {
        double total = 0;
        for (long start = 0; start < n; start += BLOCK) {
            int len = (int) Math.min(BLOCK, n - start);
            double block = dotBlock(a, ao + start, b, bo + start, len);
            total += Double.isFinite(block) ? block
                    : ScalarFloatKernels.INSTANCE.dot(a, ao + start, b, bo + start, len);
        }
        return total;
    }

    private static double dotBlock(MemorySegment a, long ao, MemorySegment b, long bo, int n) {
        FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
        int i = 0;
        for (int e = n - 4 * L; i <= e; i += 4 * L) {
            s0 = load(a, ao + i).fma(load(b, bo + i), s0);
            s1 = load(a, ao + i + L).fma(load(b, bo + i + L), s1);
            s2 = load(a, ao + i + 2 * L).fma(load(b, bo + i + 2 * L), s2);
            s3 = load(a, ao + i + 3 * L).fma(load(b, bo + i + 3 * L), s3);
        }
        for (int e = n - L; i <= e; i += L) s0 = load(a, ao + i).fma(load(b, bo + i), s0);
        double s = inLaneOrder(s0.add(s1).add(s2.add(s3)));
        for (; i < n; i++) s += (double) at(a, ao + i) * at(b, bo + i);
        return s;
    }

    @Override
    public long argmax(MemorySegment a, long ao, long n) {
        if (n < 1) throw new IllegalArgumentException("argmax: n must be >= 1, got " + n);
        long i = 0;
        long b = F.loopBound(n);
        float best = at(a, ao);
        if (b > 0) {
            FloatVector m = load(a, ao);
            for (i = L; i < b; i += L) m = m.max(load(a, ao + i)); // Math.max semantics: NaN wins
            best = m.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) best = Math.max(best, at(a, ao + i));
        // Second pass: first index equal to the maximum (or the first NaN).
        boolean nan = Float.isNaN(best);
        for (long j = 0; j < n; j++) {
            float v = at(a, ao + j);
            if (nan ? Float.isNaN(v) : v == best) return j;
        }
        throw new AssertionError("argmax: maximum not found");
    }
}
