/**
 * Tensor contractions: mode-n products, Khatri-Rao and Kronecker products, MTTKRP, pairwise
 * contraction by transpose-transpose-GEMM-transpose and an einsum front end with path planning.
 */
package dev.tenfold.contract;
