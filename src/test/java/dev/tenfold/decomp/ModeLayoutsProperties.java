package dev.tenfold.decomp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.tenfold.linalg.Gemm;
import dev.tenfold.tensor.Tensor;
import dev.tenfold.tensor.TensorScope;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The copies of X with one mode moved last, and the block transpose behind them. */
class ModeLayoutsProperties {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT;

    /**
     * Both kernels against an index oracle: odd and size-1 shapes (tails of the 8 × 8 tiles),
     * padded strides and odd offsets on both sides; the floats around the block stay untouched.
     */
    @Test
    void bothTransposeKernelsMoveEveryValueToItsTransposedPlace() {
        qt().withExamples(80).forAll(integers().between(1, 45), integers().between(1, 45), longs().all()).checkAssert((rows, cols, seed) -> {
            Random rng = new Random(seed);
            int lds = cols + rng.nextInt(4), ldd = rows + rng.nextInt(4), so = rng.nextInt(9), doff = rng.nextInt(9);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment src = arena.allocate((long) (so + rows * lds) * Float.BYTES, 4);
                for (long i = 0; i < src.byteSize() / Float.BYTES; i++) src.setAtIndex(F32, i, rng.nextFloat() - 0.5f);
                long dstFloats = doff + (long) cols * ldd + 3;
                for (SkinnyKernels kern : new SkinnyKernels[] {SkinnyKernels.get(), SkinnyKernels.SCALAR}) {
                    MemorySegment dst = arena.allocate(dstFloats * Float.BYTES, 4);
                    for (long i = 0; i < dstFloats; i++) dst.setAtIndex(F32, i, Float.NaN);
                    kern.transpose(src, so, lds, dst, doff, ldd, rows, cols);
                    for (int j = 0; j < cols; j++) {
                        for (int i = 0; i < ldd; i++) {
                            long at = doff + (long) j * ldd + i;
                            float want = i < rows ? src.getAtIndex(F32, so + (long) i * lds + j) : Float.NaN;
                            assertEquals(want, dst.getAtIndex(F32, at), kern.getClass() + " " + rows + "×" + cols + " lds " + lds + " ldd " + ldd
                                    + " at (" + j + ", " + i + ")");
                        }
                    }
                    for (long i = 0; i < doff; i++) assertEquals(Float.NaN, dst.getAtIndex(F32, i), "before the block");
                    for (long i = doff + (long) cols * ldd; i < dstFloats; i++) assertEquals(Float.NaN, dst.getAtIndex(F32, i), "after the block");
                }
            }
        });
    }

    /** X^(k) equals the generic copy of X permuted to (modes before k, modes after k, k), for every k, on one and two threads. */
    @Test
    void modeLastIsThePermutedCopyOfX() {
        qt().withExamples(60).forAll(integers().between(1, 4), longs().all()).checkAssert((order, seed) -> {
            Random rng = new Random(seed);
            int[] dims = new int[order];
            for (int k = 0; k < order; k++) dims[k] = 1 + rng.nextInt(rng.nextBoolean() ? 5 : (order <= 2 ? 300 : 40));
            int before = Gemm.threads();
            Gemm.setThreads(1 + rng.nextInt(2));
            try (TensorScope scope = TensorScope.open()) {
                Tensor x = scope.normal(rng.nextLong(), 0f, 1f, dims);
                for (int k = 0; k < order; k++) {
                    int[] perm = new int[order];
                    for (int j = 0, p = 0; j < order; j++) if (j != k) perm[p++] = j;
                    perm[order - 1] = k;
                    float[] want = x.permute(perm).copy().toArray();
                    Tensor got = ModeLayouts.modeLast(x, k, scope);
                    assertEquals(3, got.rank());
                    assertArrayEquals(want, got.toArray(), Arrays.toString(dims) + " mode " + k);
                }
            } finally {
                Gemm.setThreads(before);
            }
        });
    }

    /** A big slice takes the banded tasks (rows × columns split); a run of small slices one task each. */
    @Test
    void bandedAndWholeSliceTasksGiveThePermutedCopy() {
        try (TensorScope scope = TensorScope.open()) {
            for (int[] dims : new int[][] {{37, 9001}, {3, 37, 2100}, {70, 61, 67}}) {
                Tensor x = scope.normal(7, 0f, 1f, dims);
                for (int k = 0; k < dims.length - 1; k++) {
                    int[] perm = new int[dims.length];
                    for (int j = 0, p = 0; j < dims.length; j++) if (j != k) perm[p++] = j;
                    perm[dims.length - 1] = k;
                    assertArrayEquals(x.permute(perm).copy().toArray(), ModeLayouts.modeLast(x, k, scope).toArray(),
                            Arrays.toString(dims) + " mode " + k);
                }
            }
        }
    }
}
