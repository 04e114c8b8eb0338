/**
 * Dense linear algebra: packed, cache-blocked, Vector API SGEMM (and batched GEMM), and small
 * double-precision solvers (Cholesky, QR, symmetric eigen, thin SVD) used by the decompositions.
 */
package dev.tenfold.linalg;
