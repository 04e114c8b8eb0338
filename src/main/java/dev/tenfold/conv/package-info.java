/**
 * N-D convolutions in PyTorch layout: activations (B, C, D_0..D_{N-1}), dense kernel
 * (T, C/groups, K_0..K_{N-1}). Dense forward/backward, CP and Tucker factorized forms
 * (1×1 → per-mode depthwise → 1×1, and 1×1 → core conv → 1×1), transduction to N+1 dims and
 * compression of dense kernels.
 */
package dev.tenfold.conv;
