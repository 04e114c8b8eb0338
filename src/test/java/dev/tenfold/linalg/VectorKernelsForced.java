package dev.tenfold.linalg;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenfold.simd.Kernels;
import org.junit.jupiter.api.Test;

/**
 * Mixin for a subclass that reruns a solver test class with {@link DoubleKernels#forWork} forced
 * to the Vector API kernels for every problem size (instead of only above the warm-up threshold),
 * so both kernel sets run the same properties; {@link KernelChoice} does the forcing. The extra
 * test proves the forcing is in effect.
 */
interface VectorKernelsForced {

    @Test
    default void vectorKernelsAreUsedForEveryProblemSize() {
        assertSame(DoubleKernels.get(), DoubleKernels.forWork(0));
        assertSame(DoubleKernels.get(), DoubleKernels.forWork(1));
        if (Kernels.vectorModulePresent() && !"scalar".equals(System.getProperty(Kernels.PROPERTY))) {
            assertTrue(DoubleKernels.get().name().startsWith("panama"), DoubleKernels.get().name());
        }
    }
}
