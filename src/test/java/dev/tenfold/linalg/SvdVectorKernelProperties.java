package dev.tenfold.linalg;

/** Reruns {@link SvdProperties} with the Vector API kernels forced for every problem size. */
class SvdVectorKernelProperties extends SvdProperties implements VectorKernelsForced {
}
