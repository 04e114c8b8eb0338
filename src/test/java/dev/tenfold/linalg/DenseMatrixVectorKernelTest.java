package dev.tenfold.linalg;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Reruns {@link DenseMatrixTest} with the Vector API kernels forced for every problem size. */
class DenseMatrixVectorKernelTest extends DenseMatrixTest {
    private static double previousThreshold;

    @BeforeAll
    static void configureKernels() {
        previousThreshold = LinalgTestSupport.forceKernels(true);
    }

    @AfterAll
    static void restoreKernels() {
        DoubleKernels.setVectorMinFlops(previousThreshold);
    }
}
