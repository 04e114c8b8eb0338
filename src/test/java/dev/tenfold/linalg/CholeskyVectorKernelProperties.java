package dev.tenfold.linalg;

/** Reruns {@link CholeskyProperties} with the Vector API kernels forced for every problem size. */
class CholeskyVectorKernelProperties extends CholeskyProperties implements VectorKernelsForced {
}
