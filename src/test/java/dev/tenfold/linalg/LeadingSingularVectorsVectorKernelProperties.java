package dev.tenfold.linalg;

/** Reruns {@link LeadingSingularVectorsProperties} with the Vector API kernels forced for every problem size. */
class LeadingSingularVectorsVectorKernelProperties extends LeadingSingularVectorsProperties implements VectorKernelsForced {
}
