package dev.tenfold.simd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.Vector;
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
 * the half-width float and double species: a mask, a shuffle, loads and (masked) stores on a
 * native and a heap segment; and it creates a heap segment of every primitive array type. Nothing
 * it makes is kept. Its cost is class loading at start-up: 42–57 ms in a fresh JVM on top of the
 * ~90–100 ms any first float vector operation pays (much of it classes the decompositions load
 * later anyway), against ~1 s lost to one invalidation mid-run ({@code bench/deopt}).
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
        VectorShape shape = f.vectorShape();
        touch(f, new float[f.length()]);
        VectorSpecies<Double> d = VectorSpecies.of(double.class, shape);
        touch(d, new double[d.length()]);
        if (f.vectorBitSize() >= 128) {
            VectorShape half = VectorShape.forBitSize(f.vectorBitSize() / 2);
            VectorSpecies<Float> fh = VectorSpecies.of(float.class, half);
            VectorSpecies<Double> dh = VectorSpecies.of(double.class, half);
            touch(fh, new float[fh.length()]);
            touch(dh, new double[dh.length()]);
        }
    }

    /** A mask, a shuffle, an array load, and plain and masked segment loads and stores on a native and a heap segment. */
    private static <E> void touch(VectorSpecies<E> s, Object array) {
        VectorMask<E> m = s.indexInRange(0, 1);
        VectorShuffle.iota(s, 0, 1, true);
        Vector<E> v = s.fromArray(array, 0);
        MemorySegment heap = array instanceof float[] fa ? MemorySegment.ofArray(fa) : MemorySegment.ofArray((double[]) array);
        try (Arena arena = Arena.ofConfined()) {
            for (MemorySegment seg : new MemorySegment[] {arena.allocate(s.vectorByteSize(), 64), heap}) {
                Vector<E> w = s.fromMemorySegment(seg, 0, LE).add(v).blend(v, m);
                w.intoMemorySegment(seg, 0, LE);
                w.intoMemorySegment(seg, 0, LE, m);
            }
        }
    }
}
