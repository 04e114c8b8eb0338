package dev.tenfold.linalg;

/** Reruns {@link DenseMatrixTest} with the Vector API kernels forced for every problem size. */
class DenseMatrixVectorKernelTest extends DenseMatrixTest implements VectorKernelsForced {
}
