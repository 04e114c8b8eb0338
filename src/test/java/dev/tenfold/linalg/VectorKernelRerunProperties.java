package dev.tenfold.linalg;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tenfold.simd.Kernels;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Reruns every solver test class with {@link DoubleKernels#forWork} forced to the Vector API
 * kernels for every problem size (instead of only above the warm-up threshold), so both kernel
 * sets pass the same properties. {@link KernelChoice} does the forcing for any test class that
 * implements {@link Forced}; each rerun also proves the forcing is in effect.
 */
class VectorKernelRerunProperties {

    /** Marks a rerun; its extra test asserts that the vector kernels really serve every size. */
    interface Forced {
        @Test
        default void vectorKernelsAreUsedForEveryProblemSize() {
            assertSame(DoubleKernels.get(), DoubleKernels.forWork(0));
            assertSame(DoubleKernels.get(), DoubleKernels.forWork(1));
            if (Kernels.vectorModulePresent() && !"scalar".equals(System.getProperty(Kernels.PROPERTY))) {
                assertTrue(DoubleKernels.get().name().startsWith("panama"), DoubleKernels.get().name());
            }
        }
    }

    @Nested
    class CholeskyRerun extends CholeskyProperties implements Forced { }

    @Nested
    class DenseMatrixRerun extends DenseMatrixTest implements Forced { }

    @Nested
    class LeadingSingularVectorsRerun extends LeadingSingularVectorsProperties implements Forced { }

    @Nested
    class QRRerun extends QRProperties implements Forced { }

    @Nested
    class SvdRerun extends SvdProperties implements Forced { }

    @Nested
    class SymmetricEigenRerun extends SymmetricEigenProperties implements Forced { }
}
