/**
 * SIMD kernel layer: {@link dev.tenfold.simd.FloatKernels} with a scalar implementation and a
 * Vector API implementation chosen once by {@link dev.tenfold.simd.Kernels}.
 */
package dev.tenfold.simd;
