package dev.tenfold.linalg;

/** Reruns {@link QRProperties} with the Vector API kernels forced for every problem size. */
class QRVectorKernelProperties extends QRProperties implements VectorKernelsForced {
}
