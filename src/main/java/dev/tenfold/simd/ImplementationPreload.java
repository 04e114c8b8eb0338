package dev.tenfold.simd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Loads, once and before any kernel is hot, the implementation classes whose first loading later
 * would throw compiled kernels away. C2 compiles a kernel against the classes loaded so far: while
 * {@code Float256Mask} is the only mask class, or the native segment the only
 * {@code MemorySegment}, calls through those types are bound to it, and the code records that
 * assumption. Loading a second implementation deoptimizes every method that relied on it. In a
 * cold HOOI fit of 200³ the first double mask (loaded by the first double product, ~2.3 s in)
 * invalidated {@code threeByThree}, its OSR form and its callers mid-fit, and the first heap byte
 * segment (the .npy writer) invalidated 85 compiled methods, each then run in slower tiers until
 * C2 compiled it again ({@code -Xlog:dependencies=debug} shows the "dependee").
 *
 * <p>So this touches, for the float species the kernels use, the double species of its shape and
 * the half-width float species: a mask, a shuffle, masked and plain loads and stores on arrays,
 * native and heap segments; and it creates a heap segment of every primitive array type. It runs
 * in the interpreter in well under a millisecond of work; nothing it makes is kept.
 */
final class ImplementationPreload {
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private ImplementationPreload() { }

    /** Touches the implementations for the float species {@code f} (see the class comment). */
    static void run(VectorSpecies<Float> f) {
        MemorySegment.ofArray(new byte[8]);
        MemorySegment.ofArray(new short[4]);
        MemorySegment.ofArray(new char[4]);
        MemorySegment.ofArray(new int[2]);
        MemorySegment.ofArray(new long[1]);
        MemorySegment.ofArray(new double[1]);
        VectorShape shape = f.vectorShape();
        floats(f);
        doubles(VectorSpecies.of(double.class, shape));
        if (f.vectorBitSize() >= 128) {
            VectorShape half = VectorShape.forBitSize(f.vectorBitSize() / 2);
            floats(VectorSpecies.of(float.class, half));
            doubles(VectorSpecies.of(double.class, half));
        }
    }

    private static void floats(VectorSpecies<Float> s) {
        int n = s.length();
        float[] a = new float[n];
        VectorMask<Float> m = s.indexInRange(0, 1);
        VectorShuffle.iota(s, 0, 1, true);
        FloatVector v = FloatVector.fromArray(s, a, 0).add(FloatVector.fromArray(s, a, 0, m));
        v.intoArray(a, 0);
        v.intoArray(a, 0, m);
        try (Arena arena = Arena.ofConfined()) {
            for (MemorySegment seg : new MemorySegment[] {arena.allocate((long) n * Float.BYTES, 64), MemorySegment.ofArray(a)}) {
                FloatVector w = FloatVector.fromMemorySegment(s, seg, 0, LE).add(FloatVector.fromMemorySegment(s, seg, 0, LE, m));
                w.intoMemorySegment(seg, 0, LE);
                w.intoMemorySegment(seg, 0, LE, m);
            }
        }
    }

    private static void doubles(VectorSpecies<Double> s) {
        int n = s.length();
        double[] a = new double[n];
        VectorMask<Double> m = s.indexInRange(0, 1);
        VectorShuffle.iota(s, 0, 1, true);
        DoubleVector v = DoubleVector.fromArray(s, a, 0).add(DoubleVector.fromArray(s, a, 0, m));
        v.intoArray(a, 0);
        v.intoArray(a, 0, m);
        try (Arena arena = Arena.ofConfined()) {
            for (MemorySegment seg : new MemorySegment[] {arena.allocate((long) n * Double.BYTES, 64), MemorySegment.ofArray(a)}) {
                DoubleVector w = DoubleVector.fromMemorySegment(s, seg, 0, LE).add(DoubleVector.fromMemorySegment(s, seg, 0, LE, m));
                w.intoMemorySegment(seg, 0, LE);
                w.intoMemorySegment(seg, 0, LE, m);
            }
        }
    }
}
