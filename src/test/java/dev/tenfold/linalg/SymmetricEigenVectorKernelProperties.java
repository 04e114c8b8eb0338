package dev.tenfold.linalg;

/** Reruns {@link SymmetricEigenProperties} with the Vector API kernels forced for every problem size. */
class SymmetricEigenVectorKernelProperties extends SymmetricEigenProperties implements VectorKernelsForced {
}
